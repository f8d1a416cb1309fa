// Building blocks both faces share: the page shell, form fields, buttons, notices, loading
// states and the hooks that fetch. Accessibility lives here once: a skip link, labelled fields
// with their error tied by aria-describedby, live regions for notices, the focus moved to the
// page's heading when the page changes.
import { useCallback, useEffect, useId, useRef, useState } from "preact/hooks";

import { errorMessage, LOCALES, useI18n } from "./i18n.js";
import { renderMarkdown } from "./markdown.js";

export function SkipLink() {
  const { t } = useI18n();
  return (
    <a class="skip-link" href="#main">
      {t("common.skip_to_content")}
    </a>
  );
}

export function LanguageSwitch() {
  const { t, locale, setLocale } = useI18n();
  return (
    <div class="language-switch" role="group" aria-label={t("common.language")}>
      {LOCALES.map((code) => (
        <button
          type="button"
          key={code}
          lang={code}
          class="link-button"
          aria-pressed={code === locale ? "true" : "false"}
          onClick={() => setLocale(code)}
        >
          {code.toUpperCase()}
        </button>
      ))}
    </div>
  );
}

// The page's <h1>; it takes the focus when the page opens, so a screen reader hears where it is.
export function PageTitle({ children, title }) {
  const ref = useRef(null);
  const text = title ?? (typeof children === "string" ? children : null);
  useEffect(() => {
    if (text) document.title = text;
    ref.current?.focus({ preventScroll: false });
  }, [text]);
  return (
    <h1 tabIndex={-1} ref={ref} class="page-title">
      {children}
    </h1>
  );
}

export function Field({ label, hint, error, children, id: givenId, required }) {
  const generated = useId();
  const id = givenId || generated;
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  const control = typeof children === "function"
    ? children({ id, "aria-describedby": described, "aria-invalid": error ? "true" : undefined, required })
    : children;
  const { t } = useI18n();
  return (
    <div class={`field${error ? " field--error" : ""}`}>
      <label for={id}>
        {label}
        {required ? <span class="field__required"> ({t("common.required")})</span> : null}
      </label>
      {hint ? (
        <p class="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {control}
      {error ? (
        <p class="field__error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function Button({ busy, children, variant = "primary", type = "button", ...rest }) {
  return (
    <button type={type} class={`button button--${variant}`} aria-busy={busy ? "true" : undefined}
      disabled={busy || rest.disabled} {...rest}>
      {children}
    </button>
  );
}

// kind: "error" (role=alert, read at once), "success" / "info" (role=status, read politely).
export function Notice({ kind = "info", children }) {
  if (!children) return null;
  return (
    <div class={`notice notice--${kind}`} role={kind === "error" ? "alert" : "status"}>
      {children}
    </div>
  );
}

export function ErrorNotice({ error }) {
  const { t } = useI18n();
  if (!error) return null;
  return <Notice kind="error">{errorMessage(t, error)}</Notice>;
}

export function Loading({ label }) {
  const { t } = useI18n();
  return (
    <p class="loading" role="status">
      {label || t("common.loading")}
    </p>
  );
}

export function Markdown({ text, class: className = "markdown" }) {
  return <div class={className} dangerouslySetInnerHTML={{ __html: renderMarkdown(text) }} />;
}

export function ProgressBar({ value, label }) {
  const percent = Math.round(Math.max(0, Math.min(1, value || 0)) * 100);
  return (
    <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow={percent}
      aria-label={label}>
      <div class="progress__bar" style={{ width: `${percent}%` }} />
    </div>
  );
}

// { data, error, loading, reload } for an async loader; it runs again when deps change.
export function useAsync(load, deps) {
  const [state, setState] = useState({ data: undefined, error: null, loading: true });
  const counter = useRef(0);
  const reload = useCallback(() => {
    const run = ++counter.current;
    setState((previous) => ({ ...previous, loading: true, error: null }));
    return Promise.resolve()
      .then(load)
      .then(
        (data) => run === counter.current && setState({ data, error: null, loading: false }),
        (error) => run === counter.current && setState((previous) => ({ ...previous, error, loading: false })),
      );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  useEffect(() => {
    reload();
  }, [reload]);
  return { ...state, reload };
}

// Calls fn every `ms` while the page is visible; used for views that follow learners live.
export function usePolling(fn, ms, enabled = true) {
  const saved = useRef(fn);
  saved.current = fn;
  useEffect(() => {
    if (!enabled) return undefined;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") saved.current();
    }, ms);
    return () => clearInterval(timer);
  }, [ms, enabled]);
}

// The log-in form both faces use: e-mail and password, the API's error said in words, and the way to
// a new password (forgotHref: the face's page that asks for a reset link).
// withUsername: the learners' face, where a pupil without an email address signs in with a username.
export function LogInForm({ api, onDone, submitLabel, forgotHref, withUsername = false, logIn }) {
  const { t } = useI18n();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (logIn) await logIn(email.trim(), password);
      else await api.logIn(email.trim(), password);
      onDone?.();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form class="form" onSubmit={submit} noValidate>
      <ErrorNotice error={error} />
      <Field label={t(withUsername ? "common.email_or_username" : "common.email")} required>
        {(props) => (
          <input {...props} type={withUsername ? "text" : "email"} name="email" autoComplete="username"
            autoCapitalize={withUsername ? "none" : undefined} value={email}
            onInput={(event) => setEmail(event.currentTarget.value)} />
        )}
      </Field>
      <Field label={t("common.password")} required>
        {(props) => (
          <input {...props} type="password" name="password" autoComplete="current-password" value={password}
            onInput={(event) => setPassword(event.currentTarget.value)} />
        )}
      </Field>
      {forgotHref ? <p class="forgot-password"><a href={forgotHref}>{t("common.forgot_password")}</a></p> : null}
      <Button type="submit" busy={busy}>
        {submitLabel || t("common.log_in")}
      </Button>
    </form>
  );
}
