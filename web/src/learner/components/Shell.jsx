// The frame of every page: the brand, the campaign's title during a test, who is signed in (their
// profile, logging out) and the language, then the page itself in <main>.
import { useLocation } from "preact-iso";

import { useI18n } from "../../common/i18n.js";
import { LanguageSwitch, SkipLink } from "../../common/ui.jsx";
import { api } from "../api.js";
import { useSession } from "../session.jsx";

function Account() {
  const { t } = useI18n();
  const { signedIn, user } = useSession();
  const { url, path, route } = useLocation();
  if (!signedIn) {
    if (path === "/connexion" || path === "/inscription") return null;
    return (
      <nav class="learner-account" aria-label={t("learner.header.account")}>
        <a href={`/connexion?retour=${encodeURIComponent(url)}`}>{t("learner.header.log_in")}</a>
      </nav>
    );
  }
  async function logOut() {
    await api.logOut();
    route("/");
  }
  return (
    <nav class="learner-account" aria-label={t("learner.header.account")}>
      {user ? <span class="learner-account__name">{`${user.first_name} ${user.last_name}`}</span> : null}
      <a href="/profil" aria-current={path === "/profil" ? "page" : undefined}>{t("learner.header.profile")}</a>
      <button type="button" class="link-button" onClick={logOut}>{t("common.log_out")}</button>
    </nav>
  );
}

// width: "narrow" (forms, one question), "medium" (results, checkpoint), "wide" (the profile's grid).
export function Shell({ campaignTitle, width = "narrow", children }) {
  const { t } = useI18n();
  return (
    <>
      <SkipLink />
      <header class="app-header learner-header">
        <a class="app-header__brand" href="/">{t("learner.brand")}</a>
        {campaignTitle ? (
          <p class="learner-header__campaign">
            <span class="visually-hidden">{t("learner.header.campaign")} </span>
            {campaignTitle}
          </p>
        ) : null}
        <div class="learner-header__end">
          <Account />
          <LanguageSwitch />
        </div>
      </header>
      <main id="main" tabIndex={-1} class={`learner-main learner-main--${width}${width === "narrow" ? " narrow" : ""}`}>
        {children}
      </main>
    </>
  );
}
