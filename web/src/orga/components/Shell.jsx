// The frame of every Orga page: the organization's name, the switcher when there are several,
// the navigation (Team for admins only), who is signed in, log out and the language.
import { useLocation } from "preact-iso";

import { useI18n } from "../../common/i18n.js";
import { BareShell, DashboardShell, NavLink } from "../../common/shell.jsx";
import { learnersKey, useOrga } from "../session.jsx";

function OrganizationSwitch() {
  const { t } = useI18n();
  const { memberships, current, choose } = useOrga();
  const { route } = useLocation();
  if (memberships.length < 2) return null;
  return (
    <div class="orga-switch">
      <label for="orga-switch">{t("orga.header.switch")}</label>
      <select id="orga-switch" value={current.organization_id}
        onChange={(event) => {
          choose(event.currentTarget.value);
          route("/orga/campagnes");
        }}>
        {memberships.map((m) => (
          <option key={m.organization_id} value={m.organization_id}>
            {m.organization_name}
          </option>
        ))}
      </select>
    </div>
  );
}

// The plain frame (log-in, invitations...): the common one, with this face's brand and home.
export function Bare(props) {
  const { t } = useI18n();
  return <BareShell brand={t("orga.brand")} home="/orga/campagnes" {...props} />;
}

export function Shell({ children }) {
  const { t } = useI18n();
  const { me, current, isAdmin, logOut } = useOrga();
  const { route } = useLocation();
  const place = (
    <>
      <span class="orga-header__organization">{current.organization_name}</span>
      <OrganizationSwitch />
    </>
  );
  return (
    <DashboardShell brand={t("orga.brand")} home="/orga/campagnes" place={place} me={me}
      signedInLabel={t("orga.header.signed_in_as")} navLabel={t("orga.nav.label")}
      onLogOut={async () => {
        await logOut();
        route("/orga/connexion");
      }}
      nav={(
        <>
          <NavLink href="/orga/campagnes">{t("orga.nav.campaigns")}</NavLink>
          {isAdmin ? <NavLink href="/orga/equipe">{t("orga.nav.team")}</NavLink> : null}
          <NavLink href="/orga/eleves">{t(learnersKey(current.organization_type))}</NavLink>
          <NavLink href="/orga/progression">{t("orga.nav.progression")}</NavLink>
          {isAdmin && current.organization_type === "SCO" ? (
            <NavLink href="/orga/certifications">{t("orga.nav.certifications")}</NavLink>
          ) : null}
        </>
      )}>
      {children}
    </DashboardShell>
  );
}
