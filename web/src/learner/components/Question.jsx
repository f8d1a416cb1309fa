// One question on screen, as a campaign and the certification test both ask it: its heading and progress,
// the timer of a timed question, the answer controls, "Je passe" and "Je valide". What the page around it
// differs in comes as props: the heading (a campaign counts 1 to 5 between checkpoints, the certification
// "Question n / 32"), how an answer is sent (`send(body)`: the page posts it and moves on), which refusals
// the page handles itself (`onFailure(error)` returns true; the others are said here), whether answering is
// blocked for now (`locked`: a problem signalled to the invigilator), and what goes under the buttons
// (`children`).
import { useState } from "preact/hooks";

import { useI18n } from "../../common/i18n.js";
import { Button, Markdown, Notice, PageTitle, ProgressBar } from "../../common/ui.jsx";
import { api } from "../api.js";
import { explain } from "../explain.js";
import { answerValue, ChallengeForm, emptyAnswer } from "./ChallengeForm.jsx";
import { Countdown } from "./Countdown.jsx";

// The question being asked (GET on `path`), and how far this browser's clock is from the server's (for the
// timer).
export async function fetchQuestion(path, locale) {
  const response = await api.request("GET", path, { query: { locale }, raw: true });
  const body = await response.json();
  const server = Date.parse(response.headers.get("Date") || "");
  const skew = Number.isNaN(server) ? 0 : server - Date.now();
  // The Date header counts whole seconds: a smaller difference is only its rounding.
  return { ...body, skew: Math.abs(skew) > 1500 ? skew : 0 };
}

export function Question({ question, heading, title, progress, progressLabel, send, onFailure, locked = false,
  errorsPrefix = "learner.test.errors", children }) {
  const { t } = useI18n();
  const { challenge } = question;
  const [value, setValue] = useState(() => emptyAnswer(challenge));
  const [expired, setExpired] = useState(false);
  const [busy, setBusy] = useState(null);
  const [error, setError] = useState(null);
  const ready = answerValue(challenge, value);

  async function answer(skipped) {
    setBusy(skipped ? "skip" : "answer");
    setError(null);
    try {
      await send(skipped ? { challenge_id: challenge.id, skipped: true, value: null }
        : { challenge_id: challenge.id, value: ready });
    } catch (failure) {
      setBusy(null);
      if (!onFailure?.(failure)) setError(failure);
    }
  }
  function submit(event) {
    event.preventDefault();
    if (locked || busy) return;
    // Once the time is up, what was typed is still sent (the API counts it as timed out).
    if (expired) answer(ready === null);
    else if (ready !== null) answer(false);
  }

  return (
    <article class="learner-question">
      <div class="learner-question__progress">
        <PageTitle title={title}>{heading}</PageTitle>
        <ProgressBar value={progress} label={progressLabel || heading} />
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
        <ChallengeForm challenge={challenge} value={value} onChange={setValue} disabled={expired || busy || locked} />
        {expired ? <Notice kind="info">{t("learner.test.time_up")}</Notice> : null}
        {error ? <Notice kind="error">{explain(t, error, errorsPrefix)}</Notice> : null}
        <div class="actions learner-question__actions">
          {expired ? (
            <Button type="submit" busy={Boolean(busy)} disabled={Boolean(busy) || locked}>{t("learner.test.continue")}</Button>
          ) : (
            <>
              <Button variant="secondary" busy={busy === "skip"} disabled={Boolean(busy) || locked}
                onClick={() => answer(true)}>
                {t("learner.test.skip")}
              </Button>
              <Button type="submit" busy={busy === "answer"} disabled={ready === null || Boolean(busy) || locked}>
                {t("learner.test.validate")}
              </Button>
            </>
          )}
        </div>
      </form>
      {children}
    </article>
  );
}
