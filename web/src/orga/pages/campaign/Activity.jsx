// Who takes part and how far they are, pushed by the server while the page is open: GET .../activity/events
// sends the counts at once and again whenever the campaign's participations change (common/live.js), and each
// of those messages has the list read again. Polled every few seconds only while the stream is down. The
// list keeps its filters, its page and the focus across updates: only the data changes.
import { useRef, useState } from "preact/hooks";

import { formatDate, formatNumber, formatPercent, useI18n } from "../../../common/i18n.js";
import { useLiveView } from "../../../common/live.js";
import { ErrorNotice, Field, Loading, ProgressBar, useAsync, usePolling } from "../../../common/ui.jsx";
import { api, patiently } from "../../api.js";
import { useDebounced } from "../../components/hooks.js";
import { Pagination } from "../../components/Pagination.jsx";
import { fullName } from "../../components/people.js";
import { Stats } from "../../components/Stats.jsx";
import { StatusBadge } from "../../components/StatusBadge.jsx";
import { TableWrap } from "../../components/TableWrap.jsx";

export const LIVE_EVERY_MS = 4000; // the fallback's period, while the stream is down
const PAGE_SIZE = 20;
const STATUSES = ["STARTED", "TO_SHARE", "SHARED"];

function Counts({ activity }) {
  const { t, locale } = useI18n();
  const items = [
    ["participants", activity.participations_count],
    ["started", activity.started_count],
    ["to_share", activity.to_share_count],
    ["shared", activity.shared_count],
  ];
  return (
    <Stats items={[
      ...items.map(([key, value]) => [t(`orga.activity.${key}`), formatNumber(locale, value)]),
      [t("orga.activity.average_progress"),
        activity.average_progress_rate === null ? "—" : formatPercent(locale, activity.average_progress_rate)],
    ]} />
  );
}

function ChoiceFilter({ label, value, options, onChange, allLabel }) {
  return (
    <Field label={label}>
      {(props) => (
        <select {...props} value={value} onChange={(event) => onChange(event.currentTarget.value)}>
          <option value="">{allLabel}</option>
          {options.map(([key, text]) => <option key={key} value={key}>{text}</option>)}
        </select>
      )}
    </Field>
  );
}

export function Activity({ campaign }) {
  const { t, locale } = useI18n();
  const [filters, setFilters] = useState({ status: "", division: "", group: "", search: "", page: 1 });
  const set = (changes) => setFilters((previous) => ({ ...previous, page: 1, ...changes }));
  const search = useDebounced(filters.search.trim());
  const base = `/api/campaigns/${campaign.id}`;
  const activity = useAsync(() => patiently(() => api.get(`${base}/activity`)), [campaign.id]);
  const options = useAsync(() => patiently(() => api.get(`${base}/participants/filters`)), [campaign.id]);
  const participants = useAsync(() => patiently(() => api.get(`${base}/participants`, {
    status: filters.status, division: filters.division, group: filters.group, search, page: filters.page,
    page_size: PAGE_SIZE,
  })), [campaign.id, filters.status, filters.division, filters.group, search, filters.page]);
  const [pushed, setPushed] = useState(null);
  const last = useRef(null);
  const live = useLiveView(api, `${base}/activity/events`, "activity", (view) => {
    setPushed(view);
    // The page read the list as it opened; after that, every message says that something changed. The classes
    // and groups change only with the participants themselves.
    if (last.current) {
      participants.reload();
      if (view.participations_count !== last.current.participations_count) options.reload();
    }
    last.current = view;
  });
  usePolling(() => {
    activity.reload();
    participants.reload();
    options.reload();
  }, LIVE_EVERY_MS, live !== "live");
  const counts = pushed?.campaign_id === campaign.id ? pushed : activity.data;

  const divisions = options.data?.divisions || [];
  const groups = options.data?.groups || [];
  const page = participants.data;
  return (
    <section aria-labelledby="activity-title">
      <h2 id="activity-title">{t("orga.activity.title")}</h2>
      <p class="muted" data-testid="live-state" data-state={live}>
        {live === "live" ? t("orga.activity.pushed") : t("orga.activity.live", { seconds: LIVE_EVERY_MS / 1000 })}
      </p>
      {counts ? <Counts activity={counts} /> : null}
      <ErrorNotice error={activity.error || participants.error} />

      <h3>{t("orga.activity.participants_title")}</h3>
      <div class="filters">
        <Field label={t("orga.activity.search")}>
          {(props) => (
            <input {...props} type="search" value={filters.search}
              onInput={(event) => set({ search: event.currentTarget.value })} />
          )}
        </Field>
        <ChoiceFilter label={t("orga.activity.status")} value={filters.status} allLabel={t("orga.activity.all_statuses")}
          options={STATUSES.map((status) => [status, t(`orga.status.${status}`)])}
          onChange={(status) => set({ status })} />
        {divisions.length ? (
          <ChoiceFilter label={t("orga.learners.division")} value={filters.division}
            allLabel={t("orga.activity.all_divisions")} options={divisions.map((d) => [d, d])}
            onChange={(division) => set({ division })} />
        ) : null}
        {groups.length ? (
          <ChoiceFilter label={t("orga.learners.group")} value={filters.group} allLabel={t("orga.activity.all_groups")}
            options={groups.map((g) => [g, g])} onChange={(group) => set({ group })} />
        ) : null}
      </div>
      {page ? (
        page.items.length ? (
          <>
            <TableWrap label={t("orga.activity.participants_title")}>
              <table>
                <caption class="visually-hidden">{t("orga.activity.participants_title")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("orga.activity.name")}</th>
                    {campaign.external_id_label ? <th scope="col">{campaign.external_id_label}</th> : null}
                    {divisions.length || groups.length ? <th scope="col">{t("orga.activity.division_group")}</th> : null}
                    <th scope="col">{t("orga.activity.status")}</th>
                    <th scope="col">{t("orga.activity.progress")}</th>
                    <th scope="col">{t("orga.activity.started_at")}</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((participant) => {
                    const name = fullName(participant) || t("orga.anonymous");
                    return (
                      <tr key={participant.participation_id}>
                        <td>{name}</td>
                        {campaign.external_id_label ? <td>{participant.participant_external_id}</td> : null}
                        {divisions.length || groups.length ? (
                          <td>{[participant.division, participant.group].filter(Boolean).join(" · ")}</td>
                        ) : null}
                        <td><StatusBadge status={participant.status} /></td>
                        <td>
                          <div class="progress-cell">
                            <ProgressBar value={participant.progress_rate}
                              label={t("orga.activity.progress_of", { name })} />
                            <span>{formatPercent(locale, participant.progress_rate)}</span>
                          </div>
                        </td>
                        <td>{formatDate(locale, participant.started_at)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </TableWrap>
            <Pagination data={page} onPage={(number) => setFilters((previous) => ({ ...previous, page: number }))} />
          </>
        ) : (
          <p class="empty">
            {filters.status || filters.division || filters.group || search
              ? t("orga.activity.none_matching") : t("orga.activity.none")}
          </p>
        )
      ) : participants.loading ? <Loading /> : null}
    </section>
  );
}
