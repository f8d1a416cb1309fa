// The plain frame of a face's pages outside its full shell (log-in, invitations, terms, pages that need an
// account but no organization or centre): the skip link, the face's brand linking home, what the face puts
// beside it (who is signed in, log out), the language, and the page in <main>. One component for every face,
// given its brand and home.
import { useLocation } from "preact-iso";

import { useI18n } from "./i18n.js";
import { LanguageSwitch, SkipLink } from "./ui.jsx";

export function BareShell({ brand, home, aside = null, narrow = true, children }) {
  return (
    <>
      <SkipLink />
      <header class="app-header">
        <a class="app-header__brand" href={home}>{brand}</a>
        {aside}
        <LanguageSwitch />
      </header>
      <main id="main" tabIndex={-1} class={narrow ? "narrow" : undefined}>
        {children}
      </main>
    </>
  );
}

// A link of a dashboard's navigation, marked current on its page and the pages below it.
export function NavLink({ href, children }) {
  const { path } = useLocation();
  const current = path === href || path.startsWith(`${href}/`);
  return (
    <li>
      <a href={href} aria-current={current ? "page" : undefined}>{children}</a>
    </li>
  );
}

// The full frame of a dashboard face (Orga, Certif): its brand linking home, whom the pages act for (``place``:
// the organization or centre, and the way to another), who is signed in, log out, the language, the navigation
// (``nav``: NavLinks) and the page in <main>.
export function DashboardShell({ brand, home, place, me, signedInLabel, onLogOut, navLabel, nav, children }) {
  const { t } = useI18n();
  return (
    <>
      <SkipLink />
      <header class="app-header orga-header">
        <div class="orga-header__top">
          <a class="app-header__brand" href={home}>{brand}</a>
          {place}
          <span class="orga-header__user">
            <span class="visually-hidden">{signedInLabel} </span>
            {me.first_name} {me.last_name}
          </span>
          <button type="button" class="link-button" onClick={onLogOut}>{t("common.log_out")}</button>
          <LanguageSwitch />
        </div>
        <nav class="orga-nav" aria-label={navLabel}>
          <ul>{nav}</ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
