// The frame of every Orga page: the organization's name, the switcher when there are several,
// the navigation (Team for admins only), who is signed in, log out and the language.
import { useLocation } from "preact-iso";

import { useI18n } from "../../common/i18n.js";
import { BareShell } from "../../common/shell.jsx";
import { LanguageSwitch, SkipLink } from "../../common/ui.jsx";
import { learnersKey, useOrga } from "../session.jsx";

function NavLink({ href, children }) {
  const { path } = useLocation();
  const current = path === href || path.startsWith(`${href}/`);
  return (
    <li>
      <a href={href} aria-current={current ? "page" : undefined}>
        {children}
      </a>
    </li>
  );
}

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
  return (
    <>
      <SkipLink />
      <header class="app-header orga-header">
        <div class="orga-header__top">
          <a class="app-header__brand" href="/orga/campagnes">{t("orga.brand")}</a>
          <span class="orga-header__organization">{current.organization_name}</span>
          <OrganizationSwitch />
          <span class="orga-header__user">
            <span class="visually-hidden">{t("orga.header.signed_in_as")} </span>
            {me.first_name} {me.last_name}
          </span>
          <button type="button" class="link-button"
            onClick={async () => {
              await logOut();
              route("/orga/connexion");
            }}>
            {t("common.log_out")}
          </button>
          <LanguageSwitch />
        </div>
        <nav class="orga-nav" aria-label={t("orga.nav.label")}>
          <ul>
            <NavLink href="/orga/campagnes">{t("orga.nav.campaigns")}</NavLink>
            {isAdmin ? <NavLink href="/orga/equipe">{t("orga.nav.team")}</NavLink> : null}
            <NavLink href="/orga/eleves">{t(learnersKey(current.organization_type))}</NavLink>
            <NavLink href="/orga/progression">{t("orga.nav.progression")}</NavLink>
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
