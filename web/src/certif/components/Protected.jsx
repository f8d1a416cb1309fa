// A page for a centre's members only. Without a session: to the log-in page, then back here. A member of
// no centre: said plainly. Several centres and none chosen yet: the choice first (one centre is chosen
// by itself).
import { useLocation } from "preact-iso";
import { useEffect } from "preact/hooks";

import { useI18n } from "../../common/i18n.js";
import { Button, ErrorNotice, Loading, PageTitle } from "../../common/ui.jsx";
import { isPlatformAdmin, useCertif } from "../session.jsx";
import { Bare, Shell } from "./Shell.jsx";

export function loginUrl(url) {
  return `/certif/connexion?next=${encodeURIComponent(url)}`;
}

export function NoCenter() {
  const { t } = useI18n();
  const { me, logOut } = useCertif();
  const { route } = useLocation();
  return (
    <Bare>
      <PageTitle>{t("certif.no_center.title")}</PageTitle>
      <p>{t("certif.no_center.text", { email: me.email })}</p>
      <p>{t("certif.no_center.hint")}</p>
      <ul>
        <li><a href="/certif/surveillance">{t("certif.no_center.invigilate")}</a></li>
        {isPlatformAdmin(me) ? (
          <li><a href="/certif/admin/sessions">{t("certif.no_center.admin")}</a></li>
        ) : null}
      </ul>
      <Button variant="secondary" onClick={async () => {
        await logOut();
        route("/certif/connexion");
      }}>
        {t("common.log_out")}
      </Button>
    </Bare>
  );
}

export function Protected({ page: Page, ...props }) {
  const { t } = useI18n();
  const { signedIn, me, centers, loadError, reload, current, choose } = useCertif();
  const { url, route } = useLocation();
  const mustChoose = Boolean(centers && centers.length > 1 && !current);

  useEffect(() => {
    if (!signedIn) route(loginUrl(url), true);
    else if (centers?.length === 1 && !current) choose(centers[0].id);
    else if (mustChoose) route(`/certif/centres?next=${encodeURIComponent(url)}`, true);
  }, [signedIn, centers, current, mustChoose, url]); // eslint-disable-line react-hooks/exhaustive-deps

  if (!signedIn || mustChoose) return null;
  if (!me || !centers) {
    return (
      <Bare>
        {loadError ? (
          <>
            <ErrorNotice error={loadError} />
            <Button onClick={() => reload().catch(() => {})}>{t("certif.retry")}</Button>
          </>
        ) : <Loading />}
      </Bare>
    );
  }
  if (!centers.length) return <NoCenter />;
  if (!current) return <Bare><Loading /></Bare>;
  return (
    <Shell>
      <Page {...props} />
    </Shell>
  );
}

export function protect(page) {
  return (props) => <Protected page={page} {...props} />;
}
