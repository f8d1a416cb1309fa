// The link of a centre's invitation mail (/certif/rejoindre?invitationId=...&code=...): log in or create the
// account of the invited address, confirm the address (certification needs it: the page asks, and goes on by
// itself once the mail's link was followed, in this tab or another), accept, and into the centre once
// certification lists it among the account's centres.
import { useLocation } from "preact-iso";
import { useState } from "preact/hooks";

import { LogInOrSignUp, VerifyEmailNotice } from "../../common/account.jsx";
import { useI18n } from "../../common/i18n.js";
import { Button, ErrorNotice, Loading, Notice, PageTitle, usePolling } from "../../common/ui.jsx";
import { api, patiently } from "../api.js";
import { Bare } from "../components/Shell.jsx";
import { useCertif } from "../session.jsx";

async function centreListed(centerId, reload) {
  for (let attempt = 0; attempt < 30; attempt++) {
    const { centers } = await reload();
    if (centers.some((center) => center.id === centerId)) return true;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return false;
}

export function Join() {
  const { t } = useI18n();
  const { query, route } = useLocation();
  const { signedIn, me, reload, choose, logOut } = useCertif();
  const invitationId = query.invitationId || "";
  const code = query.code || "";
  const [state, setState] = useState({ busy: false, error: null, waiting: false });
  const unverified = Boolean(signedIn && me && !me.email_verified);
  // The address is confirmed from the mail, maybe in another tab: this page notices it by itself.
  usePolling(() => reload().catch(() => {}), 3000, unverified);

  async function accept() {
    setState({ busy: true, error: null, waiting: false });
    try {
      // certification may not have heard yet that identity verified the address: that refusal is retried.
      const { center_id: centerId } = await patiently(
        () => api.post(`/api/certification-center-invitations/${invitationId}/accept`, { code }));
      setState({ busy: true, error: null, waiting: true });
      if (!(await centreListed(centerId, reload))) throw new Error(t("certif.join.still_waiting"));
      choose(centerId);
      route("/certif/sessions");
    } catch (failure) {
      setState({ busy: false, error: failure, waiting: false });
    }
  }

  let body;
  if (!invitationId || !code) body = <Notice kind="error">{t("certif.join.bad_link")}</Notice>;
  else if (unverified) {
    body = (
      <>
        <p>{t("certif.join.signed_in_as", { name: `${me.first_name} ${me.last_name}`, email: me.email })}</p>
        <p>{t("certif.join.verify_first")}</p>
        <VerifyEmailNotice api={api} email={me.email} face="orga" onChecked={() => reload().catch(() => {})} />
        <div class="actions">
          <Button variant="secondary" onClick={() => logOut()}>{t("certif.join.other_account")}</Button>
        </div>
      </>
    );
  } else if (signedIn && me) {
    body = (
      <div class="card">
        <p>{t("certif.join.signed_in_as", { name: `${me.first_name} ${me.last_name}`, email: me.email })}</p>
        {state.error ? (
          <Notice kind="error">{state.error.code ? null : state.error.message}</Notice>
        ) : null}
        {state.error?.code ? <ErrorNotice error={state.error} /> : null}
        {state.waiting ? <p role="status">{t("certif.join.waiting")}</p> : null}
        <div class="actions">
          <Button busy={state.busy} onClick={accept}>{t("certif.join.accept")}</Button>
          <Button variant="secondary" onClick={() => logOut()}>{t("certif.join.other_account")}</Button>
        </div>
      </div>
    );
  } else if (signedIn) body = <Loading />;
  else {
    body = <LogInOrSignUp api={api} onDone={() => reload().catch(() => {})} />;
  }

  return (
    <Bare>
      <PageTitle>{t("certif.join.title")}</PageTitle>
      <p class="lead">{t("certif.join.intro")}</p>
      {body}
    </Bare>
  );
}
