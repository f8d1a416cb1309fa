// "Je passe ma certification": the candidate, logged in, types the session number, their names and birth
// date (POST /api/certification-joinings). Then they wait until the invigilator authorizes them (the page
// asks again every few seconds, and says when it happens), then type the access code given in the room
// (POST /api/certification-courses): the test starts (CertificationTest.jsx), then its end screen. Coming back
// to a started test (a reload, another device) takes the invigilator's authorization and the access code again.
import { useEffect, useRef, useState } from "preact/hooks";
import { useLocation } from "preact-iso";

import { useI18n } from "../../common/i18n.js";
import { Button, Field, Loading, Notice, PageTitle, useAsync, usePolling } from "../../common/ui.jsx";
import {
  certificationPaths,
  enrolmentOf,
  forgetCandidate,
  joinSession,
  normalizeAccessCode,
  rememberedCandidate,
  startCourse,
  testOf,
} from "../certification.js";
import { Shell } from "../components/Shell.jsx";
import { explain } from "../explain.js";
import { useSession, useSignedIn } from "../session.jsx";
import { CertificationEnd, CertificationTest } from "./CertificationTest.jsx";
import { BirthDate, isoDate } from "./Matching.jsx";

const WAIT_POLL_MS = 3000;

export function CertificationJoin() {
  const { t } = useI18n();
  const signedIn = useSignedIn();
  const { user } = useSession();
  const { route } = useLocation();
  const [number, setNumber] = useState("");
  const [names, setNames] = useState(null);
  const [birth, setBirth] = useState({ day: "", month: "", year: "" });
  const [errors, setErrors] = useState({});
  const [failure, setFailure] = useState(null);
  const [busy, setBusy] = useState(false);
  const shown = names || { first_name: user?.first_name || "", last_name: user?.last_name || "" };
  const remembered = rememberedCandidate();

  async function submit(event) {
    event.preventDefault();
    setFailure(null);
    const found = {};
    if (!/^\d+$/.test(number.trim())) found.session_number = t("learner.certification.missing.session_number");
    if (!shown.first_name.trim()) found.first_name = t("learner.matching.missing.first_name");
    if (!shown.last_name.trim()) found.last_name = t("learner.matching.missing.last_name");
    const birthdate = isoDate(birth.day, birth.month, birth.year);
    if (!birthdate) found.birthdate = t("learner.matching.missing.birthdate");
    setErrors(found);
    const first = Object.keys(found)[0];
    if (first) {
      document.getElementById(first === "birthdate" ? "birth-day" : `certification-${first}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      const enrolment = await joinSession({
        session_number: Number(number.trim()), first_name: shown.first_name.trim(),
        last_name: shown.last_name.trim(), birthdate,
      });
      route(certificationPaths.candidate(enrolment.id));
    } catch (error) {
      setBusy(false);
      setFailure(error);
    }
  }

  if (!signedIn) return null;
  const field = (name, autoComplete) => (
    <Field id={`certification-${name}`} label={t(`learner.matching.${name}`)} error={errors[name]} required>
      {(props) => (
        <input {...props} name={name} autoComplete={autoComplete} value={shown[name]}
          onInput={(event) => setNames({ ...shown, [name]: event.currentTarget.value })} />
      )}
    </Field>
  );
  return (
    <Shell>
      <div class="card">
        <PageTitle>{t("learner.certification.join_title")}</PageTitle>
        <p>{t("learner.certification.join_intro")}</p>
        {remembered ? (
          <p><a href={certificationPaths.candidate(remembered)}>{t("learner.certification.back_to_waiting")}</a></p>
        ) : null}
        <form class="form" onSubmit={submit} noValidate>
          {failure ? <Notice kind="error">{explain(t, failure, "learner.certification.errors")}</Notice> : null}
          <Field id="certification-session_number" label={t("learner.certification.session_number")}
            hint={t("learner.certification.session_number_hint")} error={errors.session_number} required>
            {(props) => (
              <input {...props} name="session_number" inputMode="numeric" autoComplete="off" class="input--short"
                value={number} onInput={(event) => setNumber(event.currentTarget.value)} />
            )}
          </Field>
          {field("first_name", "given-name")}
          {field("last_name", "family-name")}
          <BirthDate value={birth} onChange={setBirth} error={errors.birthdate} />
          <div class="actions">
            <Button type="submit" busy={busy}>{t("learner.certification.join_submit")}</Button>
            <a href="/">{t("learner.certification.cancel")}</a>
          </div>
        </form>
      </div>
    </Shell>
  );
}

function AccessCodeForm({ candidateId, onStarted }) {
  const { t } = useI18n();
  const [code, setCode] = useState("");
  const [error, setError] = useState(null);
  const [failure, setFailure] = useState(null);
  const [busy, setBusy] = useState(false);
  async function submit(event) {
    event.preventDefault();
    setFailure(null);
    const wanted = normalizeAccessCode(code);
    if (!wanted) {
      setError(t("learner.certification.missing.access_code"));
      document.getElementById("certification-access-code")?.focus();
      return;
    }
    setError(null);
    setBusy(true);
    try {
      onStarted(await startCourse(candidateId, wanted));
    } catch (problem) {
      setBusy(false);
      setFailure(problem);
      document.getElementById("certification-access-code")?.focus();
    }
  }
  return (
    <form class="form" onSubmit={submit} noValidate>
      {failure ? <Notice kind="error">{explain(t, failure, "learner.certification.errors")}</Notice> : null}
      <Field id="certification-access-code" label={t("learner.certification.access_code")}
        hint={t("learner.certification.access_code_hint")} error={error} required>
        {(props) => (
          <input {...props} name="access_code" autoComplete="off" autoCapitalize="characters" spellcheck={false}
            class="learner-access-code" value={code} onInput={(event) => setCode(event.currentTarget.value)} />
        )}
      </Field>
      <div class="actions">
        <Button type="submit" busy={busy}>{t("learner.certification.start")}</Button>
      </div>
    </form>
  );
}

export function CertificationCandidate({ id }) {
  const { t } = useI18n();
  const signedIn = useSignedIn();
  const { data, error, reload, loading } = useAsync(() => (signedIn ? enrolmentOf(id) : null), [id, signedIn]);
  // The enrolment as the access code left it: the test is taken in this page. A candidate who arrives with
  // their test started (a reload, another device) types the access code again, once the invigilator has
  // authorized them to resume.
  const [started, setStarted] = useState(null);
  const [ended, setEnded] = useState(null);
  const enrolment = started || data;
  const status = enrolment?.status;
  const returning = !started && status === "STARTED";
  const courseId = enrolment?.course_id;
  // A test already over needs no resume: its end screen at once. Until the test of this course is read, the page
  // waits: the form shown for a moment and then replaced would lose a code typed in it.
  const earlier = useAsync(() => (returning && courseId
    ? testOf(courseId).catch(() => null).then((test) => ({ courseId, test })) : null), [returning, courseId]);
  const earlierTest = earlier.data && earlier.data.courseId === courseId ? earlier.data.test : null;
  const readingEarlier = returning && Boolean(courseId) && (earlier.loading || earlier.data?.courseId !== courseId);
  const over = ended?.end_reason || (status === "ENDED_BY_INVIGILATOR" ? "ENDED_BY_INVIGILATOR" : null)
    || (returning && earlierTest?.state === "ENDED" ? earlierTest.end_reason : null);
  // Waiting for the invigilator: to start (JOINED), or to resume a started test.
  const resumeAuthorized = returning && Boolean(enrolment?.resume_authorized);
  usePolling(() => reload(), WAIT_POLL_MS, signedIn && (status === "JOINED" || (returning && !resumeAuthorized && !over)));
  // When the authorization arrives, the access code's field is ready to type in (and said by the live notice).
  const previous = useRef({ status, resumeAuthorized });
  useEffect(() => {
    const before = previous.current;
    if ((before.status === "JOINED" && status === "AUTHORIZED") || (!before.resumeAuthorized && resumeAuthorized)) {
      requestAnimationFrame(() => document.getElementById("certification-access-code")?.focus());
    }
    previous.current = { status, resumeAuthorized };
  }, [status, resumeAuthorized]);
  useEffect(() => {
    if (error?.code === "CANDIDATE_NOT_FOUND" || over) forgetCandidate();
  }, [error, over]);

  if (!signedIn) return null;
  if (!enrolment || readingEarlier) {
    return (
      <Shell>
        <PageTitle>{t("learner.certification.title")}</PageTitle>
        {error ? (
          <>
            <Notice kind="error">{explain(t, error, "learner.certification.errors")}</Notice>
            <p><a href={certificationPaths.join()}>{t("learner.certification.join_again")}</a></p>
          </>
        ) : loading || readingEarlier ? <Loading /> : null}
      </Shell>
    );
  }
  if (over) {
    return <Shell><CertificationEnd reason={over} /></Shell>;
  }
  if (started && status === "STARTED") {
    return <Shell><CertificationTest courseId={courseId} onEnded={setEnded} /></Shell>;
  }
  const who = t("learner.certification.who", {
    name: `${enrolment.first_name} ${enrolment.last_name}`, number: enrolment.session_number,
  });
  return (
    <Shell>
      <div class="card learner-certification">
        <PageTitle>{t("learner.certification.title")}</PageTitle>
        <p class="learner-lead">{who}</p>
        {status === "JOINED" ? (
          <>
            <div class="learner-waiting" role="status">
              <span class="learner-waiting__dot" aria-hidden="true" />
              <p>{t("learner.certification.waiting")}</p>
            </div>
            <p class="muted">{t("learner.certification.waiting_hint")}</p>
            {error ? <Notice kind="error">{explain(t, error, "learner.certification.errors")}</Notice> : null}
          </>
        ) : null}
        {status === "AUTHORIZED" ? (
          <>
            <Notice kind="success">{t("learner.certification.authorized")}</Notice>
            <AccessCodeForm candidateId={enrolment.id} onStarted={setStarted} />
          </>
        ) : null}
        {returning ? (
          <>
            <Notice kind={resumeAuthorized ? "success" : "info"}>
              {t(resumeAuthorized ? "learner.certification.resume_authorized" : "learner.certification.resume")}
            </Notice>
            <p class="muted">{t("learner.certification.verification_code", { code: enrolment.verification_code })}</p>
            <AccessCodeForm candidateId={enrolment.id} onStarted={setStarted} />
          </>
        ) : null}
      </div>
    </Shell>
  );
}
