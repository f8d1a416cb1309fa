// The account's recovery pages of Orga: /orga/mot-de-passe-oublie asks for a reset link,
// /orga/nouveau-mot-de-passe#token=... (the mail's link) sets the new password,
// /orga/verification-email#token=... confirms the address, then leads back to the invitation the
// teacher was accepting, when there is one. The forms are shared with the learners' face.
import { useState } from "preact/hooks";

import { EmailVerification, ForgotPasswordForm, NewPasswordForm } from "../../common/account.jsx";
import { useI18n } from "../../common/i18n.js";
import { Notice, PageTitle } from "../../common/ui.jsx";
import { api, markChange } from "../api.js";
import { Bare } from "../components/Shell.jsx";
import { pendingJoin, useOrga } from "../session.jsx";

export function ForgotPassword() {
  const { t } = useI18n();
  return (
    <Bare>
      <PageTitle>{t("common.reset.request_title")}</PageTitle>
      <p>{t("common.reset.request_intro")}</p>
      <div class="card">
        <ForgotPasswordForm api={api} face="orga" />
      </div>
      <p><a href="/orga/connexion">{t("orga.account.back_to_log_in")}</a></p>
    </Bare>
  );
}

export function NewPassword() {
  const { t } = useI18n();
  const { logOut } = useOrga();
  const [done, setDone] = useState(false);
  return (
    <Bare>
      <PageTitle>{t("common.reset.title")}</PageTitle>
      {done ? (
        <>
          <Notice kind="success">{t("common.reset.done")}</Notice>
          <p><a href="/orga/connexion">{t("orga.account.log_in")}</a></p>
        </>
      ) : (
        <>
          <p>{t("common.reset.intro")}</p>
          <div class="card">
            <NewPasswordForm api={api} requestHref="/orga/mot-de-passe-oublie" onDone={() => {
              logOut(); // this browser's session, if any, ended with the others
              setDone(true);
            }} />
          </div>
        </>
      )}
    </Bare>
  );
}

export function VerifyEmail() {
  const { t } = useI18n();
  const { signedIn, reloadMe } = useOrga();
  const back = pendingJoin();
  return (
    <Bare>
      <PageTitle>{t("common.verify.title")}</PageTitle>
      <EmailVerification api={api} onVerified={() => {
        markChange(); // organizations hears of it by an event: the next refusals may be that delay
        if (signedIn) reloadMe().catch(() => {});
      }}>
        {() => (
          <p>
            {back ? <a href={back}>{t("orga.account.back_to_invitation")}</a>
              : <a href="/orga/campagnes">{t("orga.account.go_to_orga")}</a>}
          </p>
        )}
      </EmailVerification>
    </Bare>
  );
}
