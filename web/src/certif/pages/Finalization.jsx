// Finalizing a session (its centre's members), once the tests are over: for each candidate who started,
// whether they saw the end screen, why they stopped when they did not finish, a comment and the incidents
// (the national guide's categories and codes, from GET /api/certification-issue-report-categories); for the
// session, a global comment. A refusal is said where it belongs: on the candidate and the field it names (a
// test still running, an abort reason missing, an incident without its description...), with the list of
// the candidates concerned at the top.
import { useLocation } from "preact-iso";
import { useRef, useState } from "preact/hooks";

import { errorMessage, useI18n } from "../../common/i18n.js";
import { Button, ErrorNotice, Field, Loading, PageTitle, useAsync } from "../../common/ui.jsx";
import { api, patiently } from "../api.js";

const FINISHED = new Set(["COMPLETED", "NO_ITEM_LEFT"]);
const ISSUE_FIELDS = new Set(["category", "subcategory", "description", "question_number"]);
const EMPTY_ISSUE = { category: "", subcategory: "", description: "", question_number: "" };

function label(locale, item) {
  return locale === "en" ? item.label_en : item.label_fr;
}

// The API's refusal, placed: {top, byCandidate: {id: {candidate, fields: {name: message}, issue: {index, field}}}}.
function placeRefusal(t, error, reports) {
  const message = errorMessage(t, error);
  const details = error?.details || {};
  const ids = details.candidate_ids || (details.candidate_id ? [details.candidate_id] : []);
  const byCandidate = {};
  for (const id of ids) {
    const place = { candidate: null, fields: {}, issue: null };
    const field = details.field;
    if (field === "abort_reason" || field === "comment") place.fields[field] = message;
    else if (ISSUE_FIELDS.has(field)) {
      const issues = reports[id]?.issue_reports || [];
      const index = Math.max(0, issues.findIndex((issue) => !details.category || issue.category === details.category));
      place.issue = { index, field, message };
    } else place.candidate = message;
    byCandidate[id] = place;
  }
  const fields = details.field === "global_comment" ? { global_comment: message } : {};
  return { message, byCandidate, fields };
}

function IssueReport({ catalogue, issue, index, error, onChange, onRemove, candidateName }) {
  const { t, locale } = useI18n();
  const category = catalogue.find((c) => c.category === issue.category);
  const subcategories = (category?.subcategories || []).filter((s) => !s.deprecated);
  const fieldError = (name) => (error?.field === name ? error.message : null);
  return (
    <fieldset class="card issue-report">
      <legend>{t("certif.finalization.issue_title", { number: index + 1, name: candidateName })}</legend>
      <Field label={t("certif.finalization.category")} required error={fieldError("category")}>
        {(props) => (
          <select {...props} value={issue.category}
            onChange={(e) => onChange({ category: e.currentTarget.value, subcategory: "" })}>
            <option value="">{t("certif.finalization.choose")}</option>
            {catalogue.filter((c) => !c.deprecated).map((c) => (
              <option key={c.category} value={c.category}>{c.code} · {label(locale, c)}</option>
            ))}
          </select>
        )}
      </Field>
      {subcategories.length ? (
        <Field label={t("certif.finalization.subcategory")} required error={fieldError("subcategory")}>
          {(props) => (
            <select {...props} value={issue.subcategory}
              onChange={(e) => onChange({ subcategory: e.currentTarget.value })}>
              <option value="">{t("certif.finalization.choose")}</option>
              {subcategories.map((s) => (
                <option key={s.subcategory} value={s.subcategory}>{s.code} · {label(locale, s)}</option>
              ))}
            </select>
          )}
        </Field>
      ) : null}
      {issue.category === "IN_CHALLENGE" ? (
        <Field label={t("certif.finalization.question_number")} required error={fieldError("question_number")}
          hint={t("certif.finalization.question_number_hint")}>
          {(props) => (
            <input {...props} class="input--short" type="number" min="1" max="500" inputMode="numeric"
              value={issue.question_number} onInput={(e) => onChange({ question_number: e.currentTarget.value })} />
          )}
        </Field>
      ) : null}
      <Field label={t("certif.finalization.description")} required={Boolean(category?.description_required)}
        error={fieldError("description")} hint={t("certif.finalization.description_hint")}>
        {(props) => (
          <textarea {...props} rows="2" maxLength={500} value={issue.description}
            onInput={(e) => onChange({ description: e.currentTarget.value })} />
        )}
      </Field>
      <button type="button" class="link-button link-button--danger" onClick={onRemove}>
        {t("certif.finalization.remove_issue")}
        <span class="visually-hidden"> {t("certif.finalization.issue_title", { number: index + 1, name: candidateName })}</span>
      </button>
    </fieldset>
  );
}

