// Mastery per competence: its name (and area), a bar, the percentage and the skills behind it.
import { formatPercent, useI18n } from "../../common/i18n.js";
import { ProgressBar } from "../../common/ui.jsx";

export function CompetenceResults({ competences }) {
  const { t, locale } = useI18n();
  return (
    <ul class="learner-competences">
      {competences.map((competence) => (
        <li key={competence.code} class="learner-competence">
          <div class="learner-competence__head">
            <h3 id={`competence-${competence.code}`}>
              <span class="learner-competence__code">{competence.code}</span> {competence.name}
            </h3>
            <span class="learner-competence__rate">{formatPercent(locale, competence.mastery_rate)}</span>
          </div>
          <p class="learner-competence__area">{competence.area_name}</p>
          <ProgressBar value={competence.mastery_rate}
            label={t("learner.results.competence_bar", { name: competence.name })} />
          <p class="learner-competence__skills">
            {t("learner.results.skills", { count: competence.target_skills_count,
              validated: competence.validated_skills_count })}
          </p>
        </li>
      ))}
    </ul>
  );
}
