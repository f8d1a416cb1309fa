// An answer as words: the proposals' texts for a choice, the text typed, each field's label and text.
import { useI18n } from "../../common/i18n.js";

export function AnswerText({ challenge, value }) {
  const { t } = useI18n();
  if (value === null || value === undefined || value === "") return <span>{t("learner.checkpoint.none")}</span>;
  const proposal = (number) => challenge.proposals?.find((item) => item.number === number)?.text ?? String(number);
  if (challenge.kind === "single_choice") return <span>{proposal(value)}</span>;
  if (challenge.kind === "multiple_choice") {
    return (
      <ul class="learner-answer-list">
        {[].concat(value).map((number) => <li key={number}>{proposal(number)}</li>)}
      </ul>
    );
  }
  if (challenge.kind === "fields" && typeof value === "object") {
    return (
      <ul class="learner-answer-list">
        {(challenge.fields || []).map((field) => (
          <li key={field.key}>
            {field.label} : <span class="learner-answer-list__value">{value[field.key] || "—"}</span>
          </li>
        ))}
      </ul>
    );
  }
  return <span>{String(value)}</span>;
}
