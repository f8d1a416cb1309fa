// The frame of every Certif page: the centre's name (with the way to another centre when there are
// several), the navigation, who is signed in, log out and the language. Orga's look, shared classes.
import { useLocation } from "preact-iso";

import { useI18n } from "../../common/i18n.js";
import { BareShell, DashboardShell, NavLink } from "../../common/shell.jsx";
import { useCertif } from "../session.jsx";

// The plain frame (log-in, invitations...): the common one, with this face's brand and home.
export function Bare(props) {
  const { t } = useI18n();
  return <BareShell brand={t("certif.brand")} home="/certif/sessions" {...props} />;
}

export function Shell({ children }) {
  const { t } = useI18n();
  const { me, current, centers, logOut } = useCertif();
  const { route } = useLocation();
  const place = (
    <>
      <span class="orga-header__organization">
        {current.name}
        <span class="badge badge--soft badge--after">{t(`certif.center_type.${current.type}`)}</span>
      </span>
      {centers.length > 1 ? <a href="/certif/centres">{t("certif.header.switch")}</a> : null}
    </>
  );
  return (
    <DashboardShell brand={t("certif.brand")} home="/certif/sessions" place={place} me={me}
      signedInLabel={t("certif.header.signed_in_as")} navLabel={t("certif.nav.label")}
      onLogOut={async () => {
        await logOut();
        route("/certif/connexion");
      }}
      nav={<NavLink href="/certif/sessions">{t("certif.nav.sessions")}</NavLink>}>
      {children}
    </DashboardShell>
  );
}
