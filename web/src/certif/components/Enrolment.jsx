// Enrolling candidates. A school: a class of its list (the pupils, each eligible or not and why), then its
// eligible pupils at once; the others are listed with the reason. Other centres: one candidate by the form,
// or a CSV file (all or nothing: a refused file comes back with each line's error).
import { useEffect, useState } from "preact/hooks";

import { errorMessage, useI18n } from "../../common/i18n.js";
import { Button, ErrorNotice, Field, Loading, Notice, useAsync } from "../../common/ui.jsx";
import { useFormErrors } from "../../orga/components/formErrors.js";
import { TableWrap } from "../../orga/components/TableWrap.jsx";
import { api } from "../api.js";
import { birthDay } from "../format.js";

const CANDIDATE_FIELDS = ["first_name", "last_name", "birthdate", "sex", "birthplace", "result_email", "external_id",
  "extra_time_percentage"];
// The file's columns as the API names them (certification's adapters/candidate_files.py; French labels work too).
const FILE_COLUMNS = "first_name;last_name;birthdate;sex;birthplace;result_email;external_id;extra_time_percentage";
const NO_CANDIDATE = { first_name: "", last_name: "", birthdate: "", sex: "", birthplace: "", result_email: "",
  external_id: "", extra_time_percentage: "" };

function focusFirstError(form) {
  requestAnimationFrame(() => form?.querySelector("[aria-invalid='true']")?.focus());
}

function Reason({ reason }) {
  const { t } = useI18n();
  return reason ? <span>{t(`certif.reason.${reason}`)}</span> : <span class="badge badge--success">{t("certif.students.eligible")}</span>;
}

