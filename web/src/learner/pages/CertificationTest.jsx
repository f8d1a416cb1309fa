// The certification test, once the access code is typed: one question at a time, served by assessment
// (GET .../assessment/next-challenge, the same question until it is answered). Unlike a campaign: a counter
// "Question n / 32" and nothing else (no right or wrong, no checkpoint); "Je passe" counts as wrong; a timed
// question keeps its timer (lengthened by the candidate's extra time, as served). The candidate may signal a
// problem with the question: answering is then blocked while the invigilator comes, the page asks again every
// 2 s, and says what was decided (validated: another question; dismissed: the same one). The test ends with
// the 32nd answer, or when the invigilator ends it (an answer refused with CERTIFICATION_TEST_ENDED, or a test
// read ENDED): the end screen.
import { useEffect, useRef, useState } from "preact/hooks";

import { useI18n } from "../../common/i18n.js";
import { Button, Loading, Notice, PageTitle, usePolling } from "../../common/ui.jsx";
import { answerQuestion, certificationPaths, whenTestReady, signalProblem, testPaths } from "../certification.js";
import { fetchQuestion, Question } from "../components/Question.jsx";
import { explain } from "../explain.js";

const ALERT_POLL_MS = 2000;
// Answers that mean the page is behind (another tab or device answered, or the question changed since it was
// read): the question being asked is read again.
const STALE = new Set(["CHALLENGE_ALREADY_ANSWERED", "WRONG_CHALLENGE", "NO_CURRENT_CHALLENGE"]);
const ERRORS = "learner.certification.test_errors";

const ongoing = (question) => question?.live_alert?.status === "ONGOING";

// "Signaler un problème": asked once more before it is sent (the invigilator comes to the candidate's place).
// While the alert is ongoing, the live region says so; the answers wait.
function ProblemReport({ question, onRaise }) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const waiting = ongoing(question);
  async function raise() {
    setBusy(true);
    setError(null);
    try {
      await onRaise();
      setAsking(false);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }
  return (
    <section class="learner-problem" aria-labelledby="problem-title">
      <h2 id="problem-title" class="visually-hidden">{t("learner.certification.problem.title")}</h2>
      <div role="status" class={waiting ? "learner-waiting" : "learner-problem__state"}>
        {waiting ? (
          <>
            <span class="learner-waiting__dot" aria-hidden="true" />
            <p>{t("learner.certification.problem.ongoing")}</p>
          </>
        ) : null}
      </div>
      {error ? <Notice kind="error">{explain(t, error, ERRORS)}</Notice> : null}
      {!waiting && !asking ? (
        <p>
          <button type="button" class="link-button" onClick={() => setAsking(true)}>
            {t("learner.certification.problem.open")}
          </button>
        </p>
      ) : null}
      {!waiting && asking ? (
        <div class="learner-problem__confirm">
          <p id="problem-confirm-text">{t("learner.certification.problem.confirm_text")}</p>
          <div class="actions">
            <Button variant="secondary" busy={busy} onClick={raise} aria-describedby="problem-confirm-text">
              {t("learner.certification.problem.confirm")}
            </Button>
            <button type="button" class="link-button" onClick={() => setAsking(false)}>
              {t("learner.certification.problem.cancel")}
            </button>
          </div>
        </div>
      ) : null}
    </section>
  );
}

