import { useI18n } from "../../common/i18n.js";

// Copies a text to the clipboard; the page says it was done (or that it could not) through
// the status message it is given.
export function CopyButton({ text, label, done, onResult }) {
  const { t } = useI18n();
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      onResult({ kind: "success", text: done });
    } catch {
      onResult({ kind: "error", text: t("orga.campaign.copy_failed") });
    }
  }
  return (
    <button type="button" class="button button--secondary" onClick={copy}>
      {label}
    </button>
  );
}
