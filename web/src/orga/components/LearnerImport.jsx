// Importing the learner list (admins): SIECLE XML, zip or CSV for a school, CSV for a
// university. The upload shows its progress; then the report: what changed (and which pupils
// from another school did not keep their account there, and why), or every error of the file by
// line, naming each pupil, so it can be fixed at once (the import is all or nothing). A school's export is its
// whole list: before an import takes pupils off it, the school is told which of them have a certification
// attestation it never downloaded (certification knows; organizations' preview says who would leave), and may
// save them first.
import { useState } from "preact/hooks";

import { errorMessage, formatNumber, useI18n } from "../../common/i18n.js";
import { Button, ErrorNotice, Field, Notice, ProgressBar } from "../../common/ui.jsx";
import { api, download } from "../api.js";
import { ConfirmDialog } from "./ConfirmDialog.jsx";
import { Stats } from "./Stats.jsx";
import { TableWrap } from "./TableWrap.jsx";

const ACCEPT = { SCO: ".xml,.zip,.csv", SUP: ".csv" };
const COUNTS = ["created", "updated", "enabled", "disabled", "unchanged", "skipped"];
// Shown when there are any: pupils without an INE yet (of the skipped), accounts kept from another school.
const SOMETIMES = ["unregistered", "carried_over"];

// A pupil as the file names them: INE, first and last name (what a school finds them by).
function pupilOf(item) {
  return [item.national_student_id, [item.first_name, item.last_name].filter(Boolean).join(" ")]
    .filter(Boolean).join(" · ") || "—";
}

