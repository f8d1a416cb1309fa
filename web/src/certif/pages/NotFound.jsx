import { useI18n } from "../../common/i18n.js";
import { PageTitle } from "../../common/ui.jsx";

export function NotFound() {
  const { t } = useI18n();
  return (
    <>
      <PageTitle>{t("certif.not_found.title")}</PageTitle>
      <p>{t("common.not_found")}</p>
      <p><a href="/certif/sessions">{t("certif.not_found.back")}</a></p>
    </>
  );
}
