import { useLocation } from "preact-iso";
import { useEffect } from "preact/hooks";

import { useI18n } from "../../common/i18n.js";
import { LogInForm, PageTitle } from "../../common/ui.jsx";
import { api } from "../api.js";
import { Bare } from "../components/Shell.jsx";
import { useOrga } from "../session.jsx";

// Only paths of this face are followed after logging in (no open redirect).
export function nextUrl(query) {
  const next = query.next || "";
  return next.startsWith("/orga/") && !next.startsWith("/orga/connexion") ? next : "/orga/campagnes";
}

export function LogIn() {
  const { t } = useI18n();
  const { query, route } = useLocation();
  const { signedIn, reloadMe } = useOrga();
  useEffect(() => {
    if (signedIn) route(nextUrl(query), true);
  }, []); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <Bare>
      <PageTitle>{t("orga.login.title")}</PageTitle>
      <p>{t("orga.login.intro")}</p>
      <div class="card">
        <LogInForm api={api} forgotHref="/orga/mot-de-passe-oublie" onDone={async () => {
          await reloadMe().catch(() => {});
          route(nextUrl(query), true);
        }} />
      </div>
      <p class="muted">{t("orga.login.invited")}</p>
    </Bare>
  );
}
