// The link of an invitation e-mail: which organization invites whom, then log in or create an
// account, confirm the address (a membership needs it: the page asks, and goes on by itself once
// the mail's link was followed, in this tab or another), accept, and into the organization once
// identity knows of the new membership.
import { useLocation } from "preact-iso";
import { useEffect, useState } from "preact/hooks";

import { LogInOrSignUp, VerifyEmailNotice } from "../../common/account.jsx";
import { useI18n } from "../../common/i18n.js";
import {
  Button,
  ErrorNotice,
  Loading,
  Notice,
  PageTitle,
  useAsync,
  usePolling,
} from "../../common/ui.jsx";
import { api, markChange, patiently } from "../api.js";
import { Bare } from "../components/Shell.jsx";
import { forgetPendingJoin, rememberPendingJoin, useOrga } from "../session.jsx";

async function membershipIn(organizationId, reloadMe) {
  // The membership reaches identity by an event: a few seconds at most.
  for (let attempt = 0; attempt < 30; attempt++) {
    const user = await reloadMe();
    if (user.memberships.some((m) => m.organization_id === organizationId)) return user;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return null;
}

export function Join() {
  const { t } = useI18n();
  const { url, query, route } = useLocation();
  const { signedIn, me, reloadMe, choose, logOut } = useOrga();
  const invitationId = query.invitationId || "";
  const code = query.code || "";
  const summary = useAsync(
    () => (invitationId && code ? api.get(`/api/invitations/${invitationId}`, { code }) : Promise.resolve(null)),
    [invitationId, code],
  );
  const [state, setState] = useState({ busy: false, error: null, waiting: false });
  const unverified = Boolean(signedIn && me && !me.email_verified);
  useEffect(() => {
    if (invitationId && code) rememberPendingJoin(url);
  }, [invitationId, code, url]);
  // The address is confirmed from the mail, maybe in another tab: this page notices it by itself.
  usePolling(() => reloadMe().catch(() => {}), 3000, unverified);

  async function accept() {
    setState({ busy: true, error: null, waiting: false });
    try {
      // organizations may not have heard yet that identity verified the address: that refusal is retried.
      markChange();
      const { organization_id: organizationId } = await patiently(
        () => api.post(`/api/invitations/${invitationId}/accept`, { code }));
      forgetPendingJoin();
      markChange();
      setState({ busy: true, error: null, waiting: true });
      const user = await membershipIn(organizationId, reloadMe);
      if (!user) throw new Error(t("orga.join.still_waiting"));
      choose(organizationId);
      route("/orga/campagnes");
    } catch (failure) {
      setState({ busy: false, error: failure, waiting: false });
    }
  }

  const invitation = summary.data;
  let body;
  if (!invitationId || !code) body = <Notice kind="error">{t("orga.join.bad_link")}</Notice>;
  else if (summary.error) body = <ErrorNotice error={summary.error} />;
  else if (!invitation) body = <Loading />;
  else if (invitation.status.toUpperCase() !== "PENDING") {
    body = (
      <>
        <Notice kind="error">
          {t(`orga.join.status.${invitation.status.toUpperCase()}`, { name: invitation.organization_name })}
        </Notice>
        <p><a href="/orga/campagnes">{t("orga.join.go_to_orga")}</a></p>
      </>
    );
  } else if (unverified) {
    body = (
      <>
        <p>{t("orga.join.signed_in_as", { name: `${me.first_name} ${me.last_name}`, email: me.email })}</p>
        <p>{t("orga.join.verify_first")}</p>
        <VerifyEmailNotice api={api} email={me.email} face="orga" onChecked={() => reloadMe().catch(() => {})} />
        <div class="actions">
          <Button variant="secondary" onClick={() => logOut()}>{t("orga.join.other_account")}</Button>
        </div>
      </>
    );
  } else if (signedIn && me) {
    body = (
      <div class="card">
        <p>{t("orga.join.signed_in_as", { name: `${me.first_name} ${me.last_name}`, email: me.email })}</p>
        <ErrorNotice error={state.error} />
        {state.waiting ? <p role="status">{t("orga.join.waiting")}</p> : null}
        <div class="actions">
          <Button busy={state.busy} onClick={accept}>
            {t("orga.join.accept", { name: invitation.organization_name })}
          </Button>
          <Button variant="secondary" onClick={() => logOut()}>{t("orga.join.other_account")}</Button>
        </div>
      </div>
    );
  } else if (signedIn) body = <Loading />;
  else {
    body = <LogInOrSignUp api={api} email={invitation.email} onDone={() => reloadMe().catch(() => {})} />;
  }

  return (
    <Bare>
      <PageTitle>{t("orga.join.title")}</PageTitle>
      {invitation ? (
        <p class="lead">
          {t("orga.join.intro", { name: invitation.organization_name, role: t(`orga.role.${invitation.role}`),
            email: invitation.email })}
        </p>
      ) : null}
      {body}
    </Bare>
  );
}
