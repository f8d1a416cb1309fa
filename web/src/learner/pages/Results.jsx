// /campagnes/{code}/resultats: the end of the test. Mastery overall and per competence, then
// "J'envoie mes résultats" and the confirmation that the organization has them; before sending, "J'améliore
// mes résultats" (back to the test, the questions not passed asked again); "Repasser mon parcours" when the
// campaign takes results several times. The participation's status is read from
// the API (it becomes TO_SHARE by an event a moment after the last answer: the page waits for it).
import { useEffect, useRef, useState } from "preact/hooks";
import { useLocation } from "preact-iso";

import { formatDate, formatNumber, formatPercent, useI18n } from "../../common/i18n.js";
import { Button, ErrorNotice, Loading, Notice, PageTitle, useAsync, usePolling } from "../../common/ui.jsx";
import { api } from "../api.js";
import { assessmentOf, landingOf, markRulesSeen, normalizeCode, participationOf, paths } from "../campaign.js";
import { CompetenceResults } from "../components/CompetenceResults.jsx";
import { Shell } from "../components/Shell.jsx";
import { explain } from "../explain.js";
import { useSignedIn } from "../session.jsx";

const PROFILES = "PROFILES_COLLECTION";

async function load(code, locale) {
  const participation = await participationOf(code);
  if (!participation) return { participation: null };
  const landing = await landingOf(code).catch(() => null);
  if (participation.campaign_type === PROFILES) {
    return { participation, landing, profile: await api.get("/api/users/me/profile", { locale }) };
  }
  const assessment = await assessmentOf(participation.id, { tries: 10 });
  const results = await api.get(`/api/assessments/${assessment.id}/results`, { locale });
  return { participation, landing, assessment, results };
}

function Overall({ results, profile }) {
  const { t, locale } = useI18n();
  if (profile) {
    return (
      <div class="learner-score">
        <p class="learner-score__value">{formatNumber(locale, profile.total_pix)}</p>
        <p class="learner-score__label">{t("learner.results.profile_pix")}</p>
      </div>
    );
  }
  return (
    <div class="learner-score">
      <p class="learner-score__value">{formatPercent(locale, results.mastery_rate)}</p>
      <p class="learner-score__label">
        {t("learner.results.mastery", { count: results.target_skills_count,
          validated: results.validated_skills_count })}
      </p>
    </div>
  );
}

function retryError(t, locale, error) {
  if (error.code === "RETRY_TOO_SOON" && error.details?.available_at) {
    return t("learner.results.errors.RETRY_TOO_SOON", { date: formatDate(locale, error.details.available_at) });
  }
  return explain(t, error, "learner.results.errors");
}

