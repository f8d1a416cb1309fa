// The landing text is Markdown: what learners will see is previewed beside it as it is typed.
import { useI18n } from "../../common/i18n.js";
import { Field, Markdown } from "../../common/ui.jsx";

export const LANDING_TEXT_MAX = 5000;

export function MarkdownEditor({ value, onInput, error, label }) {
  const { t } = useI18n();
  return (
    <div class="markdown-editor">
      <Field label={label || t("orga.campaign_form.landing_text")} error={error}
        hint={t("orga.campaign_form.landing_text_hint", { max: LANDING_TEXT_MAX })}>
        {(props) => (
          <textarea {...props} name="landing_text" rows={9} maxLength={LANDING_TEXT_MAX} value={value}
            onInput={(event) => onInput(event.currentTarget.value)} />
        )}
      </Field>
      <section class="markdown-editor__preview" aria-label={t("orga.campaign_form.preview")}>
        <h3 class="markdown-editor__title">{t("orga.campaign_form.preview")}</h3>
        {value.trim() ? <Markdown text={value} /> : <p class="muted">{t("orga.campaign_form.preview_empty")}</p>}
      </section>
    </div>
  );
}