function NotCarriedOver({ items }) {
  const { t, locale } = useI18n();
  return (
    <>
      <p>{t("orga.import.not_carried_over_intro")}</p>
      <TableWrap label={t("orga.import.not_carried_over_title")}>
        <table>
          <caption>{t("orga.import.not_carried_over_title")}</caption>
          <thead>
            <tr>
              <th scope="col" class="number">{t("orga.import.learner_rank")}</th>
              <th scope="col">{t("orga.import.learner")}</th>
              <th scope="col">{t("orga.import.reason")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.learner_id}>
                <td class="number">{formatNumber(locale, item.position)}</td>
                <td>{pupilOf(item)}</td>
                <td>{t(`orga.import.not_carried_over.${item.code}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </>
  );
}

function Report({ report }) {
  const { t, locale } = useI18n();
  const lineErrors = (report.errors || []).filter((error) => error.position !== undefined);
  // What broke the file, when the pupils read before the break had errors too (else the page says it).
  const fileErrors = lineErrors.length ? (report.errors || []).filter((error) => error.position === undefined) : [];
  // Errors name the learner as the file gives them (INE, first and last name).
  const named = lineErrors.some((error) => error.national_student_id || error.first_name || error.last_name);
  // A SIECLE XML export counts pupils, a CSV lines; a file refused as a whole has no format, and only an XML
  // export broken part-way brings its pupils' errors with it.
  const byLearner = report.format ? report.format === "SIECLE_XML" : named;
  const counts = [...COUNTS, ...SOMETIMES.filter((key) => report[`${key}_count`] > 0)];
  return (
    <div class="import-report" aria-labelledby="import-report-title">
      <h3 id="import-report-title" tabIndex={-1}>
        {report.status === "SUCCEEDED" ? t("orga.import.succeeded") : t("orga.import.failed")}
      </h3>
      <p class="muted">
        {t("orga.import.file", { name: report.filename })}
        {report.encoding ? ` · ${t("orga.import.encoding", { encoding: report.encoding })}` : ""}
      </p>
      {report.status === "SUCCEEDED" ? (
        <Stats items={counts.map((key) => [t(`orga.import.count.${key}`),
          formatNumber(locale, report[`${key}_count`])])} />
      ) : null}
      {report.not_carried_over?.length ? <NotCarriedOver items={report.not_carried_over} /> : null}
      {fileErrors.map((error, index) => (
        <Notice kind="error" key={`file-${index}`}>
          {errorMessage(t, { code: error.reason ? `${error.code}.${error.reason}` : error.code, details: error })}
        </Notice>
      ))}
      {lineErrors.length ? (
        <>
          <p>{t("orga.import.errors_count", { count: report.error_count || lineErrors.length })}</p>
          {report.error_count > lineErrors.length ? (
            <p class="muted">{t("orga.import.errors_truncated", { shown: lineErrors.length })}</p>
          ) : null}
          <TableWrap label={t("orga.import.errors_title")}>
            <table>
              <caption>{t("orga.import.errors_title")}</caption>
              <thead>
                <tr>
                  <th scope="col" class="number">{byLearner ? t("orga.import.learner_rank") : t("orga.import.line")}</th>
                  {named ? <th scope="col">{t("orga.import.learner")}</th> : null}
                  <th scope="col">{t("orga.import.problem")}</th>
                  <th scope="col">{t("orga.import.field")}</th>
                  <th scope="col">{t("orga.import.value")}</th>
                </tr>
              </thead>
              <tbody>
                {lineErrors.map((error, index) => (
                  <tr key={`${error.position}-${error.field}-${index}`}>
                    <td class="number">{formatNumber(locale, error.position)}</td>
                    {named ? <td>{pupilOf(error)}</td> : null}
                    <td>{errorMessage(t, { code: error.code, details: error, message: error.code })}</td>
                    <td>{error.field || "—"}</td>
                    <td>{error.value ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </>
      ) : null}
    </div>
  );
}

// The pupils this file would take off the school's list whose attestation the school never downloaded. Asked of
// certification first (cheap); only when there are any is the file previewed. A school that is no centre yet, or
// any failure of these questions, warns of nothing: the import itself is unchanged.
async function leavingWithoutAttestation(organization, form) {
  let unsaved;
  try {
    unsaved = (await api.get(`/api/certification-centers/${organization.id}/undownloaded-attestations`)).items;
  } catch {
    return [];
  }
  if (!unsaved.length) return [];
  const preview = await api.upload(`/api/organizations/${organization.id}/learners/imports/preview`, form);
  if (preview.error_code) return [];
  const leaving = new Set(preview.disabled.map((learner) => learner.learner_id));
  return unsaved.filter((item) => leaving.has(item.learner_id));
}

function LeavingPupils({ items }) {
  const { t } = useI18n();
  return (
    <>
      <p>{t("orga.import.leaving_intro", { count: items.length })}</p>
      <ul class="leaving-pupils">
        {items.map((item) => (
          <li key={item.course_id}>{`${item.first_name} ${item.last_name}`}{item.division ? ` (${item.division})` : ""}</li>
        ))}
      </ul>
      <p><a href="/orga/certifications">{t("orga.import.leaving_save")}</a></p>
    </>
  );
}

export function LearnerImport({ organization, onImported }) {
  const { t } = useI18n();
  const [file, setFile] = useState(null);
  const [mode, setMode] = useState("ADD_UPDATE");
  const [progress, setProgress] = useState(null);
  const [report, setReport] = useState(null);
  const [error, setError] = useState(null);
  const [missing, setMissing] = useState(false);
  const [leaving, setLeaving] = useState(null); // { form, items }: waiting for the admin's word
  const university = organization.type === "SUP";

  async function submit(event) {
    event.preventDefault();
    setMissing(!file);
    if (!file) return;
    setError(null);
    setReport(null);
    const form = new FormData();
    form.append("file", file);
    if (university) form.append("mode", mode);
    if (organization.type === "SCO") {
      setProgress(0);
      const items = await leavingWithoutAttestation(organization, form).catch(() => []);
      if (items.length) {
        setProgress(null);
        setLeaving({ form, items });
        return;
      }
    }
    await send(form);
  }

  async function send(form) {
    setLeaving(null);
    setProgress(0);
    try {
      setReport(await api.upload(`/api/organizations/${organization.id}/learners/imports`, form, setProgress));
      // The list is read from reporting, which hears of the import by an event: shown again shortly.
      [1500, 4000].forEach((ms) => setTimeout(() => onImported?.(), ms));
    } catch (failure) {
      // A refused file comes back with its import record: the report says why, line by line.
      if (failure.details?.import) {
        setReport(failure.details.import);
        const lines = (failure.details.import.errors || []).some((item) => item.position !== undefined);
        if (!lines) setError(failure);
      } else setError(failure);
    } finally {
      setProgress(null);
      requestAnimationFrame(() => document.getElementById("import-report-title")?.focus());
    }
  }

  async function template() {
    setError(null);
    try {
      await download(`/api/organizations/${organization.id}/learners/imports/template.csv`, undefined, "modele.csv");
    } catch (failure) {
      setError(failure);
    }
  }

  return (
    <section class="card" aria-labelledby="import-title">
      <h2 id="import-title">{t("orga.import.title")}</h2>
      <p>{university ? t("orga.import.intro_sup") : t("orga.import.intro_sco")}</p>
      <p>
        <button type="button" class="link-button" onClick={template}>{t("orga.import.template")}</button>
      </p>
      <form class="form" onSubmit={submit} noValidate>
        <Field label={t("orga.import.file_label")} hint={university ? t("orga.import.file_hint_sup") : t("orga.import.file_hint_sco")}
          error={missing ? t("orga.import.file_missing") : null} required>
          {(props) => (
            <input {...props} type="file" name="file" accept={ACCEPT[organization.type] || ".csv"}
              onChange={(event) => {
                setFile(event.currentTarget.files[0] || null);
                setMissing(false);
              }} />
          )}
        </Field>
        {university ? (
          <fieldset class="field">
            <legend>{t("orga.import.mode")}</legend>
            {["ADD_UPDATE", "REPLACE"].map((value) => (
              <label class="choice" key={value}>
                <input type="radio" name="mode" value={value} checked={mode === value} onChange={() => setMode(value)} />
                <span>{t(`orga.import.mode_${value}`)}</span>
              </label>
            ))}
          </fieldset>
        ) : null}
        <div class="actions">
          <Button type="submit" busy={progress !== null}>{t("orga.import.submit")}</Button>
        </div>
        {progress !== null ? (
          <div class="upload-progress" role="status">
            <ProgressBar value={progress} label={t("orga.import.progress_label")} />
            <span>{t("orga.import.progress", { percent: Math.round(progress * 100) })}</span>
          </div>
        ) : null}
      </form>
      <ErrorNotice error={error} />
      {report ? <Report report={report} /> : null}
      <ConfirmDialog open={Boolean(leaving)} title={t("orga.import.leaving_title")}
        confirmLabel={t("orga.import.leaving_confirm")} onConfirm={() => send(leaving.form)}
        onCancel={() => setLeaving(null)}>
        {leaving ? <LeavingPupils items={leaving.items} /> : null}
      </ConfirmDialog>
    </section>
  );
}
