// "Mes certifications" (/mes-certifications: the account's published results, latest first; the link of the
// results mail), one certificate (/mes-certifications/{course id}, printable), and the public check of a
// certificate by its verification code (/verification-certificat: no account needed; only what the
// certificate shows). A validated certification's attestation (PDF) is downloaded from the certificate's page
// and from the profile.
import { useState } from "preact/hooks";

import { useI18n } from "../../common/i18n.js";
import { Button, ErrorNotice, Field, Loading, Notice, PageTitle, useAsync } from "../../common/ui.jsx";
import { download } from "../api.js";
import {
  certificateOf,
  certificationPaths,
  myCertificates,
  normalizeVerificationCode,
  verifyCertificate,
} from "../certification.js";
import { Certificate, formatDay } from "../components/Certificate.jsx";
import { Shell } from "../components/Shell.jsx";
import { explain } from "../explain.js";
import { useSignedIn } from "../session.jsx";

// A published certification in a line: its centre, its status and, when it has one, its score.
export function CertificateMeta({ item }) {
  const { t } = useI18n();
  return (
    <>
      {`${item.certification_center} · `}
      <span class={`badge${item.status === "validated" ? " badge--success" : ""}`}>
        {t(`learner.certificates.status.${item.status}`)}
      </span>
      {item.score !== null && item.score !== undefined
        ? ` · ${t("learner.certificates.score", { score: item.score, max: item.max_score })}` : ""}
    </>
  );
}

export function MyCertificates() {
  const { t, locale } = useI18n();
  const signedIn = useSignedIn();
  const { data, error, loading } = useAsync(() => (signedIn ? myCertificates() : null), [signedIn]);
  if (!signedIn) return null;
  return (
    <Shell width="medium">
      <PageTitle>{t("learner.certificates.title")}</PageTitle>
      <ErrorNotice error={error} />
      {loading && !data ? <Loading /> : null}
      {data && data.length === 0 ? <p class="card">{t("learner.certificates.empty")}</p> : null}
      {data && data.length > 0 ? (
        <ul class="card learner-list">
          {data.map((item) => {
            const date = formatDay(locale, item.certification_date);
            return (
              <li key={item.id} class="learner-list__item">
                <div class="learner-list__text">
                  <p class="learner-list__title">{t("learner.certificates.item", { date })}</p>
                  <p class="learner-list__meta"><CertificateMeta item={item} /></p>
                </div>
                <a class="button button--secondary" href={certificationPaths.certificate(item.id)}
                  aria-label={t("learner.certificates.see_for", { date })}>
                  {t("learner.certificates.see")}
                </a>
              </li>
            );
          })}
        </ul>
      ) : null}
    </Shell>
  );
}

// The attestation of a validated certification, as a PDF file (the API's, behind the bearer token).
export function AttestationButton({ id }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState(null);
  async function save() {
    setBusy(true);
    setFailure(null);
    try {
      await download(`/api/certificates/${encodeURIComponent(id)}/attestation`, undefined, "attestation.pdf");
    } catch (problem) {
      setFailure(problem);
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <Button variant="secondary" busy={busy} onClick={save}>{t("learner.certificate.attestation")}</Button>
      {failure ? <Notice kind="error">{explain(t, failure, "learner.certificate.errors")}</Notice> : null}
    </>
  );
}

export function MyCertificate({ id }) {
  const { t } = useI18n();
  const signedIn = useSignedIn();
  const { data, error } = useAsync(() => (signedIn ? certificateOf(id) : null), [id, signedIn]);
  if (!signedIn) return null;
  return (
    <Shell width="medium">
      <div class="learner-certificate-page">
        <div class="learner-certificate-page__head no-print">
          <PageTitle>{t("learner.certificate.title")}</PageTitle>
          {data ? (
            <div class="actions">
              {data.status === "validated" ? <AttestationButton id={id} /> : null}
              <Button variant="secondary" onClick={() => window.print()}>{t("learner.certificate.print")}</Button>
            </div>
          ) : null}
        </div>
        {error ? <Notice kind="error">{explain(t, error, "learner.certificate.errors")}</Notice> : null}
        {!data && !error ? <Loading /> : null}
        {data ? <Certificate certificate={data} /> : null}
        <p class="no-print"><a href={certificationPaths.certificates()}>{t("learner.certificate.back")}</a></p>
      </div>
    </Shell>
  );
}

export function VerifyCertificate() {
  const { t } = useI18n();
  const [code, setCode] = useState("");
  const [invalid, setInvalid] = useState(null);
  const [failure, setFailure] = useState(null);
  const [found, setFound] = useState(null);
  const [busy, setBusy] = useState(false);
  async function submit(event) {
    event.preventDefault();
    setFailure(null);
    setFound(null);
    const wanted = normalizeVerificationCode(code);
    if (!wanted) {
      setInvalid(t(code.trim() ? "learner.verification.malformed" : "learner.verification.missing"));
      document.getElementById("verification-code")?.focus();
      return;
    }
    setInvalid(null);
    setBusy(true);
    try {
      setFound(await verifyCertificate(wanted));
      requestAnimationFrame(() => document.getElementById("certificate-name")?.focus());
    } catch (problem) {
      setFailure(problem);
      document.getElementById("verification-code")?.focus();
    } finally {
      setBusy(false);
    }
  }
  return (
    <Shell width="medium">
      <div class="card">
        <PageTitle>{t("learner.verification.title")}</PageTitle>
        <p>{t("learner.verification.intro")}</p>
        <form class="form" onSubmit={submit} noValidate>
          {failure ? <Notice kind="error">{explain(t, failure, "learner.verification.errors")}</Notice> : null}
          <Field id="verification-code" label={t("learner.verification.code")}
            hint={t("learner.verification.code_hint")} error={invalid} required>
            {(props) => (
              <input {...props} name="verification_code" autoComplete="off" autoCapitalize="characters"
                spellcheck={false} class="learner-verification-code" value={code}
                onInput={(event) => setCode(event.currentTarget.value)} />
            )}
          </Field>
          <div class="actions">
            <Button type="submit" busy={busy}>{t("learner.verification.submit")}</Button>
          </div>
        </form>
      </div>
      {found ? (
        <>
          <Notice kind="success">{t("learner.verification.found")}</Notice>
          <Certificate certificate={found} />
        </>
      ) : null}
    </Shell>
  );
}
