// The team (admins): roles, removal, invitations by e-mail, and the invitations still pending.
import { useState } from "preact/hooks";

import { errorMessage, formatDate, useI18n } from "../../common/i18n.js";
import { Button, ErrorNotice, Field, Loading, Notice, PageTitle, useAsync } from "../../common/ui.jsx";
import { api, patiently } from "../api.js";
import { ConfirmDialog } from "../components/ConfirmDialog.jsx";
import { fullName } from "../components/people.js";
import { useOrga } from "../session.jsx";
import { TableWrap } from "../components/TableWrap.jsx";

const ROLES = ["ADMIN", "MEMBER"];

function Members({ organizationId, onMessage }) {
  const { t, locale } = useI18n();
  const { me, reloadMe } = useOrga();
  const { data, error, reload } = useAsync(
    () => patiently(() => api.get(`/api/organizations/${organizationId}/members`, { page_size: 100 })),
    [organizationId],
  );
  const [removing, setRemoving] = useState(null);
  const [busy, setBusy] = useState(false);
  const [dialogError, setDialogError] = useState(null);

  async function changeRole(member, role) {
    onMessage(null);
    try {
      await api.patch(`/api/organizations/${organizationId}/members/${member.user_id}`, { role });
      onMessage({ kind: "success", text: t("orga.team.role_changed", { name: fullName(member), role: t(`orga.role.${role}`) }) });
      // My own role changed: the menu (Team for admins) follows once identity has heard of it.
      if (member.user_id === me.id) setTimeout(() => reloadMe().catch(() => {}), 1500);
    } catch (failure) {
      onMessage({ kind: "error", text: errorMessage(t, failure) });
    }
    reload();
  }

  async function remove() {
    setBusy(true);
    setDialogError(null);
    try {
      await api.del(`/api/organizations/${organizationId}/members/${removing.user_id}`);
      onMessage({ kind: "success", text: t("orga.team.removed", { name: fullName(removing) }) });
      setRemoving(null);
      if (removing.user_id === me.id) setTimeout(() => reloadMe().catch(() => {}), 1500);
      else reload();
    } catch (failure) {
      setDialogError(failure);
    } finally {
      setBusy(false);
    }
  }

  if (!data) return error ? <ErrorNotice error={error} /> : <Loading />;
  return (
    <section aria-labelledby="members-title">
      <h2 id="members-title">{t("orga.team.members_title", { count: data.total })}</h2>
      <TableWrap label={t("orga.team.title")}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t("orga.team.name")}</th>
              <th scope="col">{t("common.email")}</th>
              <th scope="col">{t("orga.team.role")}</th>
              <th scope="col">{t("orga.team.joined")}</th>
              <th scope="col"><span class="visually-hidden">{t("orga.team.actions")}</span></th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((member) => {
              const name = fullName(member) || member.email;
              const self = member.user_id === me.id;
              return (
                <tr key={member.user_id}>
                  <td>{name}{self ? <span class="badge badge--soft badge--after">{t("orga.team.you")}</span> : null}</td>
                  <td>{member.email}</td>
                  <td>
                    <label class="visually-hidden" for={`role-${member.user_id}`}>
                      {t("orga.team.role_of", { name })}
                    </label>
                    <select id={`role-${member.user_id}`} value={member.role}
                      onChange={(event) => changeRole(member, event.currentTarget.value)}>
                      {ROLES.map((role) => <option key={role} value={role}>{t(`orga.role.${role}`)}</option>)}
                    </select>
                  </td>
                  <td>{formatDate(locale, member.joined_at)}</td>
                  <td>
                    <button type="button" class="link-button link-button--danger"
                      onClick={() => {
                        setDialogError(null);
                        setRemoving(member);
                      }}>
                      {t("orga.team.remove")}<span class="visually-hidden"> {name}</span>
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableWrap>
      <ConfirmDialog open={Boolean(removing)} busy={busy} title={t("orga.team.remove_title")}
        confirmLabel={t("orga.team.remove_confirm")} onConfirm={remove} onCancel={() => setRemoving(null)}>
        <p>{removing ? t("orga.team.remove_text", { name: fullName(removing) || removing.email }) : null}</p>
        <ErrorNotice error={dialogError} />
      </ConfirmDialog>
    </section>
  );
}

export function splitEmails(text) {
  return [...new Set(text.split(/[\s,;]+/).map((email) => email.trim()).filter(Boolean))];
}

function InviteForm({ organizationId, onInvited }) {
  const { t, locale } = useI18n();
  const [emails, setEmails] = useState("");
  const [role, setRole] = useState("MEMBER");
  const [error, setError] = useState(null);
  const [results, setResults] = useState(null);
  const [busy, setBusy] = useState(false);
  const [missing, setMissing] = useState(false);

  async function submit(event) {
    event.preventDefault();
    const list = splitEmails(emails);
    setMissing(!list.length);
    setResults(null);
    setError(null);
    if (!list.length) return;
    setBusy(true);
    try {
      const answer = await api.post(`/api/organizations/${organizationId}/invitations`, { emails: list, role, locale });
      setResults(answer.results);
      setEmails("");
      onInvited();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="form card" onSubmit={submit} noValidate aria-labelledby="invite-title">
      <h2 id="invite-title">{t("orga.team.invite_title")}</h2>
      <ErrorNotice error={error} />
      <Field label={t("orga.team.emails")} hint={t("orga.team.emails_hint")} required
        error={missing ? t("orga.team.emails_missing") : null}>
        {(props) => (
          <textarea {...props} name="emails" rows={3} value={emails}
            onInput={(event) => setEmails(event.currentTarget.value)} />
        )}
      </Field>
      <Field label={t("orga.team.role")}>
        {(props) => (
          <select {...props} value={role} onChange={(event) => setRole(event.currentTarget.value)}>
            {ROLES.map((value) => <option key={value} value={value}>{t(`orga.role.${value}`)}</option>)}
          </select>
        )}
      </Field>
      <div class="actions">
        <Button type="submit" busy={busy}>{t("orga.team.invite")}</Button>
      </div>
      <div role="status">
        {results ? (
          <ul class="outcomes">
            {results.map((result) => (
              <li key={result.email}>{t(`orga.team.outcome.${result.outcome}`, { email: result.email })}</li>
            ))}
          </ul>
        ) : null}
      </div>
    </form>
  );
}

function Invitations({ organizationId, version, onMessage }) {
  const { t, locale } = useI18n();
  const { data, error, reload } = useAsync(
    () => patiently(() => api.get(`/api/organizations/${organizationId}/invitations`)),
    [organizationId, version],
  );
  const [cancelling, setCancelling] = useState(null);
  const [busy, setBusy] = useState(null);

  async function act(invitation, action) {
    setBusy(`${action}-${invitation.id}`);
    onMessage(null);
    try {
      if (action === "resend") {
        await api.post(`/api/organizations/${organizationId}/invitations/${invitation.id}/resend`);
        onMessage({ kind: "success", text: t("orga.team.resent", { email: invitation.email }) });
      } else {
        await api.del(`/api/organizations/${organizationId}/invitations/${invitation.id}`);
        onMessage({ kind: "success", text: t("orga.team.cancelled", { email: invitation.email }) });
        setCancelling(null);
      }
      reload();
    } catch (failure) {
      setCancelling(null);
      onMessage({ kind: "error", text: errorMessage(t, failure) });
    } finally {
      setBusy(null);
    }
  }

  return (
    <section aria-labelledby="invitations-title">
      <h2 id="invitations-title">{t("orga.team.invitations_title")}</h2>
      <ErrorNotice error={error} />
      {data ? (
        data.items.length ? (
          <TableWrap label={t("orga.team.invitations_title")}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("common.email")}</th>
                  <th scope="col">{t("orga.team.role")}</th>
                  <th scope="col">{t("orga.team.last_sent")}</th>
                  <th scope="col"><span class="visually-hidden">{t("orga.team.actions")}</span></th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((invitation) => (
                  <tr key={invitation.id}>
                    <td>{invitation.email}</td>
                    <td>{t(`orga.role.${invitation.role}`)}</td>
                    <td>
                      {formatDate(locale, invitation.last_sent_at, { dateStyle: "medium", timeStyle: "short" })}
                      <span class="muted"> · {t("orga.team.sent_count", { count: invitation.sent_count })}</span>
                    </td>
                    <td class="row-actions">
                      <Button variant="secondary" busy={busy === `resend-${invitation.id}`}
                        onClick={() => act(invitation, "resend")}>
                        {t("orga.team.resend")}<span class="visually-hidden"> {invitation.email}</span>
                      </Button>
                      <Button variant="danger" onClick={() => setCancelling(invitation)}>
                        {t("orga.team.cancel_invitation")}<span class="visually-hidden"> {invitation.email}</span>
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        ) : <p class="empty">{t("orga.team.no_invitations")}</p>
      ) : null}
      <ConfirmDialog open={Boolean(cancelling)} busy={Boolean(busy)} title={t("orga.team.cancel_title")}
        confirmLabel={t("orga.team.cancel_confirm")} onConfirm={() => act(cancelling, "cancel")}
        onCancel={() => setCancelling(null)}>
        <p>{cancelling ? t("orga.team.cancel_text", { email: cancelling.email }) : null}</p>
      </ConfirmDialog>
    </section>
  );
}

export function Team() {
  const { t } = useI18n();
  const { organizationId } = useOrga();
  const [message, setMessage] = useState(null);
  const [version, setVersion] = useState(0);
  return (
    <>
      <PageTitle>{t("orga.team.title")}</PageTitle>
      <div role="status">
        {message?.kind === "success" ? <p class="notice notice--success">{message.text}</p> : null}
      </div>
      {message?.kind === "error" ? <Notice kind="error">{message.text}</Notice> : null}
      <Members organizationId={organizationId} onMessage={setMessage} />
      <InviteForm organizationId={organizationId} onInvited={() => setVersion((v) => v + 1)} />
      <Invitations organizationId={organizationId} version={version} onMessage={setMessage} />
    </>
  );
}
