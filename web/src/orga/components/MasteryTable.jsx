// Mastery per competence (with its area) or per area: validated skills out of the target, and the
// mastery rate, as a number or as a progress bar beside it. One participant's results and the
// campaign's averages draw the same table; they differ only in what they read from a row.
import { formatNumber, useI18n } from "../../common/i18n.js";
import { ProgressBar } from "../../common/ui.jsx";
import { CompetenceTable } from "./CompetenceTable.jsx";
import { percent } from "./format.js";

// validated(row, locale): the validated skills, written out; mastery(row): the rate, 0 to 1.
export function MasteryTable({ rows, byArea = false, validated, mastery, withBar = false }) {
  const { t, locale } = useI18n();
  const columns = [
    {
      key: "validated", label: t("orga.results.validated_skills"), number: true,
      cell: (row) => t("orga.results.skills_of", {
        validated: validated(row, locale),
        target: formatNumber(locale, row.target_skills_count),
      }),
    },
    withBar ? {
      key: "mastery", label: t("orga.results.mastery"),
      cell: (row) => (
        <div class="progress-cell">
          <ProgressBar value={mastery(row)} label={t("orga.results.mastery_of", { name: row.name })} />
          <span>{percent(locale, mastery(row))}</span>
        </div>
      ),
    } : {
      key: "mastery", label: t("orga.results.mastery"), number: true,
      cell: (row) => percent(locale, mastery(row)),
    },
  ];
  return <CompetenceTable rows={rows} byArea={byArea} columns={columns} />;
}
