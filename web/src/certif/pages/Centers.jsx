// Choosing the centre to work in, when the account is a member of several (a school's admin who also
// runs a PRO centre, say). The choice is kept for the next visits; the header leads back here.
import { useLocation } from "preact-iso";
import { useEffect } from "preact/hooks";

import { useI18n } from "../../common/i18n.js";
import { Button, ErrorNotice, Loading, PageTitle } from "../../common/ui.jsx";
import { loginUrl, NoCenter } from "../components/Protected.jsx";
import { Bare } from "../components/Shell.jsx";
import { useCertif } from "../session.jsx";
import { nextUrl } from "./LogIn.jsx";

export function Centers() {
  const { t } = useI18n();
  const { signedIn, me, centers, current, loadError, choose } = useCertif();
  const { url, query, route } = useLocation();
  useEffect(() => {
    if (!signedIn) route(loginUrl(url), true);
  }, [signedIn]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!signedIn) return null;
  if (loadError) return <Bare><ErrorNotice error={loadError} /></Bare>;
  if (!me || !centers) return <Bare><Loading /></Bare>;
  if (!centers.length) return <NoCenter />;
  return (
    <Bare>
      <PageTitle>{t("certif.centers.title")}</PageTitle>
      <p>{t("certif.centers.intro")}</p>
      <ul class="center-list">
        {centers.map((center) => (
          <li key={center.id} class="card center-list__item">
            <div>
              <p class="center-list__name">{center.name}</p>
              <p class="muted">
                {t(`certif.center_type.${center.type}`)}
                {center.external_id ? ` · ${center.external_id}` : ""}
              </p>
            </div>
            <Button variant={center.id === current?.id ? "secondary" : "primary"}
              aria-label={t("certif.centers.choose_named", { name: center.name })}
              onClick={() => {
                choose(center.id);
                route(nextUrl(query));
              }}>
              {center.id === current?.id ? t("certif.centers.current") : t("certif.centers.choose")}
            </Button>
          </li>
        ))}
      </ul>
    </Bare>
  );
}
