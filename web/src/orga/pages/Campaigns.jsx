// The organization's campaigns: live or archived, searched by name or code, mine or everyone's.
import { useLocation } from "preact-iso";

import { formatDate, formatNumber, useI18n } from "../../common/i18n.js";
import { ErrorNotice, Field, Loading, PageTitle, useAsync } from "../../common/ui.jsx";
import { api, patiently } from "../api.js";
import { useDebounced, useQueryState } from "../components/hooks.js";
import { Pagination } from "../components/Pagination.jsx";
import { useMemberNames } from "../components/people.js";
import { TabPanel, Tabs } from "../components/Tabs.jsx";
import { useOrga } from "../session.jsx";
import { TableWrap } from "../components/TableWrap.jsx";

const PAGE_SIZE = 20;

export function Campaigns() {
  const { t, locale } = useI18n();
  const { organizationId } = useOrga();
  const { route } = useLocation();
  const [filters, setFilters] = useQueryState({ archived: "false", name: "", owner: "all", page: 1 });
  const name = useDebounced(filters.name.trim());
  const ownerName = useMemberNames(organizationId);
  const { data, error, loading } = useAsync(
    () => patiently(() => api.get(`/api/organizations/${organizationId}/campaigns`, {
      archived: filters.archived, name, mine: filters.owner === "mine" ? "true" : undefined,
      page: filters.page, page_size: PAGE_SIZE,
    })),
    [organizationId, filters.archived, name, filters.owner, filters.page],
  );
  const archived = filters.archived === "true";
  const tabs = [
    { id: "false", label: t("orga.campaigns.tab_active") },
    { id: "true", label: t("orga.campaigns.tab_archived") },
  ];

  return (
    <>
      <div class="page-head">
        <PageTitle>{t("orga.campaigns.title")}</PageTitle>
        <a class="button button--primary" href="/orga/campagnes/creation">{t("orga.campaigns.create")}</a>
      </div>
      <Tabs label={t("orga.campaigns.tabs")} tabs={tabs} selected={filters.archived} idPrefix="campaigns"
        onSelect={(tab) => setFilters({ archived: tab.id, page: 1 })} />
      <TabPanel idPrefix="campaigns" selected={filters.archived}>
        <div class="filters">
          <Field label={t("orga.campaigns.search")}>
            {(props) => (
              <input {...props} type="search" value={filters.name}
                onInput={(event) => setFilters({ name: event.currentTarget.value, page: 1 })} />
            )}
          </Field>
          <Field label={t("orga.campaigns.owner_filter")}>
            {(props) => (
              <select {...props} value={filters.owner}
                onChange={(event) => setFilters({ owner: event.currentTarget.value, page: 1 })}>
                <option value="all">{t("orga.campaigns.owner_all")}</option>
                <option value="mine">{t("orga.campaigns.owner_mine")}</option>
              </select>
            )}
          </Field>
        </div>
        <ErrorNotice error={error} />
        {data ? (
          <>
            <p class="muted" role="status">{t("orga.campaigns.count", { count: data.total })}</p>
            {data.items.length ? (
              <TableWrap label={t("orga.campaigns.title")}>
                <table class="table--rows">
                  <caption class="visually-hidden">
                    {archived ? t("orga.campaigns.tab_archived") : t("orga.campaigns.tab_active")}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">{t("orga.campaigns.name")}</th>
                      <th scope="col">{t("orga.campaigns.code")}</th>
                      <th scope="col">{t("orga.campaigns.owner")}</th>
                      <th scope="col">{t("orga.campaigns.created")}</th>
                      <th scope="col" class="number">{t("orga.campaigns.participants")}</th>
                      <th scope="col" class="number">{t("orga.campaigns.shared")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.items.map((campaign) => (
                      <tr key={campaign.id} class="row-link"
                        onClick={(event) => {
                          if (event.target.closest("a")) return;
                          route(`/orga/campagnes/${campaign.id}`);
                        }}>
                        <td>
                          <a href={`/orga/campagnes/${campaign.id}`}>{campaign.name}</a>
                          {campaign.type === "PROFILES_COLLECTION" ? (
                            <span class="badge badge--soft badge--after">{t("orga.type.PROFILES_COLLECTION")}</span>
                          ) : null}
                        </td>
                        <td><code>{campaign.code}</code></td>
                        <td>{ownerName(campaign.owner_id)}</td>
                        <td>{formatDate(locale, campaign.created_at)}</td>
                        <td class="number">{formatNumber(locale, campaign.participations_count)}</td>
                        <td class="number">{formatNumber(locale, campaign.shared_participations_count)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            ) : (
              <p class="empty">{archived ? t("orga.campaigns.none_archived") : t("orga.campaigns.none")}</p>
            )}
            <Pagination data={data} onPage={(page) => setFilters({ page })} />
          </>
        ) : loading ? (
          <Loading />
        ) : null}
      </TabPanel>
    </>
  );
}
