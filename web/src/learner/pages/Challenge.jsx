// /campagnes/{code}/evaluation: the test, one question at a time. Everything is read again from the
// API on arrival (the participation by its code, its assessment, the question being asked, which
// stays the same until answered), so a reload or a return from the home page lands on the same
// question. After every fifth answer (and the last), the checkpoint page.
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";

import { useI18n } from "../../common/i18n.js";
import { Button, Loading, Markdown, Notice, PageTitle, ProgressBar } from "../../common/ui.jsx";
import { api } from "../api.js";
import { assessmentOf, normalizeCode, participationOf, paths, rulesSeen } from "../campaign.js";
import { answerValue, ChallengeForm, emptyAnswer } from "../components/ChallengeForm.jsx";
import { Countdown } from "../components/Countdown.jsx";
import { Shell } from "../components/Shell.jsx";
import { explain } from "../explain.js";
import { useSignedIn } from "../session.jsx";

const GROUP = 5;
// Answers that mean the page is behind (another tab answered): the question being asked is read again.
const STALE = new Set(["CHALLENGE_ALREADY_ANSWERED", "WRONG_CHALLENGE", "NO_CURRENT_CHALLENGE"]);

// The question being asked, and how far this browser's clock is from the server's (for the timer).
async function currentQuestion(assessmentId, locale) {
  const response = await api.request("GET", `/api/assessments/${assessmentId}/next-challenge`,
    { query: { locale }, raw: true });
  const body = await response.json();
  const server = Date.parse(response.headers.get("Date") || "");
  const skew = Number.isNaN(server) ? 0 : server - Date.now();
  // The Date header counts whole seconds: a smaller difference is only its rounding.
  return { ...body, skew: Math.abs(skew) > 1500 ? skew : 0 };
}

function Question({ question, participation, onAnswered }) {
  const { t } = useI18n();
  const { challenge } = question;
  const [value, setValue] = useState(() => emptyAnswer(challenge));
  const [expired, setExpired] = useState(false);
  const [busy, setBusy] = useState(null);
  const [error, setError] = useState(null);
  const position = (question.progress.answers_count % GROUP) + 1;
  const ready = answerValue(challenge, value);

  async function send(skipped) {
    setBusy(skipped ? "skip" : "answer");
    setError(null);
    try {
      const body = skipped ? { challenge_id: challenge.id, skipped: true, value: null }
        : { challenge_id: challenge.id, value: ready };
      const recorded = await api.post(`/api/assessments/${question.id}/answers`, body);
      onAnswered(recorded.assessment);
    } catch (failure) {
      setBusy(null);
      if (STALE.has(failure.code) || failure.code === "ASSESSMENT_COMPLETED") onAnswered(null, failure);
      else setError(failure);
    }
  }
  function submit(event) {
    event.preventDefault();
    // Once the time is up, what was typed is still sent (the API counts it as timed out).
    if (expired) send(ready === null);
    else if (ready !== null) send(false);
  }

  const heading = t("learner.test.position", { position, total: GROUP });
  return (
    <article class="learner-question">
      <div class="learner-question__progress">
        <PageTitle title={`${heading} – ${participation.campaign_title || participation.campaign_code}`}>
          {heading}
        </PageTitle>
        <ProgressBar value={position / GROUP} label={heading} />
      </div>
      {challenge.timer ? (
        <div class="learner-question__timed">
          <p>{t("learner.test.timed", { count: challenge.timer })}</p>
          <Countdown seconds={challenge.timer} servedAt={challenge.served_at} skew={question.skew}
            onExpire={() => setExpired(true)} />
        </div>
      ) : null}
      <form class="card form learner-question__card" onSubmit={submit} noValidate>
        <div class="learner-question__instruction">
          <h2 class="visually-hidden">{t("learner.test.instruction")}</h2>
          <Markdown text={challenge.instruction} />
        </div>
        <ChallengeForm challenge={challenge} value={value} onChange={setValue} disabled={expired || busy} />
        {expired ? <Notice kind="info">{t("learner.test.time_up")}</Notice> : null}
        {error ? <Notice kind="error">{explain(t, error, "learner.test.errors")}</Notice> : null}
        <div class="actions learner-question__actions">
          {expired ? (
            <Button type="submit" busy={Boolean(busy)}>{t("learner.test.continue")}</Button>
          ) : (
            <>
              <Button variant="secondary" busy={busy === "skip"} disabled={Boolean(busy)}
                onClick={() => send(true)}>
                {t("learner.test.skip")}
              </Button>
              <Button type="submit" busy={busy === "answer"} disabled={ready === null || Boolean(busy)}>
                {t("learner.test.validate")}
              </Button>
            </>
          )}
        </div>
      </form>
    </article>
  );
}

export function Challenge({ code }) {
  const { t, locale } = useI18n();
  const signedIn = useSignedIn();
  const { route } = useLocation();
  const wanted = normalizeCode(code);
  const [participation, setParticipation] = useState(null);
  const [assessment, setAssessment] = useState(null);
  const [question, setQuestion] = useState(null);
  const [preparing, setPreparing] = useState(false);
  const [notice, setNotice] = useState(null);
  const [error, setError] = useState(null);

  async function showNext(assessmentId, live = () => true) {
    const next = await currentQuestion(assessmentId, locale);
    if (!live()) return;
    if (!next.challenge) route(paths.results(wanted), true);
    else setQuestion(next);
  }

  useEffect(() => {
    if (!signedIn) return undefined;
    let alive = true;
    const live = () => alive;
    (async () => {
      const found = await participationOf(wanted);
      if (!live()) return;
      if (!found) return route(paths.landing(wanted), true);
      if (found.status !== "STARTED") return route(paths.results(wanted), true);
      setParticipation(found);
      const timer = setTimeout(() => live() && setPreparing(true), 400);
      const created = await assessmentOf(found.id, { tries: 60 }).finally(() => clearTimeout(timer));
      if (!live()) return;
      setPreparing(false);
      setAssessment(created);
      if (created.progress.answers_count === 0 && !rulesSeen(found.id)) return route(paths.rules(wanted), true);
      await showNext(created.id, live);
    })().catch((failure) => live() && setError(failure));
    return () => {
      alive = false;
    };
  }, [wanted, signedIn, locale]);

  function answered(summary, failure) {
    setNotice(failure && STALE.has(failure.code) ? t("learner.test.stale") : null);
    if (failure?.code === "ASSESSMENT_COMPLETED") route(paths.results(wanted), true);
    else if (summary?.checkpoint_due) route(paths.checkpoint(wanted));
    else showNext(assessment.id).catch(setError);
  }

  let body;
  if (error) {
    body = (
      <>
        <PageTitle>{t("learner.test.error_title")}</PageTitle>
        <Notice kind="error">{explain(t, error, "learner.test.errors")}</Notice>
        <p><a href="/">{t("learner.test.home")}</a></p>
      </>
    );
  } else if (question) {
    body = (
      <>
        {notice ? <Notice kind="info">{notice}</Notice> : null}
        <Question key={question.challenge.id} question={question} participation={participation}
          onAnswered={answered} />
      </>
    );
  } else if (preparing) {
    body = (
      <>
        <PageTitle>{t("learner.test.preparing_title")}</PageTitle>
        <Loading label={t("learner.test.preparing")} />
      </>
    );
  } else body = <Loading />;
  return <Shell campaignTitle={participation?.campaign_title}>{body}</Shell>;
}
