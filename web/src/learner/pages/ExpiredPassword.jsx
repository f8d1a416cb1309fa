// /mot-de-passe-expire?retour=...: the learner logged in with a temporary password a school's admin gave them
// (PASSWORD_CHANGE_REQUIRED): they choose their own, twice, and are then signed in as after a log-in. The token the
// log-in answered is kept in memory only: reloading the page asks to log in again.
import { useLocation } from "preact-iso";
import { useState } from "preact/hooks";

import { passwordProblems } from "../../common/account.jsx";
import { useI18n } from "../../common/i18n.js";
import { Button, ErrorNotice, Field, Notice, PageTitle } from "../../common/ui.jsx";
import { api } from "../api.js";
import { Shell } from "../components/Shell.jsx";
import { safeReturn } from "../session.jsx";

let pendingToken = null;

function rememberPasswordChange(token) {
  pendingToken = token;
}

// Runs a log-in (or a GAR link, which checks a password the same way): true when the password was a temporary one
// a school's admin gave, whose change token is then kept for this page; any other refusal is thrown on.
export async function passwordChangeNeeded(logIn) {
  try {
    await logIn();
    return false;
  } catch (failure) {
    if (failure?.code !== "PASSWORD_CHANGE_REQUIRED") throw failure;
    rememberPasswordChange(failure.details.password_change_token);
    return true;
  }
}

export const expiredPasswordHref = (back) => `/mot-de-passe-expire?retour=${encodeURIComponent(back)}`;

export function ExpiredPassword() {
  const { t } = useI18n();
  const { query, route } = useLocation();
  const back = safeReturn(query.retour);
  const [token] = useState(() => pendingToken);
  const [password, setPassword] = useState("");
  const [again, setAgain] = useState("");
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const logInAgain = `/connexion?retour=${encodeURIComponent(back)}`;

  async function submit(event) {
    event.preventDefault();
    setError(null);
    if (!password) return setError({ code: "PASSWORD_MISSING" });
    if (password !== again) return setError({ code: "PASSWORDS_DIFFER" });
    setBusy(true);
    try {
      api.useTokens(await api.post("/api/password/expired", { token, password }, { auth: false }));
      pendingToken = null;
      route(back, true);
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  }

  const onPassword = error?.code === "PASSWORD_MISSING" ? t("common.reset.password_missing")
    : error?.code === "PASSWORD_UNCHANGED" ? t("errors.PASSWORD_UNCHANGED") : passwordProblems(t, error);
  const onAgain = error?.code === "PASSWORDS_DIFFER" ? t("learner.expired_password.differ") : null;
  return (
    <Shell>
      <div class="card">
        <PageTitle>{t("learner.expired_password.title")}</PageTitle>
        {!token ? (
          <>
            <Notice kind="error">{t("learner.expired_password.no_token")}</Notice>
            <p><a href={logInAgain}>{t("learner.account.log_in")}</a></p>
          </>
        ) : (
          <>
            <p>{t("learner.expired_password.intro")}</p>
            <form class="form" onSubmit={submit} noValidate>
              {onPassword || onAgain ? null : <ErrorNotice error={error} />}
              {error?.code === "INVALID_PASSWORD_CHANGE_TOKEN"
                ? <p><a href={logInAgain}>{t("learner.account.log_in")}</a></p> : null}
              <Field label={t("common.reset.new_password")} hint={t("common.reset.password_hint")} error={onPassword}
                required>
                {(props) => (
                  <input {...props} type="password" name="new-password" autoComplete="new-password" value={password}
                    onInput={(event) => setPassword(event.currentTarget.value)} />
                )}
              </Field>
              <Field label={t("learner.expired_password.again")} error={onAgain} required>
                {(props) => (
                  <input {...props} type="password" name="new-password-again" autoComplete="new-password"
                    value={again} onInput={(event) => setAgain(event.currentTarget.value)} />
                )}
              </Field>
              <Button type="submit" busy={busy}>{t("learner.expired_password.submit")}</Button>
            </form>
          </>
        )}
      </div>
    </Shell>
  );
}
