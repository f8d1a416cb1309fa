// Certifications (/orga/certifications), for a school's admins: the classes whose pupils have published
// certification results, and for each the results (CSV, like the other exports) and the attestations (one PDF
// per class, a page per validated certification). A large class takes a moment to prepare, then to come: the
// row says which, with the share received when the answer gives its length. The school is its own
// certification centre (the same id as the organization).
import { useState } from "preact/hooks";

import { formatNumber, useI18n } from "../../common/i18n.js";
import { Button, ErrorNotice, Loading, Notice, PageTitle, useAsync } from "../../common/ui.jsx";
import { api, download } from "../api.js";
import { TableWrap } from "../components/TableWrap.jsx";
import { useOrga } from "../session.jsx";

const FILES = {
  csv: { path: "results.csv", name: (division) => `resultats-${division}.csv` },
  pdf: { path: "attestations", name: (division) => `attestations-${division}.pdf` },
};

function Progress({ state }) {
  const { t, locale } = useI18n();
  if (state.total && state.received) {
    const share = Math.min(1, state.received / state.total);
    return (
      <p class="orga-download-progress" role="status">
        {t("orga.certifications.receiving", { percent: formatNumber(locale, Math.round(share * 100)) })}
        <progress max="1" value={share} />
      </p>
    );
  }
  return <p class="orga-download-progress" role="status">{t("orga.certifications.preparing")}</p>;
}

function DivisionRow({ centerId, item }) {
  const { t } = useI18n();
  const [state, setState] = useState(null); // { kind, received, total } while a file comes
  const [failure, setFailure] = useState(null);
  async function get(kind) {
    setFailure(null);
    setState({ kind, received: 0, total: null });
    try {
      await download(`/api/certification-centers/${centerId}/${FILES[kind].path}`, { division: item.division },
        FILES[kind].name(item.division), { onProgress: (progress) => setState({ kind, ...progress }) });
    } catch (problem) {
      setFailure(problem);
    } finally {
      setState(null);
    }
  }
  return (
    <tr>
      <th scope="row">{item.division}</th>
      <td class="number">{item.results_count}</td>
      <td class="number">{item.attestations_count}</td>
      <td>
        <div class="actions">
          <Button variant="secondary" busy={state?.kind === "csv"} disabled={Boolean(state)} onClick={() => get("csv")}
            aria-label={t("orga.certifications.results_for", { division: item.division })}>
            {t("orga.certifications.results")}
          </Button>
          {item.attestations_count ? (
            <Button variant="secondary" busy={state?.kind === "pdf"} disabled={Boolean(state)}
              onClick={() => get("pdf")}
              aria-label={t("orga.certifications.attestations_for", { division: item.division })}>
              {t("orga.certifications.attestations")}
            </Button>
          ) : null}
        </div>
        {state ? <Progress state={state} /> : null}
        <ErrorNotice error={failure} />
      </td>
    </tr>
  );
}

export function Certifications() {
  const { t } = useI18n();
  const { current } = useOrga();
  const centerId = current.organization_id;
  const { data, error } = useAsync(() => api.get(`/api/certification-centers/${centerId}/result-divisions`),
    [centerId]);
  let body;
  if (error) body = <ErrorNotice error={error} />;
  else if (!data) body = <Loading />;
  else if (!data.items.length) body = <Notice kind="info">{t("orga.certifications.empty")}</Notice>;
  else {
    body = (
      <TableWrap label={t("orga.certifications.table")}>
        <table>
          <caption>{t("orga.certifications.table")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("orga.certifications.division")}</th>
              <th scope="col" class="number">{t("orga.certifications.results_count")}</th>
              <th scope="col" class="number">{t("orga.certifications.attestations_count")}</th>
              <th scope="col">{t("orga.certifications.files")}</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((item) => <DivisionRow key={item.division} centerId={centerId} item={item} />)}
          </tbody>
        </table>
      </TableWrap>
    );
  }
  return (
    <>
      <PageTitle>{t("orga.certifications.title")}</PageTitle>
      <p>{t("orga.certifications.intro")}</p>
      {body}
    </>
  );
}
