// The centre's sessions, latest date first: number, date, time, room, status and candidates; each opens
// its page. A school without its kind set cannot schedule yet: the API says so when it tries.
import { useState } from "preact/hooks";

import { useI18n } from "../../common/i18n.js";
import { ErrorNotice, Loading, PageTitle, useAsync } from "../../common/ui.jsx";
import { Pagination } from "../../orga/components/Pagination.jsx";
import { TableWrap } from "../../orga/components/TableWrap.jsx";
import { api, patiently } from "../api.js";
import { sessionDay } from "../format.js";
import { useCertif } from "../session.jsx";

export function SessionStatus({ status }) {
  const { t } = useI18n();
  return <span class={`badge badge--status-${status.toLowerCase()}`}>{t(`certif.status.${status}`)}</span>;
}

export function Sessions() {
  const { t, locale } = useI18n();
  const { centerId, current } = useCertif();
  const [page, setPage] = useState(1);
  const { data, error, loading } = useAsync(
    () => patiently(() => api.get(`/api/certification-centers/${centerId}/sessions`, { page, page_size: 20 })),
    [centerId, page],
  );
  return (
    <>
      <div class="page-head">
        <PageTitle>{t("certif.sessions.title")}</PageTitle>
        <a class="button button--primary" href="/certif/sessions/creation">{t("certif.sessions.create")}</a>
      </div>
      {current.type === "SCO" ? <p class="muted">{t("certif.sessions.school_hint")}</p> : null}
      <ErrorNotice error={error} />
      {loading && !data ? <Loading /> : null}
      {data && data.total === 0 ? <p class="empty">{t("certif.sessions.empty")}</p> : null}
      {data && data.total > 0 ? (
        <>
          <p class="muted" aria-live="polite">{t("certif.sessions.count", { count: data.total })}</p>
          <TableWrap label={t("certif.sessions.table")}>
            <table class="table table--rows">
              <caption class="visually-hidden">{t("certif.sessions.table")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("certif.session.number")}</th>
                  <th scope="col">{t("certif.session.date")}</th>
                  <th scope="col">{t("certif.session.time")}</th>
                  <th scope="col">{t("certif.session.room")}</th>
                  <th scope="col">{t("certif.session.examiner")}</th>
                  <th scope="col">{t("certif.session.candidates")}</th>
                  <th scope="col">{t("certif.session.status")}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((session) => (
                  <tr key={session.id}>
                    <th scope="row">
                      <a href={`/certif/sessions/${session.id}`}
                        aria-label={t("certif.sessions.open", { number: session.number })}>
                        {session.number}
                      </a>
                    </th>
                    <td class="nowrap">{sessionDay(locale, session.date)}</td>
                    <td>{session.time}</td>
                    <td>{session.room}</td>
                    <td>{session.examiner}</td>
                    <td>{session.candidates_count}</td>
                    <td><SessionStatus status={session.status} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <Pagination data={data} onPage={setPage} label={t("certif.sessions.pages")} />
        </>
      ) : null}
    </>
  );
}
