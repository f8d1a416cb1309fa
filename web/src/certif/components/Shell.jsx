// The frame of every Certif page: the centre's name (with the way to another centre when there are
// several), the navigation, who is signed in, log out and the language. Orga's look, shared classes.
import { useLocation } from "preact-iso";

import { useI18n } from "../../common/i18n.js";
import { BareShell } from "../../common/shell.jsx";
import { LanguageSwitch, SkipLink } from "../../common/ui.jsx";
import { useCertif } from "../session.jsx";

function NavLink({ href, children }) {
  const { path } = useLocation();
  const current = path === href || path.startsWith(`${href}/`);
  return (
    <li>
      <a href={href} aria-current={current ? "page" : undefined}>{children}</a>
    </li>
  );
}

// The plain frame (log-in, invitations...): the common one, with this face's brand and home.
export function Bare(props) {
  const { t } = useI18n();
  return <BareShell brand={t("certif.brand")} home="/certif/sessions" {...props} />;
}

export function Shell({ children }) {
  const { t } = useI18n();
  const { me, current, centers, logOut } = useCertif();
  const { route } = useLocation();
  return (
    <>
      <SkipLink />
      <header class="app-header orga-header">
        <div class="orga-header__top">
          <a class="app-header__brand" href="/certif/sessions">{t("certif.brand")}</a>
          <span class="orga-header__organization">
            {current.name}
            <span class="badge badge--soft badge--after">{t(`certif.center_type.${current.type}`)}</span>
          </span>
          {centers.length > 1 ? <a href="/certif/centres">{t("certif.header.switch")}</a> : null}
          <span class="orga-header__user">
            <span class="visually-hidden">{t("certif.header.signed_in_as")} </span>
            {me.first_name} {me.last_name}
          </span>
          <button type="button" class="link-button"
            onClick={async () => {
              await logOut();
              route("/certif/connexion");
            }}>
            {t("common.log_out")}
          </button>
          <LanguageSwitch />
        </div>
        <nav class="orga-nav" aria-label={t("certif.nav.label")}>
          <ul>
            <NavLink href="/certif/sessions">{t("certif.nav.sessions")}</NavLink>
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