function CandidateReport({ candidate, report, catalogue, place, onChange }) {
  const { t } = useI18n();
  const name = `${candidate.first_name} ${candidate.last_name}`;
  const finished = FINISHED.has(candidate.test_status);
  const set = (changes) => onChange({ ...report, ...changes });
  const setIssue = (index, changes) => set({
    issue_reports: report.issue_reports.map((issue, i) => (i === index ? { ...issue, ...changes } : issue)) });
  return (
    <fieldset class={`card candidate-report${place ? " candidate-report--error" : ""}`}
      data-testid={`report-${candidate.id}`}>
      <legend class="candidate-report__name">{name}</legend>
      <p class="muted">{t(`certif.test_status.${candidate.test_status || "NONE"}`, {
        answers: candidate.answers_count ?? 0, questions: candidate.questions_count ?? 32 })}</p>
      {place?.candidate ? <p class="field__error" role="alert">{place.candidate}</p> : null}
      <label class="choice">
        <input type="checkbox" checked={report.has_seen_end_screen}
          onChange={(e) => set({ has_seen_end_screen: e.currentTarget.checked })} />
        <span>{t("certif.finalization.end_screen", { name })}</span>
      </label>
      {finished ? null : (
        <Field label={t("certif.finalization.abort_reason")} required error={place?.fields.abort_reason}
          hint={t("certif.finalization.abort_reason_hint")}>
          {(props) => (
            <select {...props} value={report.abort_reason}
              onChange={(e) => set({ abort_reason: e.currentTarget.value })}>
              <option value="">{t("certif.finalization.choose")}</option>
              <option value="candidate">{t("certif.abort_reason.candidate")}</option>
              <option value="technical">{t("certif.abort_reason.technical")}</option>
            </select>
          )}
        </Field>
      )}
      <Field label={t("certif.finalization.comment")} error={place?.fields.comment}>
        {(props) => (
          <textarea {...props} rows="2" maxLength={500} value={report.comment}
            onInput={(e) => set({ comment: e.currentTarget.value })} />
        )}
      </Field>
      {report.issue_reports.map((issue, index) => (
        <IssueReport key={index} catalogue={catalogue} issue={issue} index={index} candidateName={name}
          error={place?.issue?.index === index ? place.issue : null}
          onChange={(changes) => setIssue(index, changes)}
          onRemove={() => set({ issue_reports: report.issue_reports.filter((_, i) => i !== index) })} />
      ))}
      <Button variant="secondary" onClick={() => set({ issue_reports: [...report.issue_reports, { ...EMPTY_ISSUE }] })}>
        {t("certif.finalization.add_issue")}
        <span class="visually-hidden"> {t("certif.finalization.for", { name })}</span>
      </Button>
    </fieldset>
  );
}

function body(reports, form) {
  return {
    reports: Object.entries(reports).map(([candidateId, report]) => ({
      candidate_id: candidateId,
      has_seen_end_screen: report.has_seen_end_screen,
      abort_reason: report.abort_reason || null,
      comment: report.comment.trim() || null,
      issue_reports: report.issue_reports.map((issue) => ({
        category: issue.category,
        subcategory: issue.subcategory || null,
        description: issue.description.trim() || null,
        question_number: issue.question_number === "" ? null : Number(issue.question_number),
      })),
    })),
    global_comment: form.global_comment.trim() || null,
    has_incident: form.has_incident,
    has_joining_issue: form.has_joining_issue,
  };
}

