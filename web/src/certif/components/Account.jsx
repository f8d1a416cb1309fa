// Pages that need an account but no centre: the invigilator's (anyone given the session's invigilator
// password) and the platform admins' review of sessions. Without a session: to the log-in page, then back.
// The plain frame, with who is signed in, log out and, for admins, their navigation.
import { useLocation } from "preact-iso";
import { useEffect } from "preact/hooks";

import { useI18n } from "../../common/i18n.js";
import { Button, ErrorNotice, Loading, PageTitle } from "../../common/ui.jsx";
import { isPlatformAdmin, useCertif } from "../session.jsx";
import { loginUrl } from "./Protected.jsx";
import { Bare } from "./Shell.jsx";

function Aside({ admin }) {
  const { t } = useI18n();
  const { me, logOut } = useCertif();
  const { route, path } = useLocation();
  if (!me) return null;
  return (
    <>
      {admin ? (
        <nav aria-label={t("certif.admin.nav")}>
          <ul>
            <li>
              <a href="/certif/admin/sessions" aria-current={path === "/certif/admin/sessions" ? "page" : undefined}>
                {t("certif.admin.nav_sessions")}
              </a>
            </li>
          </ul>
        </nav>
      ) : null}
      <span class="orga-header__user">
        <span class="visually-hidden">{t("certif.header.signed_in_as")} </span>
        {me.first_name} {me.last_name}
      </span>
      <button type="button" class="link-button" onClick={async () => {
        await logOut();
        route("/certif/connexion");
      }}>
        {t("common.log_out")}
      </button>
    </>
  );
}

export function AccountShell({ admin = false, narrow = false, children }) {
  return <Bare narrow={narrow} aside={<Aside admin={admin} />}>{children}</Bare>;
}

export function SignedIn({ page: Page, admin = false, narrow = false, ...props }) {
  const { t } = useI18n();
  const { signedIn, me, loadError, reload } = useCertif();
  const { url, route } = useLocation();
  useEffect(() => {
    if (!signedIn) route(loginUrl(url), true);
  }, [signedIn, url]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!signedIn) return null;
  if (!me) {
    return (
      <AccountShell narrow>
        {loadError ? (
          <>
            <ErrorNotice error={loadError} />
            <Button onClick={() => reload().catch(() => {})}>{t("certif.retry")}</Button>
          </>
        ) : <Loading />}
      </AccountShell>
    );
  }
  if (admin && !isPlatformAdmin(me)) {
    return (
      <AccountShell narrow>
        <PageTitle>{t("certif.admin.only_title")}</PageTitle>
        <p>{t("certif.admin.only_text")}</p>
      </AccountShell>
    );
  }
  return (
    <AccountShell admin={admin} narrow={narrow}>
      <Page {...props} />
    </AccountShell>
  );
}

export function signedIn(page, options = {}) {
  return (props) => <SignedIn page={page} {...options} {...props} />;
}
