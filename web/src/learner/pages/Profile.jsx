// /profil: the learner's pix and level in each of the 16 competences, grouped by area, from
// everything they answered in every campaign; above them, the latest published certification result, with its
// attestation when it was validated.
import { formatNumber, useI18n } from "../../common/i18n.js";
import { ErrorNotice, Loading, PageTitle, ProgressBar, useAsync } from "../../common/ui.jsx";
import { api } from "../api.js";
import { certificationPaths, myCertificates } from "../certification.js";
import { formatDay } from "../components/Certificate.jsx";
import { Shell } from "../components/Shell.jsx";
import { useSignedIn } from "../session.jsx";
import { AttestationButton, CertificateMeta } from "./Certificates.jsx";

// The latest published certification (the API lists them latest first), or the link to the list when none.
function LatestCertification({ signedIn }) {
  const { t, locale } = useI18n();
  const { data } = useAsync(() => (signedIn ? myCertificates() : null), [signedIn]);
  const latest = data?.[0];
  if (!latest) return <p><a href={certificationPaths.certificates()}>{t("learner.home.my_certificates")}</a></p>;
  const date = formatDay(locale, latest.certification_date);
  return (
    <section class="card learner-latest-certification" aria-labelledby="latest-certification-title">
      <h2 id="latest-certification-title">{t("learner.profile.certification_title")}</h2>
      <p>
        {`${t("learner.certificates.item", { date })} · `}
        <CertificateMeta item={latest} />
      </p>
      <div class="actions">
        <a class="button button--secondary" href={certificationPaths.certificate(latest.id)}
          aria-label={t("learner.certificates.see_for", { date })}>
          {t("learner.certificates.see")}
        </a>
        {latest.status === "validated" ? <AttestationButton id={latest.id} /> : null}
      </div>
      {data.length > 1 ? <p><a href={certificationPaths.certificates()}>{t("learner.home.my_certificates")}</a></p>
        : null}
    </section>
  );
}

function byArea(competences) {
  const areas = new Map();
  competences.forEach((competence) => {
    if (!areas.has(competence.area_code)) areas.set(competence.area_code, { name: competence.area_name, items: [] });
    areas.get(competence.area_code).items.push(competence);
  });
  return [...areas.entries()];
}

export function Profile() {
  const { t, locale } = useI18n();
  const signedIn = useSignedIn();
  const { data: profile, error } = useAsync(() => (signedIn ? api.get("/api/users/me/profile", { locale }) : null),
    [locale, signedIn]);
  return (
    <Shell width="wide">
      <PageTitle>{t("learner.profile.title")}</PageTitle>
      <LatestCertification signedIn={signedIn} />
      <ErrorNotice error={error} />
      {!profile && !error ? <Loading /> : null}
      {profile ? (
        <>
          <section class="card learner-score learner-score--profile" aria-labelledby="pix-title">
            <h2 id="pix-title" class="visually-hidden">{t("learner.profile.total_title")}</h2>
            <p class="learner-score__value">{formatNumber(locale, profile.total_pix)}</p>
            <p class="learner-score__label">{t("learner.profile.total", { count: profile.total_pix })}</p>
            <p>{t(profile.certifiable ? "learner.profile.certifiable" : "learner.profile.not_certifiable")}</p>
          </section>
          {byArea(profile.competences).map(([code, area]) => (
            <section key={code} class="card learner-area" aria-labelledby={`area-${code}`}>
              <h2 id={`area-${code}`}>
                <span class="learner-competence__code">{code}</span> {area.name}
              </h2>
              <ul class="learner-competences learner-competences--grid">
                {area.items.map((competence) => (
                  <li key={competence.code} class="learner-competence">
                    <h3>
                      <span class="learner-competence__code">{competence.code}</span> {competence.name}
                    </h3>
                    <p class="learner-competence__level">
                      <strong>{t("learner.profile.level", { level: competence.level })}</strong>
                      {" · "}
                      {t("learner.profile.pix", { count: competence.pix })}
                    </p>
                    <ProgressBar value={competence.level / profile.max_level}
                      label={t("learner.profile.level_bar", { name: competence.name, level: competence.level,
                        max: profile.max_level })} />
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </>
      ) : null}
    </Shell>
  );
}
