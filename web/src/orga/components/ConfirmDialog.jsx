// A modal question before a destructive action. The native <dialog> keeps the focus inside,
// closes with Escape and gives the focus back to the button that opened it.
import { useEffect, useId, useRef } from "preact/hooks";

import { useI18n } from "../../common/i18n.js";
import { Button } from "../../common/ui.jsx";

export function ConfirmDialog({ open, title, children, confirmLabel, onConfirm, onCancel, busy }) {
  const { t } = useI18n();
  const ref = useRef(null);
  const id = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} class="dialog" aria-labelledby={`${id}-title`} onCancel={(event) => {
      event.preventDefault();
      onCancel();
    }}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
      <div class="actions">
        <Button variant="secondary" onClick={onCancel}>{t("common.cancel")}</Button>
        <Button variant="danger" busy={busy} onClick={onConfirm}>{confirmLabel}</Button>
      </div>
    </dialog>
  );
}
