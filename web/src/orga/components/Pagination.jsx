import { useI18n } from "../../common/i18n.js";

// Previous / next over an API page ({total, page, page_size}); nothing when one page holds all.
export function Pagination({ data, onPage, label }) {
  const { t } = useI18n();
  if (!data) return null;
  const pages = Math.max(1, Math.ceil(data.total / data.page_size));
  if (pages <= 1) return null;
  return (
    <nav class="pagination" aria-label={label || t("orga.pagination.label")}>
      <button type="button" class="button button--secondary" disabled={data.page <= 1}
        onClick={() => onPage(data.page - 1)}>
        {t("common.previous_page")}
      </button>
      <span aria-live="polite">{t("common.page_of", { page: data.page, pages })}</span>
      <button type="button" class="button button--secondary" disabled={data.page >= pages}
        onClick={() => onPage(data.page + 1)}>
        {t("common.next_page")}
      </button>
    </nav>
  );
}
