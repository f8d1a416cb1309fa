// The account's recovery pages of the learners' face: /mot-de-passe-oublie asks for a reset link,
// /nouveau-mot-de-passe#token=... (the mail's link) sets the new password, /verification-email#token=...
// confirms the address. The forms are shared with Orga (common/account.jsx).
import { useState } from "preact/hooks";

import { EmailVerification, ForgotPasswordForm, NewPasswordForm } from "../../common/account.jsx";
import { useI18n } from "../../common/i18n.js";
import { Notice, PageTitle } from "../../common/ui.jsx";
import { api } from "../api.js";
import { Shell } from "../components/Shell.jsx";

export function ForgotPassword() {
  const { t } = useI18n();
  return (
    <Shell>
      <div class="card">
        <PageTitle>{t("common.reset.request_title")}</PageTitle>
        <p>{t("common.reset.request_intro")}</p>
        <ForgotPasswordForm api={api} face="learner" />
        <p class="field__hint">{t("learner.account.no_email_reset")}</p>
        <p class="learner-switch-account"><a href="/connexion">{t("learner.account.back_to_log_in")}</a></p>
      </div>
    </Shell>
  );
}

export function NewPassword() {
  const { t } = useI18n();
  const [done, setDone] = useState(false);
  return (
    <Shell>
      <div class="card">
        <PageTitle>{t("common.reset.title")}</PageTitle>
        {done ? (
          <>
            <Notice kind="success">{t("common.reset.done")}</Notice>
            <p><a href="/connexion">{t("learner.account.log_in")}</a></p>
          </>
        ) : (
          <>
            <p>{t("common.reset.intro")}</p>
            <NewPasswordForm api={api} requestHref="/mot-de-passe-oublie" onDone={() => {
              api.logOut(); // this browser's session, if any, ended with the others
              setDone(true);
            }} />
          </>
        )}
      </div>
    </Shell>
  );
}

export function VerifyEmail() {
  const { t } = useI18n();
  return (
    <Shell>
      <div class="card">
        <PageTitle>{t("common.verify.title")}</PageTitle>
        <EmailVerification api={api}>
          {() => <p><a href="/">{t("learner.account.continue")}</a></p>}
        </EmailVerification>
      </div>
    </Shell>
  );
}
