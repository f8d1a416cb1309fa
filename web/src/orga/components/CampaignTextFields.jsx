// What a campaign says in words, the same when it is created and when it is edited: its name,
// and what its learners read first (an assessment's title, then the Markdown landing text).
import { useI18n } from "../../common/i18n.js";
import { Field } from "../../common/ui.jsx";
import { MarkdownEditor } from "./MarkdownEditor.jsx";

export const NAME_MAX = 255;
export const TITLE_MAX = 50;

export function CampaignNameField({ value, error, hint, onInput }) {
  const { t } = useI18n();
  return (
    <Field label={t("orga.campaign_form.name")} required error={error} hint={hint}>
      {(props) => (
        <input {...props} name="name" maxLength={NAME_MAX} value={value}
          onInput={(e) => onInput(e.currentTarget.value)} />
      )}
    </Field>
  );
}

// form holds title and landing_text; set({ ... }) changes them; fields are the errors by field.
export function CampaignLandingFields({ form, set, fields, assessment }) {
  const { t } = useI18n();
  return (
    <>
      {assessment ? (
        <Field label={t("orga.campaign_form.title_field")} error={fields.title}
          hint={t("orga.campaign_form.title_hint", { max: TITLE_MAX })}>
          {(props) => (
            <input {...props} name="title" maxLength={TITLE_MAX} value={form.title}
              onInput={(e) => set({ title: e.currentTarget.value })} />
          )}
        </Field>
      ) : null}
      <MarkdownEditor value={form.landing_text} error={fields.landing_text}
        onInput={(landing_text) => set({ landing_text })} />
    </>
  );
}
