// The invigilator's live page (/certif/surveillance/:sessionId): each candidate and where they are (not
// arrived, waiting for authorization, authorized with the time left, question n of 32, finished, ended by the
// invigilator), pushed by the server (live.js), never polled. The invigilator authorizes a start or a resume,
// ends a test (after a confirmation), and decides a candidate's live alert. Changes are announced politely.
import { useEffect, useRef, useState } from "preact/hooks";

import { formatDate, useI18n } from "../../common/i18n.js";
import { Button, ErrorNotice, Loading, Notice, PageTitle, useAsync } from "../../common/ui.jsx";
import { ConfirmDialog } from "../../orga/components/ConfirmDialog.jsx";
import { TableWrap } from "../../orga/components/TableWrap.jsx";
import { api } from "../api.js";
import { birthDay, sessionDay } from "../format.js";
import { changedCandidates, useInvigilationStream } from "../live.js";

const FINISHED = new Set(["COMPLETED", "NO_ITEM_LEFT"]);

// The candidate's state, as a key of the locales: what the page shows and what is announced.
export function stateOf(candidate) {
  if (candidate.status === "ENDED_BY_INVIGILATOR") return "ended_by_invigilator";
  if (candidate.status === "STARTED") {
    if (FINISHED.has(candidate.test_status)) return "finished";
    if (candidate.test_status === "ENDED_BY_INVIGILATOR") return "ended_by_invigilator";
    return "in_progress";
  }
  return { NOT_ARRIVED: "not_arrived", JOINED: "joined", AUTHORIZED: "authorized" }[candidate.status] || "not_arrived";
}

// An authorization lasts 15 minutes: a browser clock a little behind the server's never shows more.
const AUTHORIZATION_MINUTES = 15;

function minutesLeft(until, now) {
  if (!until) return 0;
  return Math.min(AUTHORIZATION_MINUTES, Math.max(0, Math.ceil((new Date(until).getTime() - now) / 60000)));
}

// The page is drawn again every 15 s, so the "time left" follows the local clock (the server is not asked).
function useNow() {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((tick) => tick + 1), 15000);
    return () => clearInterval(timer);
  }, []);
  return Date.now();
}

function stateText(t, candidate, now) {
  const state = stateOf(candidate);
  const questions = candidate.questions_count || 32;
  return t(`certif.invigilation.state.${state}`, {
    minutes: minutesLeft(candidate.authorized_until, now),
    number: Math.min((candidate.answers_count || 0) + 1, questions),
    questions,
  });
}

function LiveAlert({ candidate, busy, onDecide }) {
  const { t, locale } = useI18n();
  const alert = candidate.live_alert;
  const name = `${candidate.first_name} ${candidate.last_name}`;
  return (
    <div class="notice notice--error live-alert" role="group" aria-label={t("certif.invigilation.alert_label", { name })}>
      <p>
        <strong>{t("certif.invigilation.alert", { name, number: alert.question_number })}</strong>{" "}
        <span class="muted">{formatDate(locale, alert.raised_at, { timeStyle: "short" })}</span>
      </p>
      <div class="actions">
        <Button busy={busy} onClick={() => onDecide("validation")}>
          {t("certif.invigilation.alert_validate")}<span class="visually-hidden"> ({name})</span>
        </Button>
        <Button variant="secondary" busy={busy} onClick={() => onDecide("dismissal")}>
          {t("certif.invigilation.alert_dismiss")}<span class="visually-hidden"> ({name})</span>
        </Button>
      </div>
    </div>
  );
}

