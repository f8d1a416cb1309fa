// A session's jury page (platform admins): the centre's report (global comment, incidents, each
// candidate's end screen and abort reason), each candidate's result and answers; the admin takes the session
// (IN_PROCESS), comments it, neutralizes a question (the course is scored again) and publishes the results.
import { useEffect, useState } from "preact/hooks";

import { formatDate, useI18n } from "../../common/i18n.js";
import { Button, ErrorNotice, Field, Loading, Notice, PageTitle, useAsync } from "../../common/ui.jsx";
import { ConfirmDialog } from "../../orga/components/ConfirmDialog.jsx";
import { TableWrap } from "../../orga/components/TableWrap.jsx";
import { api } from "../api.js";
import { birthDay, sessionDay } from "../format.js";
import { useCertif } from "../session.jsx";
import { SessionStatus } from "./Sessions.jsx";

function Result({ result }) {
  const { t } = useI18n();
  if (!result) return <p>{t("certif.jury.no_result")}</p>;
  return (
    <dl class="details">
      <div><dt>{t("certif.jury.result_status")}</dt><dd>{t(`certif.result.${result.status}`)}</dd></div>
      <div><dt>{t("certif.jury.score")}</dt><dd>{result.score ?? "—"} / {result.max_score}</dd></div>
      <div><dt>{t("certif.jury.level")}</dt><dd>{result.mesh_level ?? "—"}</dd></div>
      <div><dt>{t("certif.jury.answers")}</dt><dd>{result.answers}</dd></div>
      <div><dt>{t("certif.jury.reason")}</dt><dd>{t(`certif.result_reason.${result.reason}`)}</dd></div>
    </dl>
  );
}

function Reports({ items }) {
  const { t } = useI18n();
  if (!items.length) return <p class="muted">{t("certif.jury.no_issue")}</p>;
  return (
    <ul class="issue-list">
      {items.map((report, index) => (
        <li key={index}>
          <strong>{report.code}</strong> {t(`certif.issue.${report.category}`)}
          {report.question_number ? ` · ${t("certif.jury.question", { number: report.question_number })}` : ""}
          {report.description ? <> — {report.description}</> : null}
          {" "}
          <span class={`badge badge--soft${report.impactful && !report.resolved ? " badge--to-share" : ""}`}>
            {report.resolution ? t(`certif.resolution.${report.resolution}`)
              : report.impactful ? t("certif.jury.to_review") : t("certif.jury.no_impact")}
          </span>
        </li>
      ))}
    </ul>
  );
}