export function Finalization({ id }) {
  const { t } = useI18n();
  const { route } = useLocation();
  const loaded = useAsync(async () => {
    const [session, candidates, catalogue] = await Promise.all([
      patiently(() => api.get(`/api/certification-sessions/${id}`)),
      api.get(`/api/certification-sessions/${id}/candidates`),
      api.get("/api/certification-issue-report-categories"),
    ]);
    return { session, candidates: candidates.items.filter((c) => c.started_at), catalogue: catalogue.categories };
  }, [id]);
  const [reports, setReports] = useState({});
  const [form, setForm] = useState({ global_comment: "", has_incident: false, has_joining_issue: false });
  const [state, setState] = useState({ busy: false, refusal: null });
  const summary = useRef(null);
  const data = loaded.data;

  const back = <p><a href={`/certif/sessions/${id}`}>{t("certif.session.back_to_session")}</a></p>;
  if (!data) return <>{back}<ErrorNotice error={loaded.error} />{loaded.loading ? <Loading /> : null}</>;
  const reportOf = (candidate) => reports[candidate.id] || {
    has_seen_end_screen: FINISHED.has(candidate.test_status), abort_reason: "", comment: "", issue_reports: [] };
  const all = Object.fromEntries(data.candidates.map((c) => [c.id, reportOf(c)]));
  const title = t("certif.finalization.title", { number: data.session.number });

  async function submit(event) {
    event.preventDefault();
    setState({ busy: true, refusal: null });
    try {
      await api.post(`/api/certification-sessions/${id}/finalization`, body(all, form));
      route(`/certif/sessions/${id}?finalisee=1`);
    } catch (failure) {
      setState({ busy: false, refusal: placeRefusal(t, failure, all) });
      requestAnimationFrame(() => summary.current?.focus());
    }
  }

  if (data.session.status !== "CREATED") {
    return (
      <>
        {back}
        <PageTitle title={title}>{title}</PageTitle>
        <p>{t("certif.finalization.already", { status: t(`certif.status.${data.session.status}`) })}</p>
      </>
    );
  }
  const refusal = state.refusal;
  const named = refusal ? data.candidates.filter((c) => refusal.byCandidate[c.id]) : [];
  return (
    <>
      {back}
      <PageTitle title={title}>{title}</PageTitle>
      <p class="lead">{t("certif.finalization.intro")}</p>
      {refusal ? (
        <div class="notice notice--error" role="alert" tabIndex={-1} ref={summary}>
          <p>{t("certif.finalization.refused")} {refusal.message}</p>
          {named.length ? (
            <ul>
              {named.map((c) => <li key={c.id}><a href={`#report-${c.id}`}>{c.first_name} {c.last_name}</a></li>)}
            </ul>
          ) : null}
        </div>
      ) : null}
      {data.candidates.length ? null : <p class="empty">{t("certif.finalization.nobody_started")}</p>}
      <form class="form finalization" onSubmit={submit} noValidate>
        <h2>{t("certif.finalization.candidates", { count: data.candidates.length })}</h2>
        {data.candidates.map((candidate) => (
          <div id={`report-${candidate.id}`} key={candidate.id}>
            <CandidateReport candidate={candidate} report={all[candidate.id]} catalogue={data.catalogue}
              place={refusal?.byCandidate[candidate.id]}
              onChange={(next) => setReports((previous) => ({ ...previous, [candidate.id]: next }))} />
          </div>
        ))}
        <h2>{t("certif.finalization.session_part")}</h2>
        <label class="choice">
          <input type="checkbox" checked={form.has_incident}
            onChange={(e) => setForm({ ...form, has_incident: e.currentTarget.checked })} />
          <span>{t("certif.finalization.has_incident")}</span>
        </label>
        <label class="choice">
          <input type="checkbox" checked={form.has_joining_issue}
            onChange={(e) => setForm({ ...form, has_joining_issue: e.currentTarget.checked })} />
          <span>{t("certif.finalization.has_joining_issue")}</span>
        </label>
        <Field label={t("certif.finalization.global_comment")} error={refusal?.fields.global_comment}
          hint={t("certif.finalization.global_comment_hint")}>
          {(props) => (
            <textarea {...props} rows="3" maxLength={2000} value={form.global_comment}
              onInput={(e) => setForm({ ...form, global_comment: e.currentTarget.value })} />
          )}
        </Field>
        <div class="actions">
          <Button type="submit" busy={state.busy}>{t("certif.finalization.submit")}</Button>
        </div>
      </form>
    </>
  );
}
