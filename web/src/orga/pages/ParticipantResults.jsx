// One participant's results: mastery per competence and area (an assessment), or pix and
// level per competence (a profiles collection).
import { formatDate, formatNumber, useI18n } from "../../common/i18n.js";
import { ErrorNotice, Loading, PageTitle, ProgressBar, useAsync } from "../../common/ui.jsx";
import { api, patiently } from "../api.js";
import { percent } from "../components/format.js";
import { fullName } from "../components/people.js";
import { StatusBadge } from "../components/StatusBadge.jsx";
import { TableWrap } from "../components/TableWrap.jsx";

function AssessmentResults({ results }) {
  const { t, locale } = useI18n();
  return (
    <>
      <dl class="stats">
        <div class="stats__item">
          <dt>{t("orga.results.mastery")}</dt>
          <dd>{percent(locale, results.mastery_rate)}</dd>
        </div>
        <div class="stats__item">
          <dt>{t("orga.results.validated_skills")}</dt>
          <dd>{t("orga.results.skills_of", {
            validated: formatNumber(locale, results.validated_skills_count),
            target: formatNumber(locale, results.target_skills_count),
          })}</dd>
        </div>
      </dl>
      <TableWrap label={t("orga.results.by_competence")}>
        <table>
          <caption>{t("orga.results.by_competence")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("orga.results.competence")}</th>
              <th scope="col">{t("orga.results.area")}</th>
              <th scope="col" class="number">{t("orga.results.validated_skills")}</th>
              <th scope="col">{t("orga.results.mastery")}</th>
            </tr>
          </thead>
          <tbody>
            {results.competences.map((competence) => (
              <tr key={competence.code}>
                <th scope="row">{competence.code} {competence.name}</th>
                <td>{competence.area_name}</td>
                <td class="number">{t("orga.results.skills_of", {
                  validated: formatNumber(locale, competence.validated_skills_count),
                  target: formatNumber(locale, competence.target_skills_count),
                })}</td>
                <td>
                  <div class="progress-cell">
                    <ProgressBar value={competence.mastery_rate}
                      label={t("orga.results.mastery_of", { name: competence.name })} />
                    <span>{percent(locale, competence.mastery_rate)}</span>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {results.areas?.length ? (
        <TableWrap label={t("orga.results.by_area")}>
          <table>
            <caption>{t("orga.results.by_area")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("orga.results.area")}</th>
                <th scope="col" class="number">{t("orga.results.validated_skills")}</th>
                <th scope="col" class="number">{t("orga.results.mastery")}</th>
              </tr>
            </thead>
            <tbody>
              {results.areas.map((area) => (
                <tr key={area.code}>
                  <th scope="row">{area.code} {area.name}</th>
                  <td class="number">{t("orga.results.skills_of", {
                    validated: formatNumber(locale, area.validated_skills_count),
                    target: formatNumber(locale, area.target_skills_count),
                  })}</td>
                  <td class="number">{percent(locale, area.mastery_rate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
    </>
  );
}

function ProfileResults({ results }) {
  const { t, locale } = useI18n();
  return (
    <>
      <dl class="stats">
        <div class="stats__item">
          <dt>{t("orga.results.total_pix")}</dt>
          <dd>{formatNumber(locale, results.total_pix)}</dd>
        </div>
        <div class="stats__item">
          <dt>{t("orga.results.certifiable")}</dt>
          <dd>{results.certifiable ? t("orga.yes") : t("orga.no")}</dd>
        </div>
        <div class="stats__item">
          <dt>{t("orga.results.certifiable_competences")}</dt>
          <dd>{formatNumber(locale, results.certifiable_competences_count)}</dd>
        </div>
      </dl>
      <TableWrap label={t("orga.results.by_competence")}>
        <table>
          <caption>{t("orga.results.by_competence")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("orga.results.competence")}</th>
              <th scope="col">{t("orga.results.area")}</th>
              <th scope="col" class="number">{t("orga.results.pix")}</th>
              <th scope="col" class="number">{t("orga.results.level")}</th>
            </tr>
          </thead>
          <tbody>
            {results.competences.map((competence) => (
              <tr key={competence.code}>
                <th scope="row">{competence.code} {competence.name}</th>
                <td>{competence.area_name}</td>
                <td class="number">{formatNumber(locale, competence.pix)}</td>
                <td class="number">{formatNumber(locale, competence.level)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
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
