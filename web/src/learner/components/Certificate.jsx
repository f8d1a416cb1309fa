// A certificate as certification publishes it (GET /api/certificates/{id}, or anyone's check by its code): the
// person, the date and centre, the score out of 895 and the level of each of the 16 competences, grouped by
// area, and the verification code. Only what the API gives is shown: a certification that was not validated
// has no score and no levels, only its status. The competences' names are the framework's (the learner
// locales, kept equal to the content pack's framework.yaml by tests/web/test_locales.py).
import { formatDate, useI18n } from "../../common/i18n.js";

export const FRAMEWORK = [
  ["1", ["1.1", "1.2", "1.3"]],
  ["2", ["2.1", "2.2", "2.3", "2.4"]],
  ["3", ["3.1", "3.2", "3.3", "3.4"]],
  ["4", ["4.1", "4.2", "4.3"]],
  ["5", ["5.1", "5.2"]],
];

// A date without a time ("1990-01-02"), read as that day wherever the browser is.
export function formatDay(locale, value, dateStyle = "long") {
  return value ? formatDate(locale, `${value.slice(0, 10)}T00:00:00Z`, { dateStyle, timeZone: "UTC" }) : "";
}

function Levels({ levels, headingLevel }) {
  const { t } = useI18n();
  const byCode = Object.fromEntries(levels.map((item) => [item.competence_code, item.level]));
  const Heading = `h${headingLevel}`;
  const Sub = `h${headingLevel + 1}`;
  return (
    <section class="learner-certificate__competences" aria-labelledby="certificate-competences">
      <Heading id="certificate-competences">{t("learner.certificate.competences")}</Heading>
      <div class="learner-certificate__areas">
        {FRAMEWORK.map(([area, codes]) => (
          <section key={area} class="learner-certificate__area" aria-labelledby={`certificate-area-${area}`}>
            <Sub id={`certificate-area-${area}`}>
              <span class="learner-competence__code">{area}</span> {t(`learner.framework.area.${area}`)}
            </Sub>
            <dl>
              {codes.map((code) => (
                <div key={code} class="learner-certificate__level">
                  <dt><span class="learner-competence__code">{code}</span> {t(`learner.framework.competence.${code}`)}</dt>
                  <dd>{byCode[code] ? t("learner.certificate.level", { level: byCode[code] })
                    : t("learner.certificate.level_none")}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </section>
  );
}

// headingLevel: the level of the certificate's own heading (the person's name); its parts come below it.
export function Certificate({ certificate, headingLevel = 2 }) {
  const { t, locale } = useI18n();
  const Heading = `h${headingLevel}`;
  const validated = certificate.status === "validated";
  const born = formatDay(locale, certificate.birthdate);
  return (
    <article class="card learner-certificate" aria-labelledby="certificate-name">
      <p class="learner-certificate__kind">{t("learner.certificate.kind")}</p>
      <Heading id="certificate-name" class="learner-certificate__name" tabIndex={-1}>
        {`${certificate.first_name} ${certificate.last_name}`}
      </Heading>
      <p class="learner-certificate__born">
        {certificate.birthplace ? t("learner.certificate.born_in", { date: born, place: certificate.birthplace })
          : t("learner.certificate.born", { date: born })}
      </p>
      <dl class="learner-certificate__facts">
        <div><dt>{t("learner.certificate.date")}</dt><dd>{formatDay(locale, certificate.certification_date)}</dd></div>
        <div><dt>{t("learner.certificate.center")}</dt><dd>{certificate.certification_center}</dd></div>
        <div><dt>{t("learner.certificate.delivered")}</dt>
          <dd>{formatDate(locale, certificate.delivered_at, { dateStyle: "long" })}</dd></div>
        <div><dt>{t("learner.certificate.code")}</dt>
          <dd class="learner-certificate__code">{certificate.verification_code}</dd></div>
      </dl>
      {validated ? (
        <>
          <div class="learner-certificate__score">
            <p class="learner-score__label">{t("learner.certificate.score")}</p>
            <p class="learner-score__value">{certificate.score}</p>
            <p class="learner-score__label">{t("learner.certificate.score_max", { max: certificate.max_score })}</p>
            {certificate.mesh_level ? (
              <p><strong>{t("learner.certificate.mesh_level", { level: certificate.mesh_level })}</strong></p>
            ) : null}
          </div>
          <Levels levels={certificate.competence_levels || []} headingLevel={headingLevel + 1} />
        </>
      ) : (
        <p class="notice notice--info">{t(`learner.certificate.status.${certificate.status}`)}</p>
      )}
      <p class="muted learner-certificate__hint">{t("learner.certificate.code_hint")}</p>
    </article>
  );
}
