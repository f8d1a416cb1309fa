// The plain frame of a face's pages outside its full shell (log-in, invitations, terms, pages that need an
// account but no organization or centre): the skip link, the face's brand linking home, what the face puts
// beside it (who is signed in, log out), the language, and the page in <main>. One component for every face,
// given its brand and home.
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
