// The countdown of a timed question. It counts from the moment the API served the question
// (served_at, in the server's clock: `skew` is how far this browser's clock is from it), so a reload
// does not give the time back. Screen readers are not told every second: the clock is a
// role="timer" (not live); a polite message is said at 10 seconds left and when the time is up.
import { useEffect, useRef, useState } from "preact/hooks";

import { useI18n } from "../../common/i18n.js";
import { ProgressBar } from "../../common/ui.jsx";

const WARN_AT = 10;

export function secondsLeft(seconds, servedAt, skew, now = Date.now()) {
  const start = servedAt ? Date.parse(servedAt) : now + skew;
  return Math.max(0, Math.ceil((start + seconds * 1000 - (now + skew)) / 1000));
}

export function clock(seconds) {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

export function Countdown({ seconds, servedAt, skew = 0, onExpire }) {
  const { t } = useI18n();
  const [left, setLeft] = useState(() => secondsLeft(seconds, servedAt, skew));
  const [said, setSaid] = useState("");
  const startedAbove = useRef(left > WARN_AT);
  const expire = useRef(onExpire);
  expire.current = onExpire;

  useEffect(() => {
    const timer = setInterval(() => setLeft(secondsLeft(seconds, servedAt, skew)), 250);
    return () => clearInterval(timer);
  }, [seconds, servedAt, skew]);
  useEffect(() => {
    if (left === 0) {
      setSaid(t("learner.test.time_up_short"));
      expire.current?.();
    } else if (left <= WARN_AT && startedAbove.current) {
      startedAbove.current = false;
      setSaid(t("learner.test.time_warning", { count: left }));
    }
  }, [left === 0, left <= WARN_AT]);

  return (
    <div class={`learner-timer${left <= WARN_AT ? " learner-timer--low" : ""}`}>
      <p class="learner-timer__clock" role="timer" aria-live="off">
        <span>{t("learner.test.time_left")}</span>{" "}
        <strong aria-hidden="true">{clock(left)}</strong>
        <span class="visually-hidden">{t("learner.test.seconds", { count: left })}</span>
      </p>
      <ProgressBar value={left / seconds} label={t("learner.test.time_left")} />
      <p class="visually-hidden" aria-live="polite">{said}</p>
    </div>
  );
}