export function ClassEnrolment({ sessionId, onEnrolled }) {
  const { t, locale } = useI18n();
  const divisions = useAsync(() => api.get(`/api/certification-sessions/${sessionId}/divisions`), [sessionId]);
  const [division, setDivision] = useState("");
  const [outcome, setOutcome] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const students = useAsync(
    () => (division ? api.get(`/api/certification-sessions/${sessionId}/students`, { division }) : null),
    [sessionId, division],
  );
  useEffect(() => setOutcome(null), [division]);
  const eligible = (students.data?.items || []).filter((student) => !student.reason).length;

  async function enrol(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await api.post(`/api/certification-sessions/${sessionId}/student-enrolments`, { division });
      setOutcome(result);
      onEnrolled(t("certif.students.enrolled", { count: result.enrolled.length, division }));
      students.reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card" aria-labelledby="class-title">
      <h2 id="class-title">{t("certif.students.title")}</h2>
      <p>{t("certif.students.intro")}</p>
      <ErrorNotice error={divisions.error} />
      {divisions.data && !divisions.data.items.length ? <p class="empty">{t("certif.students.no_class")}</p> : null}
      {divisions.data?.items.length ? (
        <form class="form" onSubmit={enrol} noValidate>
          <Field label={t("certif.students.division")}>
            {(props) => (
              <select {...props} name="division" value={division}
                onChange={(event) => setDivision(event.currentTarget.value)}>
                <option value="">{t("certif.students.choose")}</option>
                {divisions.data.items.map((name) => <option key={name} value={name}>{name}</option>)}
              </select>
            )}
          </Field>
          <ErrorNotice error={students.error || error} />
          {division && students.loading && !students.data ? <Loading /> : null}
          {division && students.data ? (
            <>
              <p aria-live="polite">{t("certif.students.summary", { count: students.data.items.length, eligible })}</p>
              <TableWrap label={t("certif.students.table", { division })}>
                <table class="table">
                  <caption class="visually-hidden">{t("certif.students.table", { division })}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t("certif.candidate.last_name")}</th>
                      <th scope="col">{t("certif.candidate.first_name")}</th>
                      <th scope="col">{t("certif.candidate.birthdate")}</th>
                      <th scope="col">{t("certif.students.eligibility")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {students.data.items.map((student) => (
                      <tr key={student.learner_id}>
                        <th scope="row">{student.last_name}</th>
                        <td>{student.first_name}</td>
                        <td class="nowrap">{birthDay(locale, student.birthdate)}</td>
                        <td><Reason reason={student.reason} /></td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
              <div class="actions">
                <Button type="submit" busy={busy} disabled={!eligible}>
                  {t("certif.students.submit", { count: eligible })}
                </Button>
              </div>
            </>
          ) : null}
        </form>
      ) : null}
      {outcome?.not_enrolled.length ? (
        <div class="import-report" role="status">
          <h3>{t("certif.students.not_enrolled", { count: outcome.not_enrolled.length })}</h3>
          <ul class="outcomes">
            {outcome.not_enrolled.map((student) => (
              <li key={student.learner_id}>
                {student.first_name} {student.last_name} : <Reason reason={student.reason} />
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

function candidateBody(form) {
  const text = (value) => value.trim() || null;
  const extra = form.extra_time_percentage.trim();
  return {
    first_name: text(form.first_name), last_name: text(form.last_name), birthdate: form.birthdate || null,
    sex: form.sex || null, birthplace: text(form.birthplace), result_email: text(form.result_email),
    external_id: text(form.external_id),
    extra_time_percentage: extra === "" ? 0 : /^\d+$/.test(extra) ? Number(extra) : extra,
  };
}

export function CandidateForm({ sessionId, onEnrolled }) {
  const { t } = useI18n();
  const [form, setForm] = useState(NO_CANDIDATE);
  const { general, fields, setError, edited } = useFormErrors(t, CANDIDATE_FIELDS);
  const [busy, setBusy] = useState(false);
  const set = (changes) => {
    edited(changes);
    setForm((previous) => ({ ...previous, ...changes }));
  };
  const input = (name, props, extra = {}) => (
    <input {...props} name={name} value={form[name]} onInput={(event) => set({ [name]: event.currentTarget.value })}
      {...extra} />
  );

  async function submit(event) {
    event.preventDefault();
    const element = event.currentTarget;
    const body = candidateBody(form);
    setError(null);
    if (typeof body.extra_time_percentage === "string") {
      setError({ code: "CANDIDATE_EXTRA_TIME_INTEGER", details: { field: "extra_time_percentage" } });
      focusFirstError(element);
      return;
    }
    setBusy(true);
    try {
      const candidate = await api.post(`/api/certification-sessions/${sessionId}/candidates`, body);
      setForm(NO_CANDIDATE);
      onEnrolled(t("certif.candidate_form.enrolled", { name: `${candidate.first_name} ${candidate.last_name}` }));
    } catch (failure) {
      setError(failure);
      focusFirstError(element);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card" aria-labelledby="candidate-form-title">
      <h2 id="candidate-form-title">{t("certif.candidate_form.title")}</h2>
      <form class="form" onSubmit={submit} noValidate>
        <ErrorNotice error={general} />
        {Object.keys(fields).length ? <Notice kind="error">{t("certif.candidate_form.fix_fields")}</Notice> : null}
        <div class="form-row">
          <Field label={t("certif.candidate.first_name")} error={fields.first_name} required>
            {(props) => input("first_name", props, { autoComplete: "off" })}
          </Field>
          <Field label={t("certif.candidate.last_name")} hint={t("certif.candidate_form.last_name_hint")}
            error={fields.last_name} required>
            {(props) => input("last_name", props, { autoComplete: "off" })}
          </Field>
        </div>
        <div class="form-row">
          <Field label={t("certif.candidate.birthdate")} error={fields.birthdate} required>
            {(props) => input("birthdate", props, { type: "date" })}
          </Field>
          <Field label={t("certif.candidate.birthplace")} error={fields.birthplace} required>
            {(props) => input("birthplace", props, { autoComplete: "off" })}
          </Field>
        </div>
        <fieldset class={`field${fields.sex ? " field--error" : ""}`} aria-describedby={fields.sex ? "sex-error" : undefined}>
          <legend>{t("certif.candidate.sex")} <span class="field__required">({t("common.required")})</span></legend>
          {["F", "M"].map((value) => (
            <label class="choice" key={value}>
              <input type="radio" name="sex" value={value} checked={form.sex === value}
                aria-invalid={fields.sex ? "true" : undefined} onChange={() => set({ sex: value })} />
              <span>{t(`certif.sex.${value}`)}</span>
            </label>
          ))}
          {fields.sex ? <p class="field__error" id="sex-error">{fields.sex}</p> : null}
        </fieldset>
        <div class="form-row">
          <Field label={t("certif.candidate.result_email")} hint={t("certif.candidate_form.result_email_hint")}
            error={fields.result_email}>
            {(props) => input("result_email", props, { type: "email", autoComplete: "off" })}
          </Field>
          <Field label={t("certif.candidate.external_id")} hint={t("certif.candidate_form.external_id_hint")}
            error={fields.external_id}>
            {(props) => input("external_id", props, { autoComplete: "off" })}
          </Field>
        </div>
        <Field label={t("certif.candidate.extra_time")} hint={t("certif.candidate_form.extra_time_hint")}
          error={fields.extra_time_percentage}>
          {(props) => input("extra_time_percentage", props, { inputMode: "numeric", class: "input--short" })}
        </Field>
        <div class="actions">
          <Button type="submit" busy={busy}>{t("certif.candidate_form.submit")}</Button>
        </div>
      </form>
    </section>
  );
}

// A refused file's lines: line number, column, what is wrong (translated), the value read.
function LineErrors({ error }) {
  const { t } = useI18n();
  const lines = error.details?.errors || [];
  return (
    <div class="import-report">
      <Notice kind="error">{errorMessage(t, error)}</Notice>
      <h3 id="import-report-title" tabIndex={-1}>
        {t("certif.import.refused", { count: error.details?.error_count ?? lines.length })}
      </h3>
      <TableWrap label={t("certif.import.lines")}>
        <table class="table">
          <caption class="visually-hidden">{t("certif.import.lines")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("certif.import.line")}</th>
              <th scope="col">{t("certif.import.field")}</th>
              <th scope="col">{t("certif.import.problem")}</th>
              <th scope="col">{t("certif.import.value")}</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line, index) => (
              <tr key={index}>
                <th scope="row">{line.line}</th>
                <td>{line.field ? t(`certif.candidate.${line.field === "extra_time_percentage" ? "extra_time" : line.field}`) : "—"}</td>
                <td>{errorMessage(t, { code: line.code, status: 422 })}</td>
                <td>{line.value ? <code>{line.value}</code> : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {lines.length < (error.details?.error_count ?? 0) ? (
        <p class="muted">{t("certif.import.more", { shown: lines.length, count: error.details.error_count })}</p>
      ) : null}
    </div>
  );
}

export function CandidateImport({ sessionId, onEnrolled }) {
  const { t } = useI18n();
  const [file, setFile] = useState(null);
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  async function submit(event) {
    event.preventDefault();
    setMissing(!file);
    if (!file) return;
    setError(null);
    setBusy(true);
    const form = new FormData();
    form.append("file", file);
    try {
      const result = await api.upload(`/api/certification-sessions/${sessionId}/candidates/imports`, form);
      onEnrolled(t("certif.import.done", { count: result.enrolled.length }));
    } catch (failure) {
      setError(failure);
      requestAnimationFrame(() => document.getElementById("import-report-title")?.focus());
    } finally {
      setBusy(false);
    }
  }
  const columns = error?.code === "CANDIDATES_FILE_HEADER_NOT_VALID"
    ? [error.details?.column, ...(error.details?.columns || [])].filter(Boolean) : [];
  return (
    <section class="card" aria-labelledby="import-title">
      <h2 id="import-title">{t("certif.import.title")}</h2>
      <p>{t("certif.import.intro")}</p>
      <p><code class="certif-template">{FILE_COLUMNS}</code></p>
      <form class="form" onSubmit={submit} noValidate>
        <Field label={t("certif.import.file")} hint={t("certif.import.file_hint")}
          error={missing ? t("certif.import.file_missing") : null} required>
          {(props) => (
            <input {...props} type="file" name="file" accept=".csv,text/csv"
              onChange={(event) => {
                setFile(event.currentTarget.files[0] || null);
                setMissing(false);
              }} />
          )}
        </Field>
        <div class="actions">
          <Button type="submit" busy={busy}>{t("certif.import.submit")}</Button>
        </div>
      </form>
      {error?.code === "CANDIDATES_FILE_INVALID" ? <LineErrors error={error} /> : (
        <>
          <ErrorNotice error={error} />
          {columns.length ? <p>{t("certif.import.bad_columns")} <code>{columns.join(", ")}</code></p> : null}
        </>
      )}
    </section>
  );
}
