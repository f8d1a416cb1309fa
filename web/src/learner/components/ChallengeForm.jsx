// The answer controls of the four kinds of question, and what each sends to the API
// (assessment's AnswerSchema): single_choice a proposal number, multiple_choice a list of numbers,
// free_answer a text, fields one text per field key.
import { useI18n } from "../../common/i18n.js";
import { Field } from "../../common/ui.jsx";

export function emptyAnswer(challenge) {
  if (challenge.kind === "multiple_choice") return [];
  if (challenge.kind === "fields") return Object.fromEntries((challenge.fields || []).map((f) => [f.key, ""]));
  if (challenge.kind === "free_answer") return "";
  return null;
}

// The value to send, or null while the learner has not answered (then "Je valide" stays disabled).
export function answerValue(challenge, value) {
  switch (challenge.kind) {
    case "single_choice":
      return typeof value === "number" ? value : null;
    case "multiple_choice":
      return value?.length ? [...value].sort((a, b) => a - b) : null;
    case "free_answer":
      return value?.trim() ? value.trim() : null;
    case "fields": {
      const filled = (challenge.fields || []).every((f) => value?.[f.key]?.trim());
      return filled ? Object.fromEntries(Object.entries(value).map(([key, text]) => [key, text.trim()])) : null;
    }
    default:
      return null;
  }
}

function Choices({ challenge, value, onChange, disabled, multiple }) {
  const { t } = useI18n();
  const name = `answer-${challenge.id}`;
  const checked = (number) => (multiple ? value.includes(number) : value === number);
  function toggle(number, on) {
    if (!multiple) onChange(number);
    else onChange(on ? [...value, number] : value.filter((item) => item !== number));
  }
  return (
    <fieldset class="learner-choices" aria-describedby={multiple ? `${name}-hint` : undefined}>
      <legend>{t(multiple ? "learner.test.choose_several" : "learner.test.choose_one")}</legend>
      {multiple ? <p class="field__hint" id={`${name}-hint`}>{t("learner.test.several_hint")}</p> : null}
      {challenge.proposals.map((proposal) => (
        <div class="choice learner-choice" key={proposal.number}>
          <input type={multiple ? "checkbox" : "radio"} id={`${name}-${proposal.number}`} name={name}
            value={proposal.number} checked={checked(proposal.number)} disabled={disabled}
            onChange={(event) => toggle(proposal.number, event.currentTarget.checked)} />
          <label for={`${name}-${proposal.number}`}>{proposal.text}</label>
        </div>
      ))}
    </fieldset>
  );
}

export function ChallengeForm({ challenge, value, onChange, disabled }) {
  const { t } = useI18n();
  if (challenge.kind === "single_choice" || challenge.kind === "multiple_choice") {
    return <Choices challenge={challenge} value={value} onChange={onChange} disabled={disabled}
      multiple={challenge.kind === "multiple_choice"} />;
  }
  if (challenge.kind === "free_answer") {
    return (
      <Field label={t("learner.test.your_answer")}>
        {(props) => (
          <input {...props} name="answer" autoComplete="off" value={value} disabled={disabled}
            onInput={(event) => onChange(event.currentTarget.value)} />
        )}
      </Field>
    );
  }
  return (
    <fieldset class="learner-fields">
      <legend>{t("learner.test.fill_fields")}</legend>
      {(challenge.fields || []).map((field) => (
        <Field key={field.key} label={field.label}>
          {(props) => (
            <input {...props} name={`answer-${field.key}`} autoComplete="off" value={value[field.key]}
              disabled={disabled} onInput={(event) => onChange({ ...value, [field.key]: event.currentTarget.value })} />
          )}
        </Field>
      ))}
    </fieldset>
  );
}
