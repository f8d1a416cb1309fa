// What the learners who sent their results know: per competence and area, as a table and as a
// chart (the same numbers), then each of them, opening their own results.
import { useState } from "preact/hooks";

import { formatDate, formatNumber, useI18n } from "../../../common/i18n.js";
import { ErrorNotice, Loading, useAsync } from "../../../common/ui.jsx";
import { api, patiently } from "../../api.js";
import { BarChart } from "../../components/BarChart.jsx";
import { CompetenceTable } from "../../components/CompetenceTable.jsx";
import { decimal, percent } from "../../components/format.js";
import { MasteryTable } from "../../components/MasteryTable.jsx";
import { Pagination } from "../../components/Pagination.jsx";
import { fullName } from "../../components/people.js";
import { Stats } from "../../components/Stats.jsx";
import { TableWrap } from "../../components/TableWrap.jsx";

export const MAX_LEVEL = 8;

// The campaign's averages over the learners who sent their results.
const averages = {
  validated: (row, locale) => decimal(locale, row.average_validated_skills_count),
  mastery: (row) => row.average_mastery_rate,
};

// The bars beside a table: one per row, named as the table's row is.
function bars(rows, value) {
  return rows.map((row) => ({ key: row.code, label: `${row.code} ${row.name}`, value: value(row) }));
}

function AssessmentTables({ results }) {
  const { t, locale } = useI18n();
  return (
    <>
      <div class="results-grid">
        <MasteryTable rows={results.competences} {...averages} />
        <BarChart title={t("orga.results.chart_competences")} format={(value) => percent(locale, value)}
          items={bars(results.competences, averages.mastery)} />
      </div>
      {results.areas?.length ? (
        <div class="results-grid">
          <MasteryTable rows={results.areas} byArea {...averages} />
          <BarChart title={t("orga.results.chart_areas")} format={(value) => percent(locale, value)}
            items={bars(results.areas, averages.mastery)} />
        </div>
      ) : null}
    </>
  );
}

function ProfileTables({ results }) {
  const { t, locale } = useI18n();
  return (
    <>
      <Stats items={[
        [t("orga.results.average_total_pix"), decimal(locale, results.average_total_pix, 0)],
        [t("orga.results.certifiable_count"), formatNumber(locale, results.certifiable_count)],
      ]} />
      <div class="results-grid">
        <CompetenceTable rows={results.competences} showArea={false} columns={[
          { key: "level", label: t("orga.results.average_level"), number: true, cell: (row) => decimal(locale, row.average_level) },
          { key: "pix", label: t("orga.results.average_pix"), number: true, cell: (row) => decimal(locale, row.average_pix) },
        ]} />
        <BarChart title={t("orga.results.chart_levels", { max: MAX_LEVEL })} max={MAX_LEVEL}
          format={(value) => decimal(locale, value)}
          items={bars(results.competences, (row) => row.average_level)} />
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
