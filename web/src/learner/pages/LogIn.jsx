// /connexion?retour=...: log in (an email, or a pupil's username), then back where the learner was going; or sign
// in through the school's ENT (the GAR), which comes back by /connexion/gar.
import { useLocation } from "preact-iso";
import { useRef } from "preact/hooks";

import { useI18n } from "../../common/i18n.js";
import { LogInForm, PageTitle } from "../../common/ui.jsx";
import { api } from "../api.js";
import { Shell } from "../components/Shell.jsx";
import { safeReturn } from "../session.jsx";
import { expiredPasswordHref, passwordChangeNeeded } from "./ExpiredPassword.jsx";

// The GAR's sign-in starts at identity (a page of the server, not of this face): target="_top" keeps the
// face's router from taking the click for one of its own pages.
export const garLogInHref = (back) => `/api/saml/login?relay=${encodeURIComponent(back)}`;

export function LogIn() {
  const { t } = useI18n();
  const { query, route } = useLocation();
  const back = safeReturn(query.retour);
  // A temporary password a school's admin gave: no session yet, a new password to choose first.
  const mustChange = useRef(false);
  async function logIn(login, password) {
    mustChange.current = await passwordChangeNeeded(() => api.logIn(login, password));
  }
  const next = () => (mustChange.current ? expiredPasswordHref(back) : back);
  return (
    <Shell>
      <div class="card">
        <PageTitle>{t("learner.log_in.title")}</PageTitle>
        <LogInForm api={api} logIn={logIn} onDone={() => route(next(), true)} forgotHref="/mot-de-passe-oublie"
          withUsername />
        <p class="learner-gar-log-in">
          <a class="button button--secondary" href={garLogInHref(back)} target="_top">{t("learner.log_in.gar")}</a>
        </p>
        <p class="learner-switch-account">
          {t("learner.log_in.no_account")}{" "}
          <a href={`/inscription?retour=${encodeURIComponent(back)}`}>{t("learner.log_in.sign_up")}</a>
        </p>
      </div>
    </Shell>
  );
}