function Answers({ candidate, editable, onNeutralize, busy }) {
  const { t } = useI18n();
  const name = `${candidate.first_name} ${candidate.last_name}`;
  return (
    <details class="jury-answers">
      <summary>{t("certif.jury.answers_of", { name, count: candidate.answers.length })}</summary>
      <TableWrap label={t("certif.jury.answers_table", { name })}>
        <table class="table">
          <caption class="visually-hidden">{t("certif.jury.answers_table", { name })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("certif.jury.question_column")}</th>
              <th scope="col">{t("certif.jury.competence")}</th>
              <th scope="col">{t("certif.jury.answer_status")}</th>
              <th scope="col">{t("certif.jury.neutralized")}</th>
              {editable ? <th scope="col"><span class="visually-hidden">{t("certif.candidates.actions")}</span></th> : null}
            </tr>
          </thead>
          <tbody>
            {candidate.answers.map((answer) => (
              <tr key={answer.index}>
                <th scope="row">{answer.index}</th>
                <td>{answer.competence_code || "—"}</td>
                <td>{t(`certif.answer.${answer.status}`)}</td>
                <td>{answer.neutralized ? t("certif.yes") : t("certif.no")}</td>
                {editable ? (
                  <td>
                    <button type="button" class="link-button" disabled={busy}
                      onClick={() => onNeutralize(candidate, answer)}>
                      {answer.neutralized ? t("certif.jury.deneutralize") : t("certif.jury.neutralize")}
                      <span class="visually-hidden"> {t("certif.jury.question", { number: answer.index })}, {name}</span>
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </details>
  );
}

export function JurySession({ id }) {
  const { t, locale } = useI18n();
  const { me } = useCertif();
  const loaded = useAsync(() => api.get(`/api/admin/certification-sessions/${id}`), [id]);
  const [view, setView] = useState(null);
  const [comment, setComment] = useState("");
  const [state, setState] = useState({ busy: null, error: null, done: null });
  const [confirming, setConfirming] = useState(false);
  useEffect(() => {
    if (loaded.data) {
      setView(loaded.data);
      setComment(loaded.data.jury_comment || "");
    }
  }, [loaded.data]);

  async function act(name, request, done) {
    setState({ busy: name, error: null, done: null });
    try {
      const next = await request();
      setView(next);
      setState({ busy: null, error: null, done });
      return true;
    } catch (failure) {
      setState({ busy: null, error: failure, done: null });
      return false;
    }
  }

  const back = <p><a href="/certif/admin/sessions">{t("certif.jury.back")}</a></p>;
  if (!view) return <>{back}<ErrorNotice error={loaded.error} />{loaded.loading ? <Loading /> : null}</>;
  const session = view.session;
  const title = t("certif.jury.title", { number: session.number });
  const editable = session.status !== "PUBLISHED";
  const mine = view.assigned_to === me.id;
  const base = `/api/admin/certification-sessions/${id}`;
  return (
    <>
      {back}
      <PageTitle title={title}>{title}</PageTitle>
      <p class="campaign-head__badges">
        <SessionStatus status={session.status} />{" "}
        {view.publishable ? <span class="badge badge--success">{t("certif.jury.publishable")}</span>
          : <span class="badge badge--to-share">{t("certif.jury.needs_review")}</span>}
      </p>
      <Notice kind="success">{state.done}</Notice>
      <ErrorNotice error={state.error} />
      <dl class="details">
        <div><dt>{t("certif.jury.center")}</dt><dd>{view.center_name}</dd></div>
        <div><dt>{t("certif.session.date")}</dt><dd>{sessionDay(locale, session.date)} {session.time}</dd></div>
        <div><dt>{t("certif.session.room")}</dt><dd>{session.address} · {session.room}</dd></div>
        <div><dt>{t("certif.session.examiner")}</dt><dd>{session.examiner}</dd></div>
        <div>
          <dt>{t("certif.jury.finalized_at")}</dt>
          <dd>{formatDate(locale, session.finalized_at, { dateStyle: "medium", timeStyle: "short" })}</dd>
        </div>
        <div>
          <dt>{t("certif.jury.assigned_to")}</dt>
          <dd>{view.assigned_to ? (mine ? t("certif.jury.assigned_to_me") : t("certif.jury.assigned_other"))
            : t("certif.jury.nobody")}</dd>
        </div>
        <div><dt>{t("certif.jury.global_comment")}</dt><dd>{view.global_comment || "—"}</dd></div>
        <div>
          <dt>{t("certif.jury.session_flags")}</dt>
          <dd>
            {view.has_incident ? t("certif.jury.has_incident") : t("certif.jury.no_incident")}
            {view.has_joining_issue ? ` · ${t("certif.jury.has_joining_issue")}` : ""}
          </dd>
        </div>
      </dl>

      {editable ? (
        <div class="actions">
          {mine && session.status === "IN_PROCESS" ? null : (
            <Button variant="secondary" busy={state.busy === "assign"}
              onClick={() => act("assign", () => api.post(`${base}/assignment`), t("certif.jury.assigned"))}>
              {t("certif.jury.assign")}
            </Button>
          )}
          <Button busy={state.busy === "publish"} onClick={() => setConfirming(true)}>
            {t("certif.jury.publish")}
          </Button>
        </div>
      ) : <p>{t("certif.jury.published_at", {
        date: formatDate(locale, session.published_at, { dateStyle: "medium", timeStyle: "short" }) })}</p>}

      {editable ? (
        <form class="form card" onSubmit={(e) => {
          e.preventDefault();
          act("comment", () => api.put(`${base}/comment`, { comment: comment.trim() || null }),
            t("certif.jury.comment_saved"));
        }}>
          <Field label={t("certif.jury.jury_comment")} hint={t("certif.jury.jury_comment_hint")}
            error={state.error?.details?.field === "comment" ? t(`errors.${state.error.code}`) : null}>
            {(props) => (
              <textarea {...props} rows="3" maxLength={2000} value={comment}
                onInput={(e) => setComment(e.currentTarget.value)} />
            )}
          </Field>
          <Button type="submit" variant="secondary" busy={state.busy === "comment"}>{t("certif.jury.save_comment")}</Button>
        </form>
      ) : view.jury_comment ? <p><strong>{t("certif.jury.jury_comment")}</strong> : {view.jury_comment}</p> : null}

      <h2>{t("certif.jury.candidates", { count: view.candidates.length })}</h2>
      {view.candidates.map((candidate) => (
        <section class="card jury-candidate" key={candidate.candidate_id}
          aria-labelledby={`candidate-${candidate.candidate_id}`}>
          <h3 id={`candidate-${candidate.candidate_id}`}>{candidate.first_name} {candidate.last_name}</h3>
          <p class="muted">
            {birthDay(locale, candidate.birthdate)} · {candidate.verification_code}
            {" · "}{t(`certif.test_status.${candidate.end_reason || "IN_PROGRESS"}`, { answers: candidate.answers.length, questions: 32 })}
            {" · "}{candidate.has_seen_end_screen ? t("certif.jury.end_screen_seen") : t("certif.jury.end_screen_not_seen")}
            {candidate.abort_reason ? ` · ${t(`certif.abort_reason.${candidate.abort_reason}`)}` : ""}
          </p>
          {candidate.comment ? <p>{candidate.comment}</p> : null}
          <Result result={candidate.result} />
          <h4>{t("certif.jury.incidents")}</h4>
          <Reports items={candidate.issue_reports} />
          <Answers candidate={candidate} editable={editable} busy={Boolean(state.busy)}
            onNeutralize={(c, answer) => act("neutralize", () => api.post(
              `${base}/courses/${c.course_id}/neutralizations`,
              { challenge_id: answer.challenge_id, neutralized: !answer.neutralized }),
            t(answer.neutralized ? "certif.jury.deneutralized" : "certif.jury.neutralized_done",
              { number: answer.index, name: `${c.first_name} ${c.last_name}` }))} />
        </section>
      ))}

      <ConfirmDialog open={confirming} title={t("certif.jury.publish_title", { number: session.number })}
        confirmLabel={t("certif.jury.publish")} busy={state.busy === "publish"}
        onCancel={() => setConfirming(false)}
        onConfirm={async () => {
          await act("publish", () => api.post(`${base}/publication`), t("certif.jury.published"));
          setConfirming(false);
        }}>
        <p>{view.publishable ? t("certif.jury.publish_text") : t("certif.jury.publish_text_review")}</p>
      </ConfirmDialog>
    </>
  );
}
