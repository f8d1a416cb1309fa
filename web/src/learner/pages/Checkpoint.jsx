// /campagnes/{code}/evaluation/checkpoint: after every fifth answer (and after the last), the answers
// of the block: right or wrong, the right answer, why, and tutorials to learn; then "Continuer".
import { useI18n } from "../../common/i18n.js";
import { ErrorNotice, Loading, Markdown, PageTitle, useAsync } from "../../common/ui.jsx";
import { api } from "../api.js";
import { assessmentOf, normalizeCode, participationOf, paths } from "../campaign.js";
import { AnswerText } from "../components/AnswerText.jsx";
import { Shell } from "../components/Shell.jsx";
import { useSignedIn } from "../session.jsx";

async function load(code, locale) {
  const participation = await participationOf(code);
  if (!participation) return { participation: null };
  const assessment = await assessmentOf(participation.id, { tries: 5 });
  const checkpoint = await api.get(`/api/assessments/${assessment.id}/checkpoint`, { locale });
  return { participation, checkpoint };
}

const RESULT_CLASS = { RIGHT: "badge--success", WRONG: "learner-badge--wrong", SKIPPED: "learner-badge--skipped",
  TIMED_OUT: "learner-badge--wrong" };

function Tutorials({ tutorials }) {
  const { t } = useI18n();
  if (!tutorials?.length) return null;
  return (
    <div class="learner-tutorials">
      <h4>{t("learner.checkpoint.tutorials")}</h4>
      <ul>
        {tutorials.map((tutorial, position) => (
          <li key={`${position}-${tutorial.url}`}>
            <a href={tutorial.url} target="_blank" rel="noopener noreferrer">
              {tutorial.title}
              <span class="visually-hidden"> {t("learner.checkpoint.new_tab")}</span>
            </a>
            <span class="learner-tutorials__meta">
              {[tutorial.source, t.has(`learner.checkpoint.format.${tutorial.format}`) ? t(`learner.checkpoint.format.${tutorial.format}`) : null,
                tutorial.duration_minutes ? t("learner.checkpoint.minutes", { count: tutorial.duration_minutes })
                  : null].filter(Boolean).join(" · ")}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function AnswerCard({ item, number }) {
  const { t } = useI18n();
  const { challenge } = item;
  return (
    <li class="card learner-review">
      <div class="learner-review__head">
        <h3>{t("learner.checkpoint.question", { number })}</h3>
        <span class={`badge ${RESULT_CLASS[item.result] || ""}`}>{t(`learner.checkpoint.result.${item.result}`)}</span>
      </div>
      <Markdown text={challenge.instruction} class="markdown learner-review__instruction" />
      <dl class="learner-review__answers">
        <div>
          <dt>{t("learner.checkpoint.your_answer")}</dt>
          <dd>{item.skipped ? t("learner.checkpoint.skipped") : <AnswerText challenge={challenge} value={item.your_answer} />}</dd>
        </div>
        <div>
          <dt>{t("learner.checkpoint.right_answer")}</dt>
          <dd><AnswerText challenge={challenge} value={item.right_answer} /></dd>
        </div>
      </dl>
      {item.explanation ? (
        <div class="learner-review__explanation">
          <h4>{t("learner.checkpoint.explanation")}</h4>
          <Markdown text={item.explanation} />
        </div>
      ) : null}
      <Tutorials tutorials={item.tutorials} />
    </li>
  );
}

export function Checkpoint({ code }) {
  const { t, locale } = useI18n();
  const signedIn = useSignedIn();
  const wanted = normalizeCode(code);
  const { data, error } = useAsync(() => (signedIn ? load(wanted, locale) : null), [wanted, locale, signedIn]);
  const participation = data?.participation;
  const checkpoint = data?.checkpoint;
  const finished = checkpoint?.state === "COMPLETED";
  const answers = checkpoint?.answers || [];
  const rights = answers.filter((item) => item.result === "RIGHT").length;
  return (
    <Shell campaignTitle={participation?.campaign_title} width="medium">
      <PageTitle>{t("learner.checkpoint.title")}</PageTitle>
      <ErrorNotice error={error} />
      {!data && !error ? <Loading /> : null}
      {data && !participation ? <p><a href={paths.landing(wanted)}>{t("learner.checkpoint.no_participation")}</a></p>
        : null}
      {checkpoint ? (
        <>
          <p class="learner-lead">{t("learner.checkpoint.summary", { count: answers.length, rights })}</p>
          <ol class="learner-reviews">
            {answers.map((item, position) => <AnswerCard key={item.index} item={item} number={position + 1} />)}
          </ol>
          <div class="actions">
            <a class="button button--primary" href={finished ? paths.results(wanted) : paths.test(wanted)}>
              {finished ? t("learner.checkpoint.see_results") : t("learner.checkpoint.continue")}
            </a>
          </div>
        </>
      ) : null}
    </Shell>
  );
}
