// The home page: "J'ai un code" for everyone; for a signed-in learner, their campaigns too, each with
// what comes next (resume the test, send the results, see them); "Je passe ma certification".
import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";

import { useI18n } from "../../common/i18n.js";
import { Button, ErrorNotice, Field, Loading, PageTitle, useAsync } from "../../common/ui.jsx";
import { landingOf, myParticipations, nextPath, normalizeCode, paths } from "../campaign.js";
import { certificationPaths } from "../certification.js";
import { explain } from "../explain.js";
import { Shell } from "../components/Shell.jsx";
import { useSession } from "../session.jsx";

function CodeForm() {
  const { t } = useI18n();
  const { route } = useLocation();
  const [code, setCode] = useState("");
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  async function submit(event) {
    event.preventDefault();
    const wanted = normalizeCode(code);
    if (!wanted) {
      setError(t("learner.home.code_missing"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await landingOf(wanted);
      route(paths.landing(wanted));
    } catch (failure) {
      setError(explain(t, failure, "learner.home.errors"));
      setBusy(false);
    }
  }
  return (
    <section class="card" aria-labelledby="code-title">
      <h2 id="code-title">{t("learner.home.code_title")}</h2>
      <form class="form learner-code-form" onSubmit={submit} noValidate>
        <Field label={t("learner.home.code_label")} hint={t("learner.home.code_hint")} error={error}>
          {(props) => (
            <input {...props} name="code" autoComplete="off" autoCapitalize="characters" spellcheck={false}
              value={code} onInput={(event) => setCode(event.currentTarget.value)} />
          )}
        </Field>
        <div class="actions">
          <Button type="submit" busy={busy}>{t("learner.home.code_submit")}</Button>
        </div>
      </form>
    </section>
  );
}

const ACTION = { STARTED: "learner.home.resume", TO_SHARE: "learner.home.send", SHARED: "learner.home.see_results" };

function MyCampaigns() {
  const { t } = useI18n();
  const { data, error, loading } = useAsync(myParticipations, []);
  return (
    <section class="card" aria-labelledby="mine-title">
      <h2 id="mine-title">{t("learner.home.mine_title")}</h2>
      <ErrorNotice error={error} />
      {loading && !data ? <Loading /> : null}
      {data && data.length === 0 ? <p>{t("learner.home.mine_empty")}</p> : null}
      {data && data.length > 0 ? (
        <ul class="learner-list">
          {data.map((item) => (
            <li key={item.id} class="learner-list__item">
              <div class="learner-list__text">
                <p class="learner-list__title">{item.campaign_title || item.campaign_code}</p>
                <p class="learner-list__meta">
                  {item.organization_name ? `${item.organization_name} · ` : ""}
                  <span class={`badge${item.status === "SHARED" ? " badge--success" : ""}`}>
                    {t(`learner.status.${item.status}`)}
                  </span>
                  {item.campaign_archived ? ` · ${t("learner.home.archived")}` : ""}
                </p>
              </div>
              <a class={`button button--${item.status === "SHARED" ? "secondary" : "primary"}`} href={nextPath(item)}
                aria-label={t("learner.home.action_for", { action: t(ACTION[item.status]),
                  title: item.campaign_title || item.campaign_code })}>
                {t(ACTION[item.status])}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      <p>
        <a href="/profil">{t("learner.home.profile_link")}</a>
      </p>
    </section>
  );
}

// The way into a certification session: for everyone (a visitor logs in first, then comes back here); the
// signed-in learner's certificates; anyone's check of a certificate by its code.
function CertificationEntry({ signedIn }) {
  const { t } = useI18n();
  return (
    <section class="card" aria-labelledby="certification-title">
      <h2 id="certification-title">{t("learner.home.certification_title")}</h2>
      <p>{t("learner.home.certification_text")}</p>
      <a class="button button--secondary" href={certificationPaths.join()}>{t("learner.home.certification_link")}</a>
      <ul class="learner-links">
        {signedIn ? <li><a href={certificationPaths.certificates()}>{t("learner.home.my_certificates")}</a></li> : null}
        <li><a href={certificationPaths.verification()}>{t("learner.home.verify_certificate")}</a></li>
      </ul>
    </section>
  );
}

export function Home() {
  const { t } = useI18n();
  const { signedIn, user } = useSession();
  return (
    <Shell>
      <PageTitle>{t("learner.home.title")}</PageTitle>
      {signedIn && user ? <p class="learner-lead">{t("learner.home.hello", { name: user.first_name })}</p> : null}
      {!signedIn ? <p class="learner-lead">{t("learner.home.intro")}</p> : null}
      <CodeForm />
      {signedIn ? <MyCampaigns /> : null}
      <CertificationEntry signedIn={signedIn} />
    </Shell>
  );
}
