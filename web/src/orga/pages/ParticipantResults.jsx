// One participant's results: mastery per competence and area (an assessment), or pix and
// level per competence (a profiles collection).
import { formatDate, formatNumber, useI18n } from "../../common/i18n.js";
import { ErrorNotice, Loading, PageTitle, ProgressBar, useAsync } from "../../common/ui.jsx";
import { api, patiently } from "../api.js";
import { CompetenceTable } from "../components/CompetenceTable.jsx";
import { percent } from "../components/format.js";
import { MasteryTable } from "../components/MasteryTable.jsx";
import { fullName } from "../components/people.js";
import { Stats } from "../components/Stats.jsx";
import { StatusBadge } from "../components/StatusBadge.jsx";

// One participant's own counts, where the campaign's results read averages.
const accessors = {
  validated: (row, locale) => formatNumber(locale, row.validated_skills_count),
  mastery: (row) => row.mastery_rate,
};

function AssessmentResults({ results }) {
  const { t, locale } = useI18n();
  return (
    <>
      <Stats items={[
        [t("orga.results.mastery"), percent(locale, results.mastery_rate)],
        [t("orga.results.validated_skills"), t("orga.results.skills_of", {
          validated: formatNumber(locale, results.validated_skills_count),
          target: formatNumber(locale, results.target_skills_count),
        })],
      ]} />
      <MasteryTable rows={results.competences} withBar {...accessors} />
      {results.areas?.length ? <MasteryTable rows={results.areas} byArea {...accessors} /> : null}
    </>
  );
}

function ProfileResults({ results }) {
  const { t, locale } = useI18n();
  return (
    <>
      <Stats items={[
        [t("orga.results.total_pix"), formatNumber(locale, results.total_pix)],
        [t("orga.results.certifiable"), results.certifiable ? t("orga.yes") : t("orga.no")],
        [t("orga.results.certifiable_competences"), formatNumber(locale, results.certifiable_competences_count)],
      ]} />
      <CompetenceTable rows={results.competences} columns={[
        { key: "pix", label: t("orga.results.pix"), number: true, cell: (row) => formatNumber(locale, row.pix) },
        { key: "level", label: t("orga.results.level"), number: true, cell: (row) => formatNumber(locale, row.level) },
      ]} />
    </>
  );
}

export function ParticipantResults({ id, pid }) {
  const { t, locale } = useI18n();
  const { data, error } = useAsync(
    () => patiently(() => api.get(`/api/campaigns/${id}/participants/${pid}/results`, { locale })),
    [id, pid, locale],
  );
  const back = <p><a href={`/orga/campagnes/${id}/resultats`}>{t("orga.participant.back")}</a></p>;
  if (!data) return <>{back}{error ? <ErrorNotice error={error} /> : <Loading />}</>;
  const name = fullName(data) || t("orga.anonymous");
  return (
    <>
      {back}
      <PageTitle>{t("orga.participant.title", { name })}</PageTitle>
      <dl class="details">
        {data.participant_external_id ? (
          <div><dt>{t("orga.participant.external_id")}</dt><dd>{data.participant_external_id}</dd></div>
        ) : null}
        {data.division || data.group ? (
          <div><dt>{t("orga.activity.division_group")}</dt><dd>{[data.division, data.group].filter(Boolean).join(" · ")}</dd></div>
        ) : null}
        <div><dt>{t("orga.activity.status")}</dt><dd><StatusBadge status={data.status} /></dd></div>
        <div><dt>{t("orga.activity.started_at")}</dt><dd>{formatDate(locale, data.started_at)}</dd></div>
        {data.shared_at ? (
          <div><dt>{t("orga.results.shared_at")}</dt><dd>{formatDate(locale, data.shared_at)}</dd></div>
        ) : null}
      </dl>
      {data.results ? (
        data.campaign_type === "PROFILES_COLLECTION"
          ? <ProfileResults results={data.results} /> : <AssessmentResults results={data.results} />
      ) : (
        <>
          <p>{t("orga.participant.not_shared")}</p>
          <ProgressBar value={data.progress_rate} label={t("orga.activity.progress_of", { name })} />
        </>
      )}
    </>
  );
}
