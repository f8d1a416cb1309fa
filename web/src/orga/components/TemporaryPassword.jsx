// Giving a pupil a temporary password (admins of a school, for the account linked to the pupil): many pupils sign
// in with a username and have no email to reset a forgotten password. identity draws it and answers it once; the
// pupil signs in with it and must then choose their own. Placed in the learner's account panel (LearnerAccount.jsx).
import { useState } from "preact/hooks";

import { useI18n } from "../../common/i18n.js";
import { Button, ErrorNotice, Notice } from "../../common/ui.jsx";
import { api } from "../api.js";
import { useOrga } from "../session.jsx";
import { ConfirmDialog } from "./ConfirmDialog.jsx";
import { CopyButton } from "./CopyButton.jsx";
import { fullName } from "./people.js";

export function TemporaryPassword({ organizationId, learner }) {
  const { t } = useI18n();
  const { current } = useOrga();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [given, setGiven] = useState(null);
  const [copied, setCopied] = useState(null);
  const name = fullName(learner);
  if (current.organization_type !== "SCO") return null;  // identity gives them in a school's list only

  async function give() {
    setBusy(true);
    setError(null);
    try {
      // Never sent again by itself: each answer is another password (identity keeps none to replay).
      setGiven(await api.post(
        `/api/organizations/${organizationId}/learners/${learner.learner_id}/temporary-password`));
      setCopied(null);
      setConfirming(false);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="temporary-password">
      {given ? (
        <div class="temporary-password__given" role="region"
          aria-label={t("orga.temporary_password.given_title", { name })}>
          <Notice kind="success">{t("orga.temporary_password.given_title", { name })}</Notice>
          <dl>
            {given.username ? (
              <><dt>{t("orga.temporary_password.username")}</dt><dd><code>{given.username}</code></dd></>
            ) : null}
            {given.email ? <><dt>{t("orga.temporary_password.email")}</dt><dd><code>{given.email}</code></dd></> : null}
            <dt>{t("orga.temporary_password.password")}</dt>
            <dd><code class="temporary-password__password">{given.password}</code>{" "}
              <CopyButton text={given.password} label={t("orga.temporary_password.copy")}
                done={t("orga.temporary_password.copied")} onResult={setCopied} />
            </dd>
          </dl>
          {copied ? <Notice kind={copied.kind}>{copied.text}</Notice> : null}
          <p>{t("orga.temporary_password.what_next")}</p>
          <p class="muted">{t("orga.temporary_password.shown_once")}</p>
          <Button variant="secondary" onClick={() => setGiven(null)}>{t("orga.temporary_password.hide")}</Button>
        </div>
      ) : (
        <Button variant="secondary" onClick={() => {
          setError(null);
          setConfirming(true);
        }}>
          {t("orga.temporary_password.give")}<span class="visually-hidden"> {name}</span>
        </Button>
      )}
      <ConfirmDialog open={confirming} busy={busy} title={t("orga.temporary_password.confirm_title", { name })}
        confirmLabel={t("orga.temporary_password.confirm")} onConfirm={give} onCancel={() => setConfirming(false)}>
        <p>{t("orga.temporary_password.confirm_text", { name })}</p>
        <ErrorNotice error={error} />
      </ConfirmDialog>
    </div>
  );
}
