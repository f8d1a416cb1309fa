// /campagnes/{code}/evaluation: the test, one question at a time. Everything is read again from the
// API on arrival (the participation by its code, its assessment, the question being asked, which
// stays the same until answered), so a reload or a return from the home page lands on the same
// question. After every fifth answer (and the last), the checkpoint page.
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";

import { useI18n } from "../../common/i18n.js";
import { Loading, Notice, PageTitle } from "../../common/ui.jsx";
import { api } from "../api.js";
import { normalizeCode, participationOf, paths, rulesSeen, runningAssessmentOf } from "../campaign.js";
import { fetchQuestion, Question } from "../components/Question.jsx";
import { Shell } from "../components/Shell.jsx";
import { explain } from "../explain.js";
import { useSignedIn } from "../session.jsx";

const GROUP = 5;
// Answers that mean the page is behind (another tab answered): the question being asked is read again.
const STALE = new Set(["CHALLENGE_ALREADY_ANSWERED", "WRONG_CHALLENGE", "NO_CURRENT_CHALLENGE"]);

// The campaign's question: counted 1 to 5 between checkpoints, the campaign's title beside.
function CampaignQuestion({ question, participation, onAnswered }) {
  const { t } = useI18n();
  const position = (question.progress.answers_count % GROUP) + 1;
  const heading = t("learner.test.position", { position, total: GROUP });
  async function send(body) {
    const recorded = await api.post(`/api/assessments/${question.id}/answers`, body);
    onAnswered(recorded.assessment);
  }
  function handled(failure) {
    if (!STALE.has(failure.code) && failure.code !== "ASSESSMENT_COMPLETED") return false;
    onAnswered(null, failure);
    return true;
  }
  return (
    <Question question={question} heading={heading} progress={position / GROUP} send={send} onFailure={handled}
      title={`${heading} – ${participation.campaign_title || participation.campaign_code}`} />
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
    const next = await fetchQuestion(`/api/assessments/${assessmentId}/next-challenge`, locale);
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
      const created = await runningAssessmentOf(found.id).finally(() => clearTimeout(timer));
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
        <CampaignQuestion key={question.challenge.id} question={question} participation={participation}
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
