import { useLocation } from "preact-iso";
import { useEffect } from "preact/hooks";

import { useI18n } from "../../common/i18n.js";
import { LogInForm, PageTitle } from "../../common/ui.jsx";
import { api } from "../api.js";
import { Bare } from "../components/Shell.jsx";
import { useCertif } from "../session.jsx";

// Only paths of this face are followed after logging in (no open redirect).
export function nextUrl(query) {
  const next = query.next || "";
  return next.startsWith("/certif/") && !next.startsWith("/certif/connexion") ? next : "/certif/sessions";
}

export function LogIn() {
  const { t } = useI18n();
  const { query, route } = useLocation();
  const { signedIn, reload } = useCertif();
  useEffect(() => {
    if (signedIn) route(nextUrl(query), true);
  }, []); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <Bare>
      <PageTitle>{t("certif.login.title")}</PageTitle>
      <p>{t("certif.login.intro")}</p>
      <div class="card">
        {/* One account for every face: a new password is asked for on Orga's page, which mails the link. */}
        <LogInForm api={api} forgotHref="/orga/mot-de-passe-oublie" onDone={async () => {
          await reload().catch(() => {});
          route(nextUrl(query), true);
        }} />
      </div>
      <p class="muted">{t("certif.login.invited")}</p>
    </Bare>
  );
}
