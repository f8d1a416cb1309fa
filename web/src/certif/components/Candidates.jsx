// A session's candidates, by name: birth date, external id (PRO and SUP centres), extra time, whether
// they joined with their account. One who has not started can be removed.
import { useState } from "preact/hooks";

import { useI18n } from "../../common/i18n.js";
import { ErrorNotice } from "../../common/ui.jsx";
import { TableWrap } from "../../orga/components/TableWrap.jsx";
import { api } from "../api.js";
import { birthDay } from "../format.js";

export function Candidates({ items, school, editable, onChanged }) {
  const { t, locale } = useI18n();
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(null);
  if (!items.length) return <p class="empty">{t("certif.candidates.empty")}</p>;
  async function remove(candidate) {
    const name = `${candidate.first_name} ${candidate.last_name}`;
    if (!window.confirm(t("certif.candidates.remove_confirm", { name }))) return;
    setBusy(candidate.id);
    setError(null);
    try {
      await api.del(`/api/certification-candidates/${candidate.id}`);
      onChanged();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  }
  return (
    <>
      <ErrorNotice error={error} />
      <TableWrap label={t("certif.candidates.table")}>
        <table class="table">
          <caption class="visually-hidden">{t("certif.candidates.table")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("certif.candidate.last_name")}</th>
              <th scope="col">{t("certif.candidate.first_name")}</th>
              <th scope="col">{t("certif.candidate.birthdate")}</th>
              {school ? null : <th scope="col">{t("certif.candidate.external_id")}</th>}
              <th scope="col">{t("certif.candidate.extra_time")}</th>
              <th scope="col">{t("certif.candidates.joined")}</th>
              {editable ? <th scope="col"><span class="visually-hidden">{t("certif.candidates.actions")}</span></th> : null}
            </tr>
          </thead>
          <tbody>
            {items.map((candidate) => (
              <tr key={candidate.id}>
                <th scope="row">{candidate.last_name}</th>
                <td>{candidate.first_name}</td>
                <td class="nowrap">{birthDay(locale, candidate.birthdate)}</td>
                {school ? null : <td>{candidate.external_id || "—"}</td>}
                <td>{candidate.extra_time_percentage ? `${candidate.extra_time_percentage} %` : "—"}</td>
                <td>{candidate.started_at ? t("certif.candidates.started") : candidate.joined ? t("certif.yes") : t("certif.no")}</td>
                {editable ? (
                  <td>
                    {candidate.started_at ? null : (
                      <button type="button" class="link-button link-button--danger" disabled={busy === candidate.id}
                        onClick={() => remove(candidate)}>
                        {t("certif.candidates.remove")}
                        <span class="visually-hidden"> {candidate.first_name} {candidate.last_name}</span>
                      </button>
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </>
  );
}
