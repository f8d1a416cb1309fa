// What the learners who sent their results know: per competence and area, as a table and as a
// chart (the same numbers), then each of them, opening their own results.
import { useState } from "preact/hooks";

import { formatDate, formatNumber, useI18n } from "../../../common/i18n.js";
import { ErrorNotice, Loading, useAsync } from "../../../common/ui.jsx";
import { api, patiently } from "../../api.js";
import { BarChart } from "../../components/BarChart.jsx";
import { decimal, percent } from "../../components/format.js";
import { Pagination } from "../../components/Pagination.jsx";
import { fullName } from "../../components/people.js";
import { TableWrap } from "../../components/TableWrap.jsx";

export const MAX_LEVEL = 8;

function AssessmentTables({ results }) {
  const { t, locale } = useI18n();
  return (
    <>
      <div class="results-grid">
        <TableWrap label={t("orga.results.by_competence")}>
          <table>
            <caption>{t("orga.results.by_competence")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("orga.results.competence")}</th>
                <th scope="col">{t("orga.results.area")}</th>
                <th scope="col" class="number">{t("orga.results.validated_skills")}</th>
                <th scope="col" class="number">{t("orga.results.mastery")}</th>
              </tr>
            </thead>
            <tbody>
              {results.competences.map((competence) => (
                <tr key={competence.code}>
                  <th scope="row">{competence.code} {competence.name}</th>
                  <td>{competence.area_name}</td>
                  <td class="number">
                    {t("orga.results.skills_of", {
                      validated: decimal(locale, competence.average_validated_skills_count),
                      target: formatNumber(locale, competence.target_skills_count),
                    })}
                  </td>
                  <td class="number">{percent(locale, competence.average_mastery_rate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        <BarChart title={t("orga.results.chart_competences")} format={(value) => percent(locale, value)}
          items={results.competences.map((c) => ({ key: c.code, label: `${c.code} ${c.name}`, value: c.average_mastery_rate }))} />
      </div>
      {results.areas?.length ? (
        <div class="results-grid">
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
                    <td class="number">
                      {t("orga.results.skills_of", {
                        validated: decimal(locale, area.average_validated_skills_count),
                        target: formatNumber(locale, area.target_skills_count),
                      })}
                    </td>
                    <td class="number">{percent(locale, area.average_mastery_rate)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <BarChart title={t("orga.results.chart_areas")} format={(value) => percent(locale, value)}
            items={results.areas.map((a) => ({ key: a.code, label: `${a.code} ${a.name}`, value: a.average_mastery_rate }))} />
        </div>
      ) : null}
    </>
  );
}

function ProfileTables({ results }) {
  const { t, locale } = useI18n();
  return (
    <>
      <dl class="stats">
        <div class="stats__item">
          <dt>{t("orga.results.average_total_pix")}</dt>
          <dd>{decimal(locale, results.average_total_pix, 0)}</dd>
        </div>
        <div class="stats__item">
          <dt>{t("orga.results.certifiable_count")}</dt>
          <dd>{formatNumber(locale, results.certifiable_count)}</dd>
        </div>
      </dl>
      <div class="results-grid">
        <TableWrap label={t("orga.results.by_competence")}>
          <table>
            <caption>{t("orga.results.by_competence")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("orga.results.competence")}</th>
                <th scope="col" class="number">{t("orga.results.average_level")}</th>
                <th scope="col" class="number">{t("orga.results.average_pix")}</th>
              </tr>
            </thead>
            <tbody>
              {results.competences.map((competence) => (
                <tr key={competence.code}>
                  <th scope="row">{competence.code} {competence.name}</th>
                  <td class="number">{decimal(locale, competence.average_level)}</td>
                  <td class="number">{decimal(locale, competence.average_pix)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        <BarChart title={t("orga.results.chart_levels", { max: MAX_LEVEL })} max={MAX_LEVEL}
          format={(value) => decimal(locale, value)}
          items={results.competences.map((c) => ({ key: c.code, label: `${c.code} ${c.name}`, value: c.average_level }))} />
      </div>
    </>
  );
}

function SharedParticipants({ campaign }) {
  const { t, locale } = useI18n();
  const [page, setPage] = useState(1);
  const { data, error, loading } = useAsync(() => patiently(() => api.get(`/api/campaigns/${campaign.id}/participants`, {
    status: "SHARED", page, page_size: 20,
  })), [campaign.id, page]);
  const assessment = campaign.type === "ASSESSMENT";
  return (
    <section aria-labelledby="shared-title">
      <h3 id="shared-title">{t("orga.results.participants_title")}</h3>
      <ErrorNotice error={error} />
      {data ? (
        data.items.length ? (
          <>
            <TableWrap label={t("orga.results.participants_title")}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t("orga.activity.name")}</th>
                    {campaign.external_id_label ? <th scope="col">{campaign.external_id_label}</th> : null}
                    <th scope="col">{t("orga.results.shared_at")}</th>
                    <th scope="col" class="number">
                      {assessment ? t("orga.results.mastery") : t("orga.results.total_pix")}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((participant) => (
                    <tr key={participant.participation_id}>
                      <td>
                        <a href={`/orga/campagnes/${campaign.id}/participants/${participant.participation_id}`}>
                          {fullName(participant) || t("orga.anonymous")}
                        </a>
                      </td>
                      {campaign.external_id_label ? <td>{participant.participant_external_id}</td> : null}
                      <td>{formatDate(locale, participant.shared_at)}</td>
                      <td class="number">
                        {assessment ? percent(locale, participant.mastery_rate) : decimal(locale, participant.total_pix, 0)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
            <Pagination data={data} onPage={setPage} />
          </>
        ) : <p class="empty">{t("orga.results.none")}</p>
      ) : loading ? <Loading /> : null}
    </section>
  );
}

export function Results({ campaign }) {
  const { t, locale } = useI18n();
  const { data, error, loading } = useAsync(
    () => patiently(() => api.get(`/api/campaigns/${campaign.id}/collective-results`, { locale })),
    [campaign.id, locale],
  );
  return (
    <section aria-labelledby="results-title">
      <h2 id="results-title">{t("orga.results.title")}</h2>
      <ErrorNotice error={error} />
      {data ? (
        <>
          <p>{t("orga.results.shared_count", { count: data.shared_participations_count })}</p>
          {data.shared_participations_count ? (
            data.campaign_type === "PROFILES_COLLECTION" ? <ProfileTables results={data} /> : <AssessmentTables results={data} />
          ) : null}
          <SharedParticipants campaign={campaign} />
        </>
      ) : loading ? <Loading /> : null}
    </section>
  );
}
