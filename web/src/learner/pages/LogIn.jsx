// /connexion?retour=...: log in, then back where the learner was going.
import { useLocation } from "preact-iso";

import { useI18n } from "../../common/i18n.js";
import { LogInForm, PageTitle } from "../../common/ui.jsx";
import { api } from "../api.js";
import { Shell } from "../components/Shell.jsx";
import { safeReturn } from "../session.jsx";

export function LogIn() {
  const { t } = useI18n();
  const { query, route } = useLocation();
  const back = safeReturn(query.retour);
  return (
    <Shell>
      <div class="card">
        <PageTitle>{t("learner.log_in.title")}</PageTitle>
        <LogInForm api={api} onDone={() => route(back, true)} forgotHref="/mot-de-passe-oublie" />
        <p class="learner-switch-account">
          {t("learner.log_in.no_account")}{" "}
          <a href={`/inscription?retour=${encodeURIComponent(back)}`}>{t("learner.log_in.sign_up")}</a>
        </p>
      </div>
    </Shell>
  );
}
