// The organization's learners (imported, or who joined its campaigns): class or group, campaigns
// joined, last participation, certifiable; and, for admins, the import of the list.
import { formatDate, formatNumber, useI18n } from "../../common/i18n.js";
import { ErrorNotice, Field, Loading, PageTitle, useAsync } from "../../common/ui.jsx";
import { api, patiently } from "../api.js";
import { useDebounced, useQueryState } from "../components/hooks.js";
import { LearnerImport } from "../components/LearnerImport.jsx";
import { Pagination } from "../components/Pagination.jsx";
import { learnersKey, useOrga } from "../session.jsx";
import { TableWrap } from "../components/TableWrap.jsx";

const PAGE_SIZE = 50;

function Certifiable({ learner }) {
  const { t } = useI18n();
  if (learner.certifiable === null || learner.certifiable === undefined) return <span class="muted">—</span>;
  return learner.certifiable
    ? <span class="badge badge--success">{t("orga.learners.certifiable_yes")}</span>
    : <span class="badge">{t("orga.learners.certifiable_no")}</span>;
}

export function Learners() {
  const { t, locale } = useI18n();
  const { organizationId, current, isAdmin } = useOrga();
  const type = current.organization_type;
  const organization = useAsync(() => patiently(() => api.get(`/api/organizations/${organizationId}`)), [organizationId]);
  const [filters, setFilters] = useQueryState({ search: "", division: "", certifiable: "", page: 1 });
  const search = useDebounced(filters.search.trim());
  const division = useDebounced(filters.division.trim());
  const { data, error, loading, reload } = useAsync(() => patiently(() => api.get(`/api/organizations/${organizationId}/learners`, {
    search, [type === "SUP" ? "group" : "division"]: division, certifiable: filters.certifiable,
    page: filters.page, page_size: PAGE_SIZE,
  })), [organizationId, search, division, filters.certifiable, filters.page]);
  const groupLabel = type === "SUP" ? t("orga.learners.group") : t("orga.learners.division");
  const canImport = isAdmin && organization.data?.manages_students && type !== "PRO";
  const seen = [...new Set((data?.items || []).map((item) => (type === "SUP" ? item.group : item.division)).filter(Boolean))];

  return (
    <>
      <PageTitle>{t(learnersKey(type))}</PageTitle>
      {canImport ? <LearnerImport organization={organization.data} onImported={reload} /> : null}
      <section aria-labelledby="learners-list-title">
        <h2 id="learners-list-title" class="visually-hidden">{t("orga.learners.list_title")}</h2>
        <div class="filters">
          <Field label={t("orga.learners.search")}>
            {(props) => <input {...props} type="search" value={filters.search}
              onInput={(e) => setFilters({ search: e.currentTarget.value, page: 1 })} />}
          </Field>
          <Field label={groupLabel} hint={t("orga.learners.division_hint")}>
            {(props) => (
              <>
                <input {...props} list="learner-divisions" value={filters.division}
                  onInput={(e) => setFilters({ division: e.currentTarget.value, page: 1 })} />
                <datalist id="learner-divisions">
                  {seen.map((value) => <option key={value} value={value} />)}
                </datalist>
              </>
            )}
          </Field>
          <Field label={t("orga.learners.certifiable")}>
            {(props) => (
              <select {...props} value={filters.certifiable}
                onChange={(e) => setFilters({ certifiable: e.currentTarget.value, page: 1 })}>
                <option value="">{t("orga.learners.all")}</option>
                <option value="true">{t("orga.learners.certifiable_yes")}</option>
                <option value="false">{t("orga.learners.certifiable_no")}</option>
              </select>
            )}
          </Field>
        </div>
        <ErrorNotice error={error} />
        {data ? (
          <>
            <p class="muted" role="status">{t("orga.learners.count", { count: data.total })}</p>
            {data.items.length ? (
              <TableWrap label={t(learnersKey(type))}>
                <table>
                  <caption class="visually-hidden">{t(learnersKey(type))}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t("orga.learners.last_name")}</th>
                      <th scope="col">{t("orga.learners.first_name")}</th>
                      {type === "PRO" ? null : <th scope="col">{groupLabel}</th>}
                      {type === "SUP" ? <th scope="col">{t("orga.learners.student_number")}</th> : null}
                      <th scope="col" class="number">{t("orga.learners.campaigns")}</th>
                      <th scope="col">{t("orga.learners.last_participation")}</th>
                      <th scope="col">{t("orga.learners.certifiable")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.items.map((learner, index) => (
                      <tr key={learner.learner_id || learner.user_id || index}>
                        <td>{learner.last_name}</td>
                        <td>{learner.first_name}</td>
                        {type === "PRO" ? null : <td>{(type === "SUP" ? learner.group : learner.division) || "—"}</td>}
                        {type === "SUP" ? <td>{learner.student_number || "—"}</td> : null}
                        <td class="number">{formatNumber(locale, learner.campaigns_count)}</td>
                        <td>{learner.last_participation_at ? formatDate(locale, learner.last_participation_at) : "—"}</td>
                        <td><Certifiable learner={learner} /></td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            ) : (
              <p class="empty">
                {search || division || filters.certifiable ? t("orga.learners.none") : t("orga.learners.empty")}
              </p>
            )}
            <Pagination data={data} onPage={(page) => setFilters({ page })} />
          </>
        ) : loading ? <Loading /> : null}
      </section>
    </>
  );
}
