// /inscription?retour=...: create an account (POST /api/users), log in, and go on. The API's
// refusals are said on the field they concern (a weak password: which rules it breaks).
// "Je n'ai pas d'adresse e-mail": a pupil gives names and birth date instead, and identity makes a
// username of them (chloe.coeurderoy1402), shown to be noted before going on; the campaign's matching
// step that follows links the account to the school's list, as for any account.
import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";

import { useI18n } from "../../common/i18n.js";
import { Button, ErrorNotice, Field, Notice, PageTitle } from "../../common/ui.jsx";
import { api } from "../api.js";
import { Shell } from "../components/Shell.jsx";
import { explain } from "../explain.js";
import { safeReturn } from "../session.jsx";
import { BirthDate, isoDate } from "./Matching.jsx";

const FIELDS = { email: ["first_name", "last_name", "email", "password"], username: ["first_name", "last_name",
  "password"] };
// Which field an error code is about; others are said above the form.
const FIELD_OF = {
  EMAIL_ALREADY_TAKEN: "email", INVALID_EMAIL: "email", PASSWORD_TOO_WEAK: "password",
  TERMS_NOT_ACCEPTED: "accepted_terms", INVALID_NAME: "first_name",
};

function fieldErrors(t, error) {
  if (error.code === "VALIDATION_ERROR" && error.details?.fields) {
    const names = Object.keys(error.details.fields).map((name) => (name === "username_from" ? "birthdate" : name));
    return Object.fromEntries(names.map((name) => [name, t("learner.sign_up.invalid")]));
  }
  if (error.code === "PASSWORD_TOO_WEAK") {
    const rules = (error.details?.rules || []).map((rule) => t(`learner.sign_up.rules.${rule}`));
    return { password: [t("learner.sign_up.errors.PASSWORD_TOO_WEAK"), ...rules].join(" ") };
  }
  const field = FIELD_OF[error.code];
  return field ? { [field]: explain(t, error, "learner.sign_up.errors") } : null;
}

export function SignUp() {
  const { t, locale } = useI18n();
  const { query, route } = useLocation();
  const back = safeReturn(query.retour);
  const [values, setValues] = useState({ first_name: "", last_name: "", email: "", password: "" });
  const [withoutEmail, setWithoutEmail] = useState(false);
  const [birth, setBirth] = useState({ day: "", month: "", year: "" });
  const [username, setUsername] = useState(null); // made by identity: shown to be noted
  const mode = withoutEmail ? "username" : "email";
  const [accepted, setAccepted] = useState(false);
  const [errors, setErrors] = useState({});
  const [failure, setFailure] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (name) => (event) => setValues({ ...values, [name]: event.currentTarget.value });

  function missing() {
    const found = {};
    FIELDS[mode].forEach((name) => {
      if (!values[name].trim()) found[name] = t(`learner.sign_up.missing.${name}`);
    });
    if (withoutEmail && !isoDate(birth.day, birth.month, birth.year)) {
      found.birthdate = t("learner.sign_up.missing.birthdate");
    }
    if (!accepted) found.accepted_terms = t("learner.sign_up.missing.accepted_terms");
    return found;
  }

  async function submit(event) {
    event.preventDefault();
    setFailure(null);
    const found = missing();
    setErrors(found);
    if (Object.keys(found).length) {
      focusOn(Object.keys(found)[0]);
      return;
    }
    setBusy(true);
    try {
      const names = { first_name: values.first_name.trim(), last_name: values.last_name.trim() };
      if (withoutEmail) {
        const made = await api.post("/api/users", {
          username_from: { ...names, birthdate: isoDate(birth.day, birth.month, birth.year) },
          password: values.password, accepted_terms: true, locale,
        }, { auth: false });
        await api.logIn(made.username, values.password);
        setUsername(made.username); // noted first; "Continuer" goes on
        setBusy(false);
        return;
      }
      await api.post("/api/users", {
        ...names, email: values.email.trim(), password: values.password, accepted_terms: true, locale,
      }, { auth: false });
      await api.logIn(values.email.trim(), values.password);
      route(back, true);
    } catch (error) {
      const onFields = fieldErrors(t, error);
      if (onFields) {
        setErrors(onFields);
        focusOn(Object.keys(onFields)[0]);
      } else setFailure(error);
      setBusy(false);
    }
  }

  function focusOn(name) {
    document.getElementById(name === "birthdate" ? "birth-day" : `sign-up-${name}`)?.focus();
  }

  if (username) {
    return (
      <Shell>
        <div class="card">
          <PageTitle>{t("learner.sign_up.username_title")}</PageTitle>
          <p>{t("learner.sign_up.username_intro")}</p>
          <p class="learner-username" data-testid="username">{username}</p>
          <Notice kind="info">{t("learner.sign_up.username_keep")}</Notice>
          <div class="actions">
            <Button onClick={() => route(back, true)}>{t("learner.sign_up.username_continue")}</Button>
          </div>
        </div>
      </Shell>
    );
  }

  const text = (name, type, autoComplete, hint) => (
    <Field id={`sign-up-${name}`} label={t(`learner.sign_up.${name}`)} hint={hint} error={errors[name]} required>
      {(props) => (
        <input {...props} type={type} name={name} autoComplete={autoComplete} value={values[name]}
          onInput={set(name)} />
      )}
    </Field>
  );
  return (
    <Shell>
      <div class="card">
        <PageTitle>{t("learner.sign_up.title")}</PageTitle>
        <p>{t("learner.sign_up.intro")}</p>
        <form class="form" onSubmit={submit} noValidate>
          <ErrorNotice error={failure} />
          <div class="choice">
            <input id="sign-up-without-email" type="checkbox" checked={withoutEmail}
              onChange={(event) => {
                setWithoutEmail(event.currentTarget.checked);
                setErrors({});
              }} />
            <label for="sign-up-without-email">{t("learner.sign_up.without_email")}</label>
          </div>
          {withoutEmail ? <p class="field__hint">{t("learner.sign_up.without_email_hint")}</p> : null}
          {text("first_name", "text", "given-name")}
          {text("last_name", "text", "family-name")}
          {withoutEmail ? (
            <BirthDate value={birth} onChange={setBirth} error={errors.birthdate} />
          ) : text("email", "email", "email")}
          {text("password", "password", "new-password", t("learner.sign_up.password_hint"))}
          <div class={`field${errors.accepted_terms ? " field--error" : ""}`}>
            <div class="choice">
              <input id="sign-up-accepted_terms" type="checkbox" checked={accepted}
                aria-describedby={errors.accepted_terms ? "sign-up-accepted_terms-error" : undefined}
                aria-invalid={errors.accepted_terms ? "true" : undefined}
                onChange={(event) => setAccepted(event.currentTarget.checked)} />
              <label for="sign-up-accepted_terms">{t("learner.sign_up.accepted_terms")}</label>
            </div>
            {errors.accepted_terms ? (
              <p class="field__error" id="sign-up-accepted_terms-error">{errors.accepted_terms}</p>
            ) : null}
          </div>
          <div class="actions">
            <Button type="submit" busy={busy}>{t("learner.sign_up.submit")}</Button>
          </div>
        </form>
        <p class="learner-switch-account">
          {t("learner.sign_up.have_account")}{" "}
          <a href={`/connexion?retour=${encodeURIComponent(back)}`}>{t("learner.sign_up.log_in")}</a>
        </p>
      </div>
    </Shell>
  );
}
