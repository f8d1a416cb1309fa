// Progression between two assessment campaigns of the organization: for the learners who sent
// results to both, what changed per competence, and for each of them.
import { useState } from "preact/hooks";

import { useI18n } from "../../common/i18n.js";
import { Button, ErrorNotice, Field, Loading, PageTitle, useAsync } from "../../common/ui.jsx";
import { api, patiently } from "../api.js";
import { percent, points } from "../components/format.js";
import { Pagination } from "../components/Pagination.jsx";
import { fullName } from "../components/people.js";
import { useOrga } from "../session.jsx";
import { TableWrap } from "../components/TableWrap.jsx";

async function allCampaigns(organizationId) {
  const [live, archived] = await Promise.all(["false", "true"].map((flag) => patiently(() => api.get(
    `/api/organizations/${organizationId}/campaigns`, { archived: flag, page_size: 100, sort: "name" }))));
  return [...live.items, ...archived.items];
}

function Delta({ value }) {
  const { t, locale } = useI18n();
  const kind = value > 0 ? "up" : value < 0 ? "down" : "same";
  return <span class={`delta delta--${kind}`}>{points(t, locale, value)}</span>;
}

function CampaignSelect({ label, campaigns, value, onChange }) {
  const { t } = useI18n();
  return (
    <Field label={label} required>
      {(props) => (
        <select {...props} value={value} onChange={(event) => onChange(event.currentTarget.value)}>
          <option value="">{t("orga.progression.choose")}</option>
          {campaigns.map((campaign) => (
            <option key={campaign.id} value={campaign.id}>
              {campaign.name}{campaign.type !== "ASSESSMENT" ? ` (${t(`orga.type.${campaign.type}`)})` : ""}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function Comparison({ result, onPage }) {
  const { t, locale } = useI18n();
  const competences = result.competences;
  return (
    <section aria-labelledby="comparison-title">
      <h2 id="comparison-title" tabIndex={-1}>
        {t("orga.progression.result_title", { before: result.compare_to.name, after: result.campaign.name })}
      </h2>
      <p>{t("orga.progression.matched", { count: result.matched_learners_count })}</p>
      <TableWrap label={t("orga.progression.by_competence")}>
        <table>
          <caption>{t("orga.progression.by_competence")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("orga.results.competence")}</th>
              <th scope="col" class="number">{t("orga.progression.before")}</th>
              <th scope="col" class="number">{t("orga.progression.after")}</th>
              <th scope="col" class="number">{t("orga.progression.delta")}</th>
            </tr>
          </thead>
          <tbody>
            {competences.map((competence) => (
              <tr key={competence.code}>
                <th scope="row">{competence.code} {competence.name}</th>
                <td class="number">{percent(locale, competence.before)}</td>
                <td class="number">{percent(locale, competence.after)}</td>
                <td class="number"><Delta value={competence.delta} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {result.learners.items.length ? (
        <>
          <TableWrap label={t("orga.progression.by_learner")}>
            <table>
              <caption>{t("orga.progression.by_learner")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("orga.activity.name")}</th>
                  <th scope="col">{t("orga.activity.division_group")}</th>
                  <th scope="col" class="number">{t("orga.progression.before")}</th>
                  <th scope="col" class="number">{t("orga.progression.after")}</th>
                  <th scope="col" class="number">{t("orga.progression.delta")}</th>
                  {competences.map((competence) => (
                    <th scope="col" key={competence.code} class="number">
                      <abbr title={competence.name}>{competence.code}</abbr>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {result.learners.items.map((learner) => {
                  const byCode = new Map(learner.competences.map((item) => [item.code, item]));
                  return (
                    <tr key={learner.user_id}>
                      <th scope="row">{fullName(learner) || t("orga.anonymous")}</th>
                      <td>{[learner.division, learner.group].filter(Boolean).join(" · ") || "—"}</td>
                      <td class="number">{percent(locale, learner.mastery_before)}</td>
                      <td class="number">{percent(locale, learner.mastery_after)}</td>
                      <td class="number"><Delta value={learner.delta} /></td>
                      {competences.map((competence) => {
                        const item = byCode.get(competence.code);
                        return (
                          <td key={competence.code} class="number nowrap">
                            {item ? `${percent(locale, item.before)} → ${percent(locale, item.after)}` : "—"}
                          </td>
                        );
                      })}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableWrap>
          <Pagination data={result.learners} onPage={onPage} />
        </>
      ) : <p class="empty">{t("orga.progression.no_learner")}</p>}
    </section>
  );
}

export function Progression() {
  const { t, locale } = useI18n();
  const { organizationId } = useOrga();
  const campaigns = useAsync(() => allCampaigns(organizationId), [organizationId]);
  const [before, setBefore] = useState("");
  const [after, setAfter] = useState("");
  const [asked, setAsked] = useState(null);
  const [missing, setMissing] = useState(false);
  const comparison = useAsync(() => (asked ? patiently(() => api.get(`/api/campaigns/${asked.after}/progression`, {
    compare_to: asked.before, page: asked.page, page_size: 50, locale,
  })) : Promise.resolve(null)), [asked, locale]);

  function submit(event) {
    event.preventDefault();
    setMissing(!before || !after);
    if (!before || !after) return;
    setAsked({ before, after, page: 1 });
    requestAnimationFrame(() => setTimeout(() => document.getElementById("comparison-title")?.focus(), 300));
  }

  return (
    <>
      <PageTitle>{t("orga.progression.title")}</PageTitle>
      <p>{t("orga.progression.intro")}</p>
      {campaigns.data ? (
        <form class="form card" onSubmit={submit} noValidate>
          <div class="form-row">
            <CampaignSelect label={t("orga.progression.before_campaign")} campaigns={campaigns.data} value={before}
              onChange={setBefore} />
            <CampaignSelect label={t("orga.progression.after_campaign")} campaigns={campaigns.data} value={after}
              onChange={setAfter} />
          </div>
          {missing ? <p class="field__error" role="alert">{t("orga.progression.choose_both")}</p> : null}
          <div class="actions">
            <Button type="submit" busy={comparison.loading && Boolean(asked)}>{t("orga.progression.compare")}</Button>
          </div>
        </form>
      ) : campaigns.error ? <ErrorNotice error={campaigns.error} /> : <Loading />}
      {comparison.error ? (
        <>
          <ErrorNotice error={comparison.error} />
          {comparison.error.status === 422 ? <p>{t("orga.progression.comparable_rule")}</p> : null}
        </>
      ) : null}
      {comparison.data ? (
        <Comparison result={comparison.data} onPage={(page) => setAsked((previous) => ({ ...previous, page }))} />
      ) : null}
    </>
  );
}
