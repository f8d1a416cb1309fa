// /campagnes/{code}/didacticiel/{1-4}: the four rules before the first question, as Pix's tutorial:
// searching the web is allowed, no time limit unless a question says so, tutorials to learn after,
// the difficulty follows the answers. Seen once per participation.
import { useLocation } from "preact-iso";

import { useI18n } from "../../common/i18n.js";
import { ErrorNotice, Loading, PageTitle, useAsync } from "../../common/ui.jsx";
import { markRulesSeen, normalizeCode, participationOf, paths, RULES_STEPS } from "../campaign.js";
import { RuleIcon } from "../components/RuleIcon.jsx";
import { Shell } from "../components/Shell.jsx";
import { useSignedIn } from "../session.jsx";

const RULES = ["search", "time", "tutorials", "adaptive"];

export function Rules({ code, step }) {
  const { t } = useI18n();
  const signedIn = useSignedIn();
  const { route } = useLocation();
  const wanted = normalizeCode(code);
  const index = Math.min(Math.max(Number.parseInt(step, 10) || 1, 1), RULES_STEPS);
  const { data: participation, error } = useAsync(() => (signedIn ? participationOf(wanted) : null),
    [wanted, signedIn]);
  const rule = RULES[index - 1];
  const last = index === RULES_STEPS;

  function next() {
    if (!last) {
      route(paths.rules(wanted, index + 1));
      return;
    }
    // Without a participation (an address typed by hand), the join decides where to go.
    if (!participation) {
      route(paths.join(wanted));
      return;
    }
    markRulesSeen(participation.id);
    route(paths.test(wanted));
  }

  return (
    <Shell campaignTitle={participation?.campaign_title}>
      <ErrorNotice error={error} />
      {participation === undefined && !error ? <Loading /> : null}
      <section class="card learner-rule" aria-describedby="rule-text">
        <p class="learner-rule__step">{t("learner.rules.step", { step: index, steps: RULES_STEPS })}</p>
        <RuleIcon rule={rule} />
        <PageTitle>{t(`learner.rules.${rule}.title`)}</PageTitle>
        <p id="rule-text" class="learner-lead">{t(`learner.rules.${rule}.text`)}</p>
        <ol class="learner-rule__dots" aria-hidden="true">
          {RULES.map((name, position) => (
            <li key={name} class={position + 1 === index ? "learner-rule__dot learner-rule__dot--current"
              : "learner-rule__dot"} />
          ))}
        </ol>
        <div class="actions">
          {index > 1 ? (
            <a class="button button--secondary" href={paths.rules(wanted, index - 1)}>
              {t("learner.rules.previous")}
            </a>
          ) : null}
          <button type="button" class="button button--primary" onClick={next}>
            {last ? t("learner.rules.start") : t("learner.rules.next")}
          </button>
        </div>
      </section>
    </Shell>
  );
}