export function CertificationTest({ courseId, onEnded }) {
  const { t, locale } = useI18n();
  const [question, setQuestion] = useState(null);
  const [preparing, setPreparing] = useState(false);
  const [notice, setNotice] = useState(null);
  const [error, setError] = useState(null);
  const shown = useRef(null);
  const ended = useRef(onEnded);
  ended.current = onEnded;

  // Reads the question being asked; says what the invigilator decided about an alert this page saw ongoing.
  async function show(next) {
    const before = shown.current;
    if (next.state === "ENDED") {
      ended.current(next);
      return;
    }
    const alert = next.live_alert;
    if (ongoing(before) && alert?.id === before.live_alert.id && alert.status !== "ONGOING") {
      setNotice(t(alert.status === "VALIDATED" ? "learner.certification.problem.validated"
        : "learner.certification.problem.dismissed"));
    }
    shown.current = next;
    setQuestion(next);
  }
  const read = () => fetchQuestion(testPaths.next(courseId), locale);
  function refresh() {
    return read().then(show, setError);
  }

  useEffect(() => {
    let alive = true;
    const timer = setTimeout(() => alive && setPreparing(true), 400);
    whenTestReady(read)
      .then((next) => alive && show(next), (failure) => alive && setError(failure))
      .finally(() => {
        clearTimeout(timer);
        if (alive) setPreparing(false);
      });
    return () => {
      alive = false;
    };
  }, [courseId, locale]);
  usePolling(refresh, ALERT_POLL_MS, ongoing(question));

  async function send(body) {
    setNotice(null);
    const recorded = await answerQuestion(courseId, body);
    if (recorded.test.state === "ENDED") ended.current(recorded.test);
    else await refresh();
  }
  function handled(failure) {
    if (failure.code === "CERTIFICATION_TEST_ENDED" || failure.code === "LIVE_ALERT_ONGOING") {
      refresh();
      return true;
    }
    if (STALE.has(failure.code)) {
      refresh().then(() => setNotice(t("learner.test.stale")));
      return true;
    }
    return false;
  }
  async function raise() {
    setNotice(null);
    try {
      await signalProblem(courseId);
    } catch (failure) {
      if (failure.code !== "LIVE_ALERT_ALREADY_ONGOING" && failure.code !== "CERTIFICATION_TEST_ENDED") throw failure;
    }
    await refresh();
  }

  if (error) {
    return (
      <>
        <PageTitle>{t("learner.test.error_title")}</PageTitle>
        <Notice kind="error">{explain(t, error, ERRORS)}</Notice>
        <p><button type="button" class="link-button" onClick={() => { setError(null); refresh(); }}>
          {t("learner.certification.try_again")}
        </button></p>
      </>
    );
  }
  if (!question) {
    return preparing ? (
      <>
        <PageTitle>{t("learner.test.preparing_title")}</PageTitle>
        <Loading label={t("learner.test.preparing")} />
      </>
    ) : <Loading />;
  }
  const heading = t("learner.certification.counter", { number: question.question_number,
    total: question.questions_count });
  return (
    <>
      <Notice kind="info">{notice}</Notice>
      <Question key={question.challenge.id} question={question} heading={heading}
        title={`${heading} – ${t("learner.certification.title")}`}
        progress={(question.question_number - 1) / question.questions_count}
        progressLabel={t("learner.certification.progress", { count: question.answers_count,
          total: question.questions_count })}
        send={send} onFailure={handled} locked={ongoing(question)} errorsPrefix={ERRORS}>
        <ProblemReport question={question} onRaise={raise} />
      </Question>
    </>
  );
}

const END_REASONS = ["COMPLETED", "ENDED_BY_INVIGILATOR", "NO_ITEM_LEFT"];

// "Test terminé": why it ended, and when the results come (after the centre finalizes the session and the
// results are published: the candidate is mailed, and finds them in "Mes certifications").
export function CertificationEnd({ reason }) {
  const { t } = useI18n();
  const why = END_REASONS.includes(reason) ? reason : "COMPLETED";
  return (
    <div class="card learner-certification learner-certification-end">
      <PageTitle>{t("learner.certification.end.title")}</PageTitle>
      <p class="learner-lead">{t(`learner.certification.end.${why}`)}</p>
      <p>{t("learner.certification.end.results")}</p>
      <p><a class="button button--primary" href={certificationPaths.certificates()}>
        {t("learner.certification.end.certificates")}
      </a></p>
    </div>
  );
}
