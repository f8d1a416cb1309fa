// Getting back into an account and proving an address, for both faces (each wraps these in its
// own page and says where to go next): asking for a reset link, choosing a new password from the
// mail's link, following a verification link, and the notice that asks a teacher to verify.
//
// The links' tokens come in the URL's fragment (#token=...): browsers never send it to a server.
// The page reads it once, then takes it out of the address bar (and so out of the history).
import { useEffect, useState } from "preact/hooks";

import { useI18n } from "./i18n.js";
import { Button, ErrorNotice, Field, Loading, LogInForm, Notice } from "./ui.jsx";

export function useLinkToken() {
  const [token] = useState(() => new URLSearchParams(location.hash.slice(1)).get("token") || "");
  useEffect(() => {
    if (location.hash) history.replaceState(history.state, "", location.pathname + location.search);
  }, []);
  return token;
}

// face: "learner" or "orga", where the mail's link will lead.
export function ForgotPasswordForm({ api, face }) {
  const { t, locale } = useI18n();
  const [email, setEmail] = useState("");
  const [sentTo, setSentTo] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  async function submit(event) {
    event.preventDefault();
    setError(null);
    if (!email.trim()) {
      setError({ code: "EMAIL_MISSING" });
      return;
    }
    setBusy(true);
    try {
      await api.post("/api/password-reset-requests", { email: email.trim(), face, locale }, { auth: false });
      setSentTo(email.trim());
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }
  if (sentTo) {
    // The same words whether an account has this address or not: the API does not say, nor do we.
    return <Notice kind="success">{t("common.reset.sent", { email: sentTo })}</Notice>;
  }
  const missing = error?.code === "EMAIL_MISSING" ? t("common.reset.email_missing") : null;
  return (
    <form class="form" onSubmit={submit} noValidate>
      {missing ? null : <ErrorNotice error={error} />}
      <Field label={t("common.email")} hint={t("common.reset.email_hint")} error={missing} required>
        {(props) => (
          <input {...props} type="email" name="email" autoComplete="email" value={email}
            onInput={(event) => setEmail(event.currentTarget.value)} />
        )}
      </Field>
      <Button type="submit" busy={busy}>{t("common.reset.request_submit")}</Button>
    </form>
  );
}

// The rules a refused password breaks, said on the field.
export function passwordProblems(t, error) {
  if (error?.code !== "PASSWORD_TOO_WEAK") return null;
  return [t("errors.PASSWORD_TOO_WEAK"), ...(error.details?.rules || []).map((rule) => t(`errors.${rule}`))].join(" ");
}

// requestHref: the page that asks for a new link (when this one is spent or too old).
export function NewPasswordForm({ api, requestHref, onDone }) {
  const { t } = useI18n();
  const token = useLinkToken();
  const [password, setPassword] = useState("");
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  if (!token) {
    return (
      <>
        <Notice kind="error">{t("common.reset.bad_link")}</Notice>
        <p><a href={requestHref}>{t("common.reset.ask_again")}</a></p>
      </>
    );
  }
  async function submit(event) {
    event.preventDefault();
    setError(null);
    if (!password) {
      setError({ code: "PASSWORD_MISSING" });
      return;
    }
    setBusy(true);
    try {
      await api.post("/api/password-resets", { token, password }, { auth: false });
      onDone();
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  }
  const onField = error?.code === "PASSWORD_MISSING" ? t("common.reset.password_missing") : passwordProblems(t, error);
  return (
    <form class="form" onSubmit={submit} noValidate>
      {onField ? null : <ErrorNotice error={error} />}
      {error?.code === "INVALID_RESET_LINK" ? <p><a href={requestHref}>{t("common.reset.ask_again")}</a></p> : null}
      <Field label={t("common.reset.new_password")} hint={t("common.reset.password_hint")} error={onField} required>
        {(props) => (
          <input {...props} type="password" name="new-password" autoComplete="new-password" value={password}
            onInput={(event) => setPassword(event.currentTarget.value)} />
        )}
      </Field>
      <Button type="submit" busy={busy}>{t("common.reset.submit")}</Button>
    </form>
  );
}

// Follows the verification link at once; children(email) says what comes next once it is done.
export function EmailVerification({ api, onVerified, children }) {
  const { t } = useI18n();
  const token = useLinkToken();
  const [state, setState] = useState({ email: null, error: token ? null : { code: "NO_TOKEN" } });
  useEffect(() => {
    if (!token) return undefined;
    let live = true;
    api.post("/api/email-verifications", { token }, { auth: false }).then(
      (answer) => {
        if (!live) return;
        setState({ email: answer.email, error: null });
        onVerified?.(answer.email);
      },
      (error) => live && setState({ email: null, error }),
    );
    return () => {
      live = false;
    };
  }, [token]); // eslint-disable-line react-hooks/exhaustive-deps
  if (state.error?.code === "NO_TOKEN") return <Notice kind="error">{t("common.verify.bad_link")}</Notice>;
  if (state.error) return <ErrorNotice error={state.error} />;
  if (!state.email) return <Loading label={t("common.verify.checking")} />;
  return (
    <>
      <Notice kind="success">{t("common.verify.done", { email: state.email })}</Notice>
      {children?.(state.email)}
    </>
  );
}

// For a signed-in account whose address is not verified yet: what to do, and another link on request.
export function VerifyEmailNotice({ api, email, face, onChecked }) {
  const { t } = useI18n();
  const [state, setState] = useState({ busy: false, sent: false, error: null });
  async function resend() {
    setState({ busy: true, sent: false, error: null });
    try {
      await api.post("/api/users/me/email-verification-requests", { face });
      setState({ busy: false, sent: true, error: null });
    } catch (error) {
      setState({ busy: false, sent: false, error });
      if (error.code === "EMAIL_ALREADY_VERIFIED") onChecked?.();
    }
  }
  return (
    <div class="card verify-email" role="region" aria-labelledby="verify-email-title">
      <h2 id="verify-email-title">{t("common.verify.needed_title")}</h2>
      <p>{t("common.verify.needed", { email })}</p>
      <p class="muted">{t("common.verify.spam")}</p>
      {state.sent ? <Notice kind="success">{t("common.verify.resent", { email })}</Notice> : null}
      <ErrorNotice error={state.error} />
      <div class="actions">
        <Button variant="secondary" busy={state.busy} onClick={resend}>{t("common.verify.resend")}</Button>
        {onChecked ? <Button variant="secondary" onClick={onChecked}>{t("common.verify.done_check")}</Button> : null}
      </div>
    </div>
  );
}

// A new account, then logged in with it (an invitation's page: Orga's, Certif's); the API's refusals on their
// fields.
export function SignUpForm({ api, face, email = "", onDone }) {
  const { t, locale } = useI18n();
  const [form, setForm] = useState({ first_name: "", last_name: "", email, password: "", accepted_terms: false });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (changes) => setForm((previous) => ({ ...previous, ...changes }));
  const fields = error?.details?.fields || {};
  const fieldError = (name) => (fields[name] ? [].concat(fields[name]).join(" ") : null);

  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      // face: the face the mail that verifies the address leads to ("orga" or "learner").
      await api.post("/api/users", { ...form, email: form.email.trim(), locale, face }, { auth: false });
      await api.logIn(form.email.trim(), form.password);
      await onDone();
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  }

  return (
    <form class="form" onSubmit={submit} noValidate>
      <ErrorNotice error={error} />
      <Field label={t("common.signup.first_name")} required error={fieldError("first_name")}>
        {(props) => <input {...props} name="first_name" autoComplete="given-name" value={form.first_name}
          onInput={(e) => set({ first_name: e.currentTarget.value })} />}
      </Field>
      <Field label={t("common.signup.last_name")} required error={fieldError("last_name")}>
        {(props) => <input {...props} name="last_name" autoComplete="family-name" value={form.last_name}
          onInput={(e) => set({ last_name: e.currentTarget.value })} />}
      </Field>
      <Field label={t("common.email")} required error={fieldError("email")}>
        {(props) => <input {...props} type="email" name="email" autoComplete="email" value={form.email}
          onInput={(e) => set({ email: e.currentTarget.value })} />}
      </Field>
      <Field label={t("common.password")} required error={fieldError("password")} hint={t("common.signup.password_hint")}>
        {(props) => <input {...props} type="password" name="password" autoComplete="new-password" value={form.password}
          onInput={(e) => set({ password: e.currentTarget.value })} />}
      </Field>
      <label class="choice">
        <input type="checkbox" checked={form.accepted_terms}
          onChange={(e) => set({ accepted_terms: e.currentTarget.checked })} />
        <span>{t("common.signup.accept_terms")}</span>
      </label>
      <Button type="submit" busy={busy}>{t("common.signup.sign_up")}</Button>
    </form>
  );
}

// An invitation's page for someone not signed in: log in, or create the account (the invited address given).
export function LogInOrSignUp({ api, email = "", onDone }) {
  const { t } = useI18n();
  const [mode, setMode] = useState("login");
  return (
    <div class="card">
      <div class="actions" role="group" aria-label={t("common.join.have_account_question")}>
        <button type="button" class="link-button" aria-pressed={mode === "login" ? "true" : "false"}
          onClick={() => setMode("login")}>{t("common.join.have_account")}</button>
        <button type="button" class="link-button" aria-pressed={mode === "signup" ? "true" : "false"}
          onClick={() => setMode("signup")}>{t("common.join.no_account")}</button>
      </div>
      <h2>{mode === "login" ? t("common.join.log_in_title") : t("common.join.sign_up_title")}</h2>
      {mode === "login" ? (
        <LogInForm api={api} forgotHref="/orga/mot-de-passe-oublie" onDone={onDone} />
      ) : (
        <SignUpForm api={api} face="orga" email={email} onDone={onDone} />
      )}
    </div>
  );
}
