// The organization's learners (imported, or who joined its campaigns): class or group, campaigns
// joined, last participation, certifiable, and for a school their certification and how their account
// signs in; and, for admins of an organization that manages its list, the import of the list and each
// learner's account (linked since when, its history, unlinking).
import { useState } from "preact/hooks";

import { formatDate, formatNumber, useI18n } from "../../common/i18n.js";
import { ErrorNotice, Field, Loading, PageTitle, useAsync } from "../../common/ui.jsx";
import { api, patiently } from "../api.js";
import { useDebounced, useQueryState } from "../components/hooks.js";
import { LearnerAccount } from "../components/LearnerAccount.jsx";
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

// A pupil's latest published certification, as reporting has it from certification (a school's list only).
function LatestCertification({ learner }) {
  const { t, locale } = useI18n();
  if (!learner.certification_status) return <span class="muted">—</span>;
  const validated = learner.certification_status === "validated";
  return (
    <span class="learner-certification">
      <span class={`badge${validated ? " badge--success" : ""}`}>
        {t(`orga.learners.certification_status.${learner.certification_status}`)}
      </span>
      {validated && learner.certification_score !== null ? ` ${t("orga.learners.certification_score", {
        score: formatNumber(locale, learner.certification_score) })}` : ""}
      {learner.certification_date ? ` · ${formatDate(locale, `${learner.certification_date}T00:00:00Z`,
        { dateStyle: "short", timeZone: "UTC" })}` : ""}
    </span>
  );
}

// Whether a learner of the list is linked to an account, and since when, as the list says. reporting
// learns of an unlink a moment after it is made: the page remembers the links it took off itself
// (the account and its date), so that the row does not show one of them as linked meanwhile.
const linkKey = (learner) => `${learner.learner_id}/${learner.user_id}/${learner.linked_at}`;

function AccountStatus({ learner, unlinked }) {
  const { t, locale } = useI18n();
  if (!learner.user_id || unlinked.has(linkKey(learner))) {
    return <span class="muted">{t("orga.learners.account_not_linked")}</span>;
  }
  return (
    <span class="badge badge--success">
      {learner.linked_at ? t("orga.learners.account_linked_since", { date: formatDate(locale, learner.linked_at) })
        : t("orga.learners.account_linked")}
    </span>
  );
}

// How the pupil's account signs in (an email address, a username, the ENT through the GAR; several at once are
// possible), as reporting has it from identity: nothing for a learner without an account.
function SignInMethods({ learner, unlinked }) {
  const { t } = useI18n();
  if (!learner.user_id || unlinked.has(linkKey(learner)) || !learner.sign_in_methods?.length) return null;
  return (
    <ul class="sign-in-methods">
      {learner.sign_in_methods.map((method) => (
        <li key={method}>{t(`orga.learners.sign_in_method.${method}`, { username: learner.username })}</li>
      ))}
    </ul>
  );
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
  const showAccounts = canImport;
  const [opened, setOpened] = useState(null);
  const [unlinked, setUnlinked] = useState(() => new Set());
  const showCertification = type === "SCO";
  // How each pupil signs in: with the account's link for the admins (one column: the list fits a laptop's width),
  // in a column of its own for the other members of a school.
  const signInInAccount = showAccounts && type === "SCO";
  const showSignIn = type === "SCO" && !signInInAccount;
  const columns = 5 + (type === "PRO" ? 0 : 1) + (type === "SUP" ? 1 : 0) + (showCertification ? 1 : 0)
    + (showSignIn ? 1 : 0) + (showAccounts ? 1 : 0);
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
                <table class="learners-table">
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
                      {showCertification ? <th scope="col">{t("orga.learners.certification")}</th> : null}
                      {showSignIn ? <th scope="col">{t("orga.learners.sign_in")}</th> : null}
                      {showAccounts ? (
                        <th scope="col">{t(signInInAccount ? "orga.learners.account_sign_in" : "orga.learners.account")}</th>
                      ) : null}
                    </tr>
                  </thead>
                  <tbody>
                    {data.items.map((learner, index) => {
                      const open = showAccounts && learner.learner_id && opened === learner.learner_id;
                      const panel = `learner-account-${learner.learner_id}`;
                      return [
                        <tr key={learner.learner_id || learner.user_id || index}>
                          <td>{learner.last_name}</td>
                          <td>{learner.first_name}</td>
                          {type === "PRO" ? null : <td>{(type === "SUP" ? learner.group : learner.division) || "—"}</td>}
                          {type === "SUP" ? <td>{learner.student_number || "—"}</td> : null}
                          <td class="number">{formatNumber(locale, learner.campaigns_count)}</td>
                          <td>{learner.last_participation_at ? formatDate(locale, learner.last_participation_at) : "—"}</td>
                          <td><Certifiable learner={learner} /></td>
                          {showCertification ? <td><LatestCertification learner={learner} /></td> : null}
                          {showSignIn ? <td><SignInMethods learner={learner} unlinked={unlinked} /></td> : null}
                          {showAccounts ? (
                            <td>
                              {learner.learner_id ? (
                                <span class="learner-account-cell">
                                  <AccountStatus learner={learner} unlinked={unlinked} />
                                  <button type="button" class="link-button" aria-expanded={open ? "true" : "false"}
                                    aria-controls={open ? panel : undefined}
                                    onClick={() => setOpened(open ? null : learner.learner_id)}>
                                    {t("orga.learners.account_details")}
                                    <span class="visually-hidden"> {learner.first_name} {learner.last_name}</span>
                                  </button>
                                </span>
                              ) : <span class="muted">—</span>}
                              {signInInAccount ? <SignInMethods learner={learner} unlinked={unlinked} /> : null}
                            </td>
                          ) : null}
                        </tr>,
                        open ? (
                          <tr key={`${learner.learner_id}-account`} class="learner-account-row">
                            <td colSpan={columns}>
                              <LearnerAccount organizationId={organizationId} learner={learner} id={panel}
                                onUnlinked={() => setUnlinked(new Set([...unlinked, linkKey(learner)]))} />
                            </td>
                          </tr>
                        ) : null,
                      ];
                    })}
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
