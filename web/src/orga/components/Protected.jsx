// A page for signed-in members only. Without a session: to the log-in page, then back here.
// Without any organization: said plainly. Orga terms not accepted yet: the terms page first.
import { useLocation } from "preact-iso";
import { useEffect } from "preact/hooks";

import { VerifyEmailNotice } from "../../common/account.jsx";
import { useI18n } from "../../common/i18n.js";
import { Button, ErrorNotice, Loading, PageTitle } from "../../common/ui.jsx";
import { api } from "../api.js";
import { useOrga } from "../session.jsx";
import { LogOutButton } from "./LogOutButton.jsx";
import { Bare, Shell } from "./Shell.jsx";

export function loginUrl(url) {
  return `/orga/connexion?next=${encodeURIComponent(url)}`;
}

// Signed in, member of nothing: what to do, and first of all, confirming the address if it is not.
function NoMembership() {
  const { t } = useI18n();
  const { me, reloadMe } = useOrga();
  return (
    <Bare>
      <PageTitle>{t("orga.no_membership.title")}</PageTitle>
      <p>{t("orga.no_membership.text", { email: me.email })}</p>
      {me.email_verified ? null : (
        <VerifyEmailNotice api={api} email={me.email} face="orga" onChecked={() => reloadMe().catch(() => {})} />
      )}
      <p>{t("orga.no_membership.hint")}</p>
      <LogOutButton />
    </Bare>
  );
}

export function Protected({ page: Page, adminOnly = false, ...props }) {
  const { t } = useI18n();
  const { signedIn, me, meError, reloadMe, memberships, isAdmin } = useOrga();
  const { url, route } = useLocation();
  const needsTerms = Boolean(me && memberships.length && !me.orga_terms_accepted);

  useEffect(() => {
    if (!signedIn) route(loginUrl(url), true);
    else if (needsTerms) route(`/orga/cgu?next=${encodeURIComponent(url)}`, true);
  }, [signedIn, needsTerms, url, route]);

  if (!signedIn || needsTerms) return null;
  if (!me) {
    return (
      <Bare>
        {meError ? (
          <>
            <ErrorNotice error={meError} />
            <Button onClick={() => reloadMe().catch(() => {})}>{t("orga.retry")}</Button>
          </>
        ) : (
          <Loading />
        )}
      </Bare>
    );
  }
  if (!memberships.length) return <NoMembership />;
  return (
    <Shell>
      {adminOnly && !isAdmin ? (
        <>
          <PageTitle>{t("orga.admin_only.title")}</PageTitle>
          <p>{t("orga.admin_only.text")}</p>
        </>
      ) : (
        <Page {...props} />
      )}
    </Shell>
  );
}

export function protect(page, options = {}) {
  return (props) => <Protected page={page} {...options} {...props} />;
}
