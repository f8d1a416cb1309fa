// A campaign's landing page (/campagnes/{code}): who asks, the title, the teacher's text, then
// "Je commence" (or "Reprendre" for a learner already in it). Anyone with the code may read it.
import { useLocation } from "preact-iso";

import { useI18n } from "../../common/i18n.js";
import { ErrorNotice, Loading, Notice, PageTitle, useAsync } from "../../common/ui.jsx";
import { landingOf, nextPath, normalizeCode, participationOf, paths } from "../campaign.js";
import { Shell } from "../components/Shell.jsx";
import { SafeHtml } from "../components/SafeHtml.jsx";
import { explain } from "../explain.js";
import { useSession } from "../session.jsx";

async function load(code, signedIn) {
  const landing = await landingOf(code);
  const participation = signedIn ? await participationOf(code) : null;
  return { landing, participation };
}

function Unknown({ error }) {
  const { t } = useI18n();
  const notFound = error.code === "CAMPAIGN_NOT_FOUND";
  return (
    <Shell>
      <PageTitle>{notFound ? t("learner.landing.not_found_title") : t("learner.landing.error_title")}</PageTitle>
      {notFound ? <p>{t("learner.landing.not_found")}</p> : <ErrorNotice error={error} />}
      <p>
        <a href="/">{t("learner.landing.other_code")}</a>
      </p>
    </Shell>
  );
}

export function Landing({ code }) {
  const { t } = useI18n();
  const { signedIn } = useSession();
  const { route } = useLocation();
  const wanted = normalizeCode(code);
  const { data, error, loading } = useAsync(() => load(wanted, signedIn), [wanted, signedIn]);
  if (error) return <Unknown error={error} />;
  if (loading || !data) {
    return (
      <Shell>
        <Loading />
      </Shell>
    );
  }
  const { landing, participation } = data;
  const title = landing.title
    || t(landing.type === "PROFILES_COLLECTION" ? "learner.landing.profiles_title" : "learner.landing.default_title");
  function start() {
    if (participation) route(nextPath(participation));
    else if (signedIn) route(paths.join(wanted));
    else route(`/inscription?retour=${encodeURIComponent(paths.join(wanted))}`);
  }
  const closed = landing.archived && !participation;
  return (
    <Shell>
      <article class="card learner-landing">
        {landing.organization_name ? <p class="learner-landing__organization">{landing.organization_name}</p> : null}
        <PageTitle>{title}</PageTitle>
        {landing.landing_html ? <SafeHtml html={landing.landing_html} /> : null}
        {closed ? (
          <Notice kind="info">{explain(t, { code: "CAMPAIGN_ARCHIVED" }, "learner.landing.errors")}</Notice>
        ) : (
          <div class="actions">
            <button type="button" class="button button--primary" onClick={start}>
              {participation ? t(participation.status === "STARTED" ? "learner.landing.resume"
                : "learner.landing.see_results") : t("learner.landing.start")}
            </button>
          </div>
        )}
        {!signedIn && !closed ? (
          <p class="learner-landing__account">
            {t("learner.landing.have_account")}{" "}
            <a href={`/connexion?retour=${encodeURIComponent(paths.join(wanted))}`}>{t("learner.landing.log_in")}</a>
          </p>
        ) : null}
      </article>
    </Shell>
  );
}
