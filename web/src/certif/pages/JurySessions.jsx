// Platform admins: the sessions their centres finalized, to review and publish (oldest finalization first),
// filtered by status; each opens its jury page.
import { useState } from "preact/hooks";

import { formatDate, useI18n } from "../../common/i18n.js";
import { ErrorNotice, Field, Loading, PageTitle, useAsync } from "../../common/ui.jsx";
import { Pagination } from "../../orga/components/Pagination.jsx";
import { TableWrap } from "../../orga/components/TableWrap.jsx";
import { api } from "../api.js";
import { sessionDay } from "../format.js";
import { SessionStatus } from "./Sessions.jsx";

const STATUSES = ["FINALIZED", "IN_PROCESS", "PUBLISHED"];

export function JurySessions() {
  const { t, locale } = useI18n();
  const [status, setStatus] = useState("");
  const [page, setPage] = useState(1);
  const { data, error, loading } = useAsync(
    () => api.get("/api/admin/certification-sessions", { status, page, page_size: 20 }), [status, page]);
  return (
    <>
      <PageTitle>{t("certif.jury.list_title")}</PageTitle>
      <p class="lead">{t("certif.jury.list_intro")}</p>
      <div class="filters">
        <Field label={t("certif.jury.filter_status")}>
          {(props) => (
            <select {...props} value={status} onChange={(e) => {
              setStatus(e.currentTarget.value);
              setPage(1);
            }}>
              <option value="">{t("certif.jury.all_statuses")}</option>
              {STATUSES.map((s) => <option key={s} value={s}>{t(`certif.status.${s}`)}</option>)}
            </select>
          )}
        </Field>
      </div>
      <ErrorNotice error={error} />
      {loading && !data ? <Loading /> : null}
      {data && data.total === 0 ? <p class="empty">{t("certif.jury.empty")}</p> : null}
      {data && data.total > 0 ? (
        <>
          <p class="muted" aria-live="polite">{t("certif.sessions.count", { count: data.total })}</p>
          <TableWrap label={t("certif.jury.table")}>
            <table class="table table--rows">
              <caption class="visually-hidden">{t("certif.jury.table")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("certif.session.number")}</th>
                  <th scope="col">{t("certif.session.date")}</th>
                  <th scope="col">{t("certif.jury.finalized_at")}</th>
                  <th scope="col">{t("certif.session.candidates")}</th>
                  <th scope="col">{t("certif.session.status")}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((session) => (
                  <tr key={session.id}>
                    <th scope="row">
                      <a href={`/certif/admin/sessions/${session.id}`}
                        aria-label={t("certif.jury.open", { number: session.number })}>
                        {session.number}
                      </a>
                    </th>
                    <td class="nowrap">{sessionDay(locale, session.date)}</td>
                    <td class="nowrap">{formatDate(locale, session.finalized_at, { dateStyle: "medium", timeStyle: "short" })}</td>
                    <td>{session.started_count} / {session.candidates_count}</td>
                    <td><SessionStatus status={session.status} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <Pagination data={data} onPage={setPage} label={t("certif.jury.pages")} />
        </>
      ) : null}
    </>
  );
}
