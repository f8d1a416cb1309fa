// /campagnes/{code}/eleve: a school that manages its students lets in only learners on its list. The
// learner gives first name, last name and birth date (POST .../learners/reconciliation); their
// account is then linked to that entry and the join goes through.
import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";

import { useI18n } from "../../common/i18n.js";
import { Button, Field, Loading, Notice, PageTitle, useAsync } from "../../common/ui.jsx";
import { api } from "../api.js";
import { join, landingOf, normalizeCode, paths } from "../campaign.js";
import { Shell } from "../components/Shell.jsx";
import { explain } from "../explain.js";
import { useSession, useSignedIn } from "../session.jsx";
import { firstStepAfterJoining } from "./Join.jsx";

const pad = (text, size) => text.trim().padStart(size, "0");

// "2012-03-12" from the three fields, or null when they do not make a real date.
export function isoDate(day, month, year) {
  if (!/^\d{1,2}$/.test(day.trim()) || !/^\d{1,2}$/.test(month.trim()) || !/^\d{4}$/.test(year.trim())) return null;
  const iso = `${year.trim()}-${pad(month, 2)}-${pad(day, 2)}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(iso) ? iso : null;
}

export function BirthDate({ value, onChange, error }) {
  const { t } = useI18n();
  const part = (name, size, autoComplete) => (
    <div class="learner-date__part">
      <label for={`birth-${name}`}>{t(`learner.matching.${name}`)}</label>
      <input id={`birth-${name}`} name={`birth_${name}`} inputMode="numeric" maxLength={size} size={size}
        autoComplete={autoComplete} value={value[name]} aria-describedby={error ? "birth-error" : "birth-hint"}
        aria-invalid={error ? "true" : undefined}
        onInput={(event) => onChange({ ...value, [name]: event.currentTarget.value })} />
    </div>
  );
  return (
    <fieldset class={`field learner-date${error ? " field--error" : ""}`}>
      <legend>
        {t("learner.matching.birthdate")}
        <span class="field__required"> ({t("common.required")})</span>
      </legend>
      <p class="field__hint" id="birth-hint">{t("learner.matching.birthdate_hint")}</p>
      <div class="learner-date__parts">
        {part("day", 2, "bday-day")}
        {part("month", 2, "bday-month")}
        {part("year", 4, "bday-year")}
      </div>
      {error ? <p class="field__error" id="birth-error">{error}</p> : null}
    </fieldset>
  );
}

export function Matching({ code }) {
  const { t } = useI18n();
  useSignedIn();
  const { user } = useSession();
  const { route } = useLocation();
  const wanted = normalizeCode(code);
  const { data: landing, error: loadError } = useAsync(() => landingOf(wanted), [wanted]);
  const [names, setNames] = useState(null);
  const [birth, setBirth] = useState({ day: "", month: "", year: "" });
  const [errors, setErrors] = useState({});
  const [failure, setFailure] = useState(null);
  const [busy, setBusy] = useState(false);
  // The names of the account are a good first guess (most learners sign up with their own).
  const shown = names || { first_name: user?.first_name || "", last_name: user?.last_name || "" };

  async function submit(event) {
    event.preventDefault();
    setFailure(null);
    const found = {};
    if (!shown.first_name.trim()) found.first_name = t("learner.matching.missing.first_name");
    if (!shown.last_name.trim()) found.last_name = t("learner.matching.missing.last_name");
    const birthdate = isoDate(birth.day, birth.month, birth.year);
    if (!birthdate) found.birthdate = t("learner.matching.missing.birthdate");
    setErrors(found);
    if (Object.keys(found).length) {
      document.getElementById(found.birthdate && !found.first_name && !found.last_name ? "birth-day"
        : `matching-${Object.keys(found)[0]}`)?.focus();
      return;
    }
    // The landing names the organization whose list the learner is looked for in.
    const organization = landing.organization_id;
    if (!organization) {
      setFailure({ code: "ORGANIZATION_UNKNOWN" });
      return;
    }
    setBusy(true);
    try {
      await api.post(`/api/organizations/${organization}/learners/reconciliation`, {
        first_name: shown.first_name.trim(), last_name: shown.last_name.trim(), birthdate,
      });
      // The link reaches campaigns by an event: the join may refuse for a moment still.
      route(firstStepAfterJoining(await join(wanted, undefined, { afterMatching: true })), true);
    } catch (error) {
      setBusy(false);
      if (error.code?.startsWith("EXTERNAL_ID")) route(paths.externalId(wanted), true);
      else setFailure(error);
    }
  }

  if (loadError || !landing) {
    return (
      <Shell>
        <PageTitle>{t("learner.matching.title")}</PageTitle>
        {loadError ? <Notice kind="error">{explain(t, loadError, "learner.landing.errors")}</Notice> : <Loading />}
      </Shell>
    );
  }
  const field = (name, autoComplete) => (
    <Field id={`matching-${name}`} label={t(`learner.matching.${name}`)} error={errors[name]} required>
      {(props) => (
        <input {...props} name={name} autoComplete={autoComplete} value={shown[name]}
          onInput={(event) => setNames({ ...shown, [name]: event.currentTarget.value })} />
      )}
    </Field>
  );
  return (
    <Shell campaignTitle={landing.title}>
      <div class="card">
        <PageTitle>{t("learner.matching.title")}</PageTitle>
        <p>{t("learner.matching.intro", { organization: landing.organization_name || "" })}</p>
        <form class="form" onSubmit={submit} noValidate>
          {failure ? (
            <Notice kind="error">{explain(t, failure, "learner.matching.errors")}</Notice>
          ) : null}
          {field("first_name", "given-name")}
          {field("last_name", "family-name")}
          <BirthDate value={birth} onChange={setBirth} error={errors.birthdate} />
          <div class="actions">
            <Button type="submit" busy={busy}>{t("learner.matching.submit")}</Button>
            <a href={paths.landing(wanted)}>{t("learner.matching.cancel")}</a>
          </div>
        </form>
      </div>
    </Shell>
  );
}
