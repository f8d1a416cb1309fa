// A session's page, for its centre's members: its details, the access code (for the candidates in the
// room) and the invigilator password (for whoever invigilates), its candidates, and how to enrol more:
// a school by class from its list, other centres one by one or from a CSV file.
import { useLocation } from "preact-iso";
import { useState } from "preact/hooks";

import { useI18n } from "../../common/i18n.js";
import { ErrorNotice, Loading, Notice, PageTitle, useAsync } from "../../common/ui.jsx";
import { api, patiently } from "../api.js";
import { Candidates } from "../components/Candidates.jsx";
import { CandidateForm, CandidateImport, ClassEnrolment } from "../components/Enrolment.jsx";
import { sessionDay } from "../format.js";
import { useCertif } from "../session.jsx";
import { SessionStatus } from "./Sessions.jsx";

function Secret({ label, value, id }) {
  return (
    <div>
      <dt class="campaign-share__label">{label}</dt>
      <dd class="campaign-code" data-testid={id}>{value}</dd>
    </div>
  );
}

export function Session({ id }) {
  const { t, locale } = useI18n();
  const { isSchool } = useCertif();
  const { query } = useLocation();
  const session = useAsync(() => patiently(() => api.get(`/api/certification-sessions/${id}`)), [id]);
  const candidates = useAsync(() => api.get(`/api/certification-sessions/${id}/candidates`), [id]);
  const [enrolled, setEnrolled] = useState(null);
  const data = session.data;

  function changed(message) {
    setEnrolled(message);
    candidates.reload();
    session.reload();
  }

  if (!data) {
    return (
      <>
        <p><a href="/certif/sessions">{t("certif.session.back_to_list")}</a></p>
        <ErrorNotice error={session.error} />
        {session.loading ? <Loading /> : null}
      </>
    );
  }
  const open = data.status === "CREATED";
  return (
    <>
      <p><a href="/certif/sessions">{t("certif.session.back_to_list")}</a></p>
      <div class="page-head">
        <PageTitle title={t("certif.session.title", { number: data.number })}>
          {t("certif.session.title", { number: data.number })}
        </PageTitle>
        {open && !data.first_started_at ? (
          <a class="button button--secondary" href={`/certif/sessions/${id}/modification`}>{t("certif.session.edit")}</a>
        ) : null}
      </div>
      <p class="campaign-head__badges"><SessionStatus status={data.status} /></p>
      {query.finalisee ? <Notice kind="success">{t("certif.finalization.done")}</Notice> : null}
      {open && data.started_count > 0 ? (
        <div class="actions">
          <a class="button button--primary" href={`/certif/sessions/${id}/finalisation`}>
            {t("certif.session.finalize")}
          </a>
        </div>
      ) : null}
      <dl class="card campaign-share certif-codes" aria-label={t("certif.session.codes")}>
        <Secret id="access-code" label={t("certif.session.access_code")} value={data.access_code} />
        <Secret id="invigilator-password" label={t("certif.session.invigilator_password")}
          value={data.invigilator_password} />
      </dl>
      <p class="muted">{t("certif.session.codes_hint")}</p>
      {open ? (
        <p><a href={`/certif/surveillance?session=${data.number}`}>{t("certif.session.invigilate")}</a></p>
      ) : null}
      <dl class="details">
        <div><dt>{t("certif.session.date")}</dt><dd>{sessionDay(locale, data.date)}</dd></div>
        <div><dt>{t("certif.session.time")}</dt><dd>{data.time}</dd></div>
        <div><dt>{t("certif.session.address")}</dt><dd>{data.address}</dd></div>
        <div><dt>{t("certif.session.room")}</dt><dd>{data.room}</dd></div>
        <div><dt>{t("certif.session.examiner")}</dt><dd>{data.examiner}</dd></div>
        {data.description ? <div><dt>{t("certif.session.description")}</dt><dd>{data.description}</dd></div> : null}
      </dl>

      <h2 id="candidates-title">{t("certif.candidates.title", { count: data.candidates_count })}</h2>
      <Notice kind="success">{enrolled}</Notice>
      <ErrorNotice error={candidates.error} />
      {candidates.loading && !candidates.data ? <Loading /> : null}
      {candidates.data ? (
        <Candidates items={candidates.data.items} school={isSchool} editable={open}
          onChanged={() => changed(null)} />
      ) : null}

      {open ? (
        isSchool ? (
          <ClassEnrolment sessionId={id} onEnrolled={changed} />
        ) : (
          <div class="enrolment">
            <CandidateForm sessionId={id} onEnrolled={changed} />
            <CandidateImport sessionId={id} onEnrolled={changed} />
          </div>
        )
      ) : null}
    </>
  );
}