export function Results({ code }) {
  const { t, locale } = useI18n();
  const signedIn = useSignedIn();
  const { route } = useLocation();
  const wanted = normalizeCode(code);
  const { data, error, reload } = useAsync(() => (signedIn ? load(wanted, locale) : null), [wanted, locale, signedIn]);
  const [participation, setParticipation] = useState(null);
  const [busy, setBusy] = useState(null);
  const [failure, setFailure] = useState(null);
  const confirmation = useRef(null);
  const current = participation || data?.participation;

  useEffect(() => setParticipation(null), [data]);
  useEffect(() => {
    // A test not over yet: back to it.
    if (current?.status === "STARTED" && data?.assessment && data.assessment.state !== "COMPLETED") {
      route(paths.test(wanted), true);
    }
  }, [current, data]);
  const finishing = current?.status === "STARTED" && data?.assessment?.state === "COMPLETED";
  // Finishing: the participation still runs while its test is over, until campaigns hears of the end (then it is
  // TO_SHARE); or the learner just chose to improve and assessment has not made the new test yet (then a test
  // that runs comes: back to it).
  usePolling(async () => {
    const fresh = await api.get(`/api/campaign-participations/${current.id}`).catch(() => null);
    if (!fresh) return;
    setParticipation(fresh);
    if (fresh.status !== "STARTED") return;
    const latest = await api.get(`/api/campaign-participations/${current.id}/assessment`).catch(() => null);
    if (latest && latest.state !== "COMPLETED") route(paths.test(wanted), true);
  }, 1000, Boolean(finishing));

  async function share() {
    setBusy("share");
    setFailure(null);
    try {
      setParticipation(await api.post(`/api/campaign-participations/${current.id}/share`));
      setTimeout(() => confirmation.current?.focus(), 0);
    } catch (problem) {
      setFailure(problem);
    } finally {
      setBusy(null);
    }
  }
  async function improve() {
    setBusy("improve");
    setFailure(null);
    try {
      await api.post(`/api/campaign-participations/${current.id}/improve`);
      markRulesSeen(current.id); // the same participation: its rules were read already
      route(paths.test(wanted)); // the test page waits for the new test (made by an event)
    } catch (problem) {
      setFailure(problem);
      setBusy(null);
    }
  }
  async function retry() {
    setBusy("retry");
    setFailure(null);
    try {
      const successor = await api.post(`/api/campaign-participations/${current.id}/retry`);
      markRulesSeen(successor.id); // the rules were read the first time
      if (successor.status === "STARTED") route(paths.test(wanted));
      else reload();
    } catch (problem) {
      setFailure(problem);
    } finally {
      setBusy(null);
    }
  }

  const profiles = current?.campaign_type === PROFILES;
  const improvable = !profiles && data?.results && data.results.validated_skills_count < data.results.target_skills_count;
  const organization = current?.organization_name || data?.landing?.organization_name || "";
  let body;
  if (error) body = <ErrorNotice error={error} />;
  else if (!data) body = <Loading />;
  else if (!current) {
    body = <p><a href={paths.landing(wanted)}>{t("learner.results.no_participation")}</a></p>;
  } else {
    const shared = current.status === "SHARED";
    body = (
      <>
        <section class="card" aria-labelledby="overall-title">
          <h2 id="overall-title">{t(profiles ? "learner.results.profile_title" : "learner.results.overall")}</h2>
          <Overall results={data.results} profile={data.profile} />
          {data.results ? <CompetenceResults competences={data.results.competences} /> : null}
        </section>
        <section class="card learner-share" aria-labelledby="share-title">
          <h2 id="share-title" ref={confirmation} tabIndex={-1}>
            {t(shared ? (profiles ? "learner.results.shared_profile_title" : "learner.results.shared_title")
              : (profiles ? "learner.results.share_profile_title" : "learner.results.share_title"))}
          </h2>
          {failure ? <Notice kind="error">{retryError(t, locale, failure)}</Notice> : null}
          {shared ? (
            <Notice kind="success">
              {t(profiles ? "learner.results.shared_profile" : "learner.results.shared", { organization,
                date: formatDate(locale, current.shared_at, { dateStyle: "long" }) })}
            </Notice>
          ) : null}
          {current.status === "TO_SHARE" ? (
            <>
              <p>{t(profiles ? "learner.results.share_profile_text" : "learner.results.share_text", { organization })}</p>
              {current.campaign_archived ? (
                <Notice kind="info">{explain(t, { code: "CAMPAIGN_ARCHIVED" }, "learner.results.errors")}</Notice>
              ) : (
                <div class="actions">
                  <Button busy={busy === "share"} disabled={busy === "improve"} onClick={share}>
                    {t(profiles ? "learner.results.share_profile" : "learner.results.share")}
                  </Button>
                </div>
              )}
              {improvable && !current.campaign_archived ? (
                <div class="learner-retry">
                  <p>{t("learner.results.improve_text")}</p>
                  <div class="actions">
                    <Button variant="secondary" busy={busy === "improve"} disabled={busy === "share"} onClick={improve}>
                      {t("learner.results.improve")}
                    </Button>
                  </div>
                </div>
              ) : null}
            </>
          ) : null}
          {finishing ? <Loading label={t("learner.results.finishing")} /> : null}
          {shared && data.landing?.multiple_sendings && !current.campaign_archived ? (
            <div class="learner-retry">
              <p>{t(profiles ? "learner.results.retry_profile_text" : "learner.results.retry_text")}</p>
              <div class="actions">
                <Button variant="secondary" busy={busy === "retry"} onClick={retry}>
                  {t(profiles ? "learner.results.retry_profile" : "learner.results.retry")}
                </Button>
              </div>
            </div>
          ) : null}
          {shared ? (
            <p class="learner-share__next">
              <a href="/">{t("learner.results.home")}</a>
              {" · "}
              <a href="/profil">{t("learner.results.profile_link")}</a>
            </p>
          ) : null}
        </section>
      </>
    );
  }
  return (
    <Shell campaignTitle={current?.campaign_title} width="medium">
      <PageTitle>{t(profiles ? "learner.results.profile_page_title" : "learner.results.title")}</PageTitle>
      {body}
    </Shell>
  );
}