export function Invigilation({ sessionId }) {
  const { t, locale } = useI18n();
  const first = useAsync(() => api.get(`/api/certification-sessions/${sessionId}/invigilation`), [sessionId]);
  const [view, setView] = useState(null);
  const [announcement, setAnnouncement] = useState("");
  const [action, setAction] = useState({ busy: null, error: null, done: null });
  const [ending, setEnding] = useState(null);
  const viewRef = useRef(null);
  const now = useNow();

  function receive(next) {
    const changed = changedCandidates(viewRef.current, next, stateOf);
    viewRef.current = next;
    setView(next);
    if (changed.length) {
      setAnnouncement(changed.map((c) => t("certif.invigilation.change", {
        name: `${c.first_name} ${c.last_name}`, state: stateText(t, c, Date.now()) })).join(" "));
    }
  }
  useEffect(() => {
    if (first.data && !viewRef.current) receive(first.data);
  }, [first.data]); // eslint-disable-line react-hooks/exhaustive-deps
  const live = useInvigilationStream(sessionId, receive);

  async function act(candidate, name, path, done) {
    setAction({ busy: `${candidate.id}:${name}`, error: null, done: null });
    try {
      await api.post(`/api/certification-candidates/${candidate.id}/${path}`);
      setAction({ busy: null, error: null, done });
      // The stream brings the new state; until it is live, the view is asked once more.
      if (live !== "live") receive(await api.get(`/api/certification-sessions/${sessionId}/invigilation`));
    } catch (failure) {
      setAction({ busy: null, error: failure, done: null });
    }
  }

  if (!view) {
    return (
      <>
        <p><a href="/certif/surveillance">{t("certif.invigilation.other_session")}</a></p>
        <ErrorNotice error={first.error} />
        {first.loading ? <Loading /> : null}
      </>
    );
  }
  const title = t("certif.invigilation.title", { number: view.number });
  const counts = view.candidates.reduce((all, c) => ({ ...all, [stateOf(c)]: (all[stateOf(c)] || 0) + 1 }), {});
  return (
    <>
      <PageTitle title={title}>{title}</PageTitle>
      <p class="muted">
        {sessionDay(locale, view.date)} · {view.time} · {view.address} · {view.room} · {view.examiner}
      </p>
      <p class={`live-state live-state--${live}`} data-testid="live-state">
        {t(`certif.invigilation.live.${live}`)}
      </p>
      <div class="visually-hidden" role="status" aria-live="polite" data-testid="announcements">{announcement}</div>
      <p>{t("certif.invigilation.summary", {
        count: view.candidates.length, started: (counts.in_progress || 0), waiting: counts.joined || 0 })}</p>
      <Notice kind="success">{action.done}</Notice>
      <ErrorNotice error={action.error} />
      {view.candidates.filter((c) => c.live_alert).map((candidate) => (
        <LiveAlert key={candidate.id} candidate={candidate} busy={action.busy?.startsWith(candidate.id)}
          onDecide={(decision) => act(candidate, decision, `live-alert/${decision}`,
            t(`certif.invigilation.alert_${decision}_done`, { name: `${candidate.first_name} ${candidate.last_name}` }))} />
      ))}
      {view.candidates.length ? (
        <TableWrap label={t("certif.invigilation.table")}>
          <table class="table table--rows invigilation">
            <caption class="visually-hidden">{t("certif.invigilation.table")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("certif.candidate.last_name")}</th>
                <th scope="col">{t("certif.candidate.first_name")}</th>
                <th scope="col">{t("certif.candidate.birthdate")}</th>
                <th scope="col">{t("certif.candidate.extra_time")}</th>
                <th scope="col">{t("certif.invigilation.state_column")}</th>
                <th scope="col"><span class="visually-hidden">{t("certif.candidates.actions")}</span></th>
              </tr>
            </thead>
            <tbody>
              {view.candidates.map((candidate) => {
                const state = stateOf(candidate);
                const name = `${candidate.first_name} ${candidate.last_name}`;
                const authorized = candidate.authorized_until && new Date(candidate.authorized_until).getTime() > now;
                const busy = action.busy?.startsWith(candidate.id);
                return (
                  <tr key={candidate.id} data-testid={`candidate-${candidate.id}`}
                    class={candidate.live_alert ? "row--alert" : undefined}>
                    <th scope="row">{candidate.last_name}</th>
                    <td>{candidate.first_name}</td>
                    <td class="nowrap">{birthDay(locale, candidate.birthdate)}</td>
                    <td>{candidate.extra_time_percentage ? `${candidate.extra_time_percentage} %` : "—"}</td>
                    <td>
                      <span class={`badge badge--soft invigilation-state invigilation-state--${state}`}>
                        {stateText(t, candidate, now)}
                      </span>
                      {state === "in_progress" && authorized ? (
                        <span class="muted"> {t("certif.invigilation.resume_authorized", {
                          minutes: minutesLeft(candidate.authorized_until, now) })}</span>
                      ) : null}
                    </td>
                    <td><div class="invigilation-actions">
                      {state === "joined" ? (
                        <Button busy={busy} onClick={() => act(candidate, "authorize", "authorization",
                          t("certif.invigilation.authorized_done", { name }))}>
                          {t("certif.invigilation.authorize")}<span class="visually-hidden"> {name}</span>
                        </Button>
                      ) : null}
                      {state === "in_progress" && !authorized ? (
                        <Button variant="secondary" busy={busy} onClick={() => act(candidate, "authorize",
                          "authorization", t("certif.invigilation.resume_done", { name }))}>
                          {t("certif.invigilation.authorize_resume")}<span class="visually-hidden"> {name}</span>
                        </Button>
                      ) : null}
                      {state === "in_progress" ? (
                        <Button variant="danger" busy={busy} onClick={() => setEnding(candidate)}>
                          {t("certif.invigilation.end")}<span class="visually-hidden"> {name}</span>
                        </Button>
                      ) : null}
                    </div></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      ) : <p class="empty">{t("certif.candidates.empty")}</p>}
      <p><a href="/certif/surveillance">{t("certif.invigilation.other_session")}</a></p>
      <ConfirmDialog open={Boolean(ending)} busy={Boolean(action.busy)}
        title={ending ? t("certif.invigilation.end_title", { name: `${ending.first_name} ${ending.last_name}` }) : ""}
        confirmLabel={t("certif.invigilation.end_confirm")}
        onCancel={() => setEnding(null)}
        onConfirm={async () => {
          const candidate = ending;
          await act(candidate, "end", "end-by-invigilator", t("certif.invigilation.ended_done", {
            name: `${candidate.first_name} ${candidate.last_name}` }));
          setEnding(null);
        }}>
        <p>{t("certif.invigilation.end_text")}</p>
      </ConfirmDialog>
    </>
  );
}
