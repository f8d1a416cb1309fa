// A learner's account (admins of an organization that manages its list): which account is linked
// to the learner now and since when, every earlier link, and unlinking it. Anyone who knows a
// pupil's names and birth date can link their account to the pupil, so the school sees who did
// and may take the account off; the participations already made stay the pupil's. A school's
// import also links a pupil who came from another school to the account they had there.
// How the linked account signs in (email, username, the GAR) is said too: a pupil who forgot how is told.
// Read from organizations, which owns the links (the list itself is reporting's read model).
import { useState } from "preact/hooks";

import { formatDate, useI18n } from "../../common/i18n.js";
import { Button, ErrorNotice, Loading, Notice, useAsync } from "../../common/ui.jsx";
import { api } from "../api.js";
import { ConfirmDialog } from "./ConfirmDialog.jsx";
import { fullName } from "./people.js";
import { TemporaryPassword } from "./TemporaryPassword.jsx";

const WHEN = { dateStyle: "medium", timeStyle: "short" };

export function accountLabel(account) {
  if (!account) return "";
  const name = fullName(account);
  if (name && account.email) return `${name} (${account.email})`;
  return name || account.email || account.id;
}

function Period({ period }) {
  const { t, locale } = useI18n();
  const account = accountLabel(period.account);
  return (
    <li>
      {!period.linked_at
        ? t("orga.account.period_linked_undated", { account })
        : t(period.link_method === "IMPORT" ? "orga.account.period_linked_by_import" : "orga.account.period_linked", {
          account, date: formatDate(locale, period.linked_at, WHEN), by: accountLabel(period.linked_by),
        })}
      {" · "}
      {period.unlinked_at
        ? t("orga.account.period_unlinked", {
          date: formatDate(locale, period.unlinked_at, WHEN), by: accountLabel(period.unlinked_by),
        })
        : <strong>{t("orga.account.period_current")}</strong>}
    </li>
  );
}

export function LearnerAccount({ organizationId, learner, id, onUnlinked }) {
  const { t, locale } = useI18n();
  const url = `/api/organizations/${organizationId}/learners/${learner.learner_id}/account-link`;
  const { data, error, reload } = useAsync(() => api.get(url), [url]);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [dialogError, setDialogError] = useState(null);
  const [done, setDone] = useState(null);
  const name = fullName(learner);
  // The link held now (an import may have made it: a pupil who came from another school keeps their account).
  const current = data?.history.find((period) => !period.unlinked_at);

  async function unlink() {
    setBusy(true);
    setDialogError(null);
    try {
      await api.del(url);
      setDone(t("orga.account.unlinked", { account: accountLabel(data.account), name }));
      setConfirming(false);
      reload();
      onUnlinked(learner);
    } catch (failure) {
      setDialogError(failure);
      reload();
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="learner-account" id={id} aria-label={t("orga.account.title", { name })}>
      {done ? <Notice kind="success">{done}</Notice> : null}
      <ErrorNotice error={error} />
      {!data ? (error ? null : <Loading />) : (
        <>
          {data.linked ? (
            <div class="learner-account__current">
              <p>
                {data.linked_at
                  ? t(current?.link_method === "IMPORT" ? "orga.account.linked_by_import" : "orga.account.linked", {
                    account: accountLabel(data.account), date: formatDate(locale, data.linked_at, WHEN),
                    by: accountLabel(current?.linked_by),
                  })
                  : t("orga.account.linked_undated", { account: accountLabel(data.account) })}
              </p>
              {data.sign_in_methods.length ? (
                <p class="learner-account__methods">
                  {t("orga.account.sign_in_methods", {
                    methods: data.sign_in_methods.map((method) => t(`orga.account.method.${method}`, {
                      username: data.username || "", email: data.account?.email || "",
                    })).join(" · "),
                  })}
                </p>
              ) : null}
              <Button variant="danger" onClick={() => {
                setDialogError(null);
                setConfirming(true);
              }}>
                {t("orga.account.unlink")}<span class="visually-hidden"> {name}</span>
              </Button>
              <TemporaryPassword organizationId={organizationId} learner={learner} />
            </div>
          ) : <p>{t("orga.account.not_linked")}</p>}
          <h3>{t("orga.account.history")}</h3>
          {data.history.length ? (
            <ul class="learner-account__history">
              {data.history.map((period, index) => <Period key={index} period={period} />)}
            </ul>
          ) : <p class="muted">{t("orga.account.history_empty")}</p>}
          <ConfirmDialog open={confirming} busy={busy} title={t("orga.account.unlink_title", { name })}
            confirmLabel={t("orga.account.unlink_confirm")} onConfirm={unlink} onCancel={() => setConfirming(false)}>
            <p>{t("orga.account.unlink_text", { account: accountLabel(data.account), name })}</p>
            <ErrorNotice error={dialogError} />
          </ConfirmDialog>
        </>
      )}
    </section>
  );
}
