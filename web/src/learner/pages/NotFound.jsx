import { useI18n } from "../../common/i18n.js";
import { PageTitle } from "../../common/ui.jsx";
import { Shell } from "../components/Shell.jsx";

export function NotFound() {
  const { t } = useI18n();
  return (
    <Shell>
      <PageTitle>{t("learner.not_found.title")}</PageTitle>
      <p>{t("common.not_found")}</p>
      <p>
        <a href="/">{t("learner.not_found.home")}</a>
      </p>
    </Shell>
  );
}
