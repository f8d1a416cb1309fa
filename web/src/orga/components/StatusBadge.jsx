import { useI18n } from "../../common/i18n.js";

const KINDS = { STARTED: "badge--started", TO_SHARE: "badge--to-share", SHARED: "badge--success" };

export function StatusBadge({ status }) {
  const { t } = useI18n();
  return <span class={`badge ${KINDS[status] || ""}`}>{t(`orga.status.${status}`)}</span>;
}
