// A campaign: its code and link to hand to learners, the export, the archive, and three tabs
// (activity, results, settings), each with its own address.
import { useLocation } from "preact-iso";
import { useEffect, useState } from "preact/hooks";

import { formatDate, useI18n } from "../../common/i18n.js";
import { Button, ErrorNotice, Loading, Notice, PageTitle, useAsync } from "../../common/ui.jsx";
import { api, download, patiently } from "../api.js";
import { CopyButton } from "../components/CopyButton.jsx";
import { TabPanel, Tabs } from "../components/Tabs.jsx";
import { Activity } from "./campaign/Activity.jsx";
import { Results } from "./campaign/Results.jsx";
import { Settings } from "./campaign/Settings.jsx";

const TABS = { activite: "activity", resultats: "results", parametres: "settings" };

function CampaignHeader({ campaign, onChange }) {
  const { t, locale } = useI18n();
  const [message, setMessage] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(null);
  const link = `${location.origin}${campaign.direct_link}`;
  // A confirmation is read out at once; it then leaves, so it does not linger over the next tab.
  useEffect(() => {
    if (message?.kind !== "success") return undefined;
    const timer = setTimeout(() => setMessage(null), 8000);
    return () => clearTimeout(timer);
  }, [message]);

  async function run(which, action) {
    setBusy(which);
    setError(null);
    setMessage(null);
    try {
      await action();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  }

  const exportCsv = () => run("export", async () => {
    const name = await download(`/api/campaigns/${campaign.id}/export.csv`, { locale }, `${campaign.code}.csv`);
    setMessage({ kind: "success", text: t("orga.campaign.exported", { name }) });
  });
  const toggleArchive = () => run("archive", async () => {
    const action = campaign.archived ? "unarchive" : "archive";
    onChange(await api.post(`/api/campaigns/${campaign.id}/${action}`));
    setMessage({ kind: "success", text: t(campaign.archived ? "orga.campaign.unarchived" : "orga.campaign.archived") });
  });

  return (
    <div class="campaign-head">
      <div class="campaign-head__title">
        <PageTitle>{campaign.name}</PageTitle>
        <p class="campaign-head__badges">
          <span class="badge">{t(`orga.type.${campaign.type}`)}</span>
          {campaign.archived ? (
            <span class="badge badge--archived badge--after">
              {t("orga.campaign.archived_on", { date: formatDate(locale, campaign.archived_at) })}
            </span>
          ) : null}
        </p>
      </div>
      <div class="card campaign-share">
        <div class="campaign-share__code">
          <span class="campaign-share__label">{t("orga.campaign.code")}</span>
          <span class="campaign-code">{campaign.code}</span>
          <CopyButton text={campaign.code} label={t("orga.campaign.copy_code")} done={t("orga.campaign.code_copied")}
            onResult={setMessage} />
        </div>
        <div class="campaign-share__link">
          <span class="campaign-share__label">{t("orga.campaign.link")}</span>
          <a href={link} target="_blank" rel="noopener noreferrer" class="campaign-link">{link}</a>
          <CopyButton text={link} label={t("orga.campaign.copy_link")} done={t("orga.campaign.link_copied")}
            onResult={setMessage} />
        </div>
      </div>
      <div class="actions">
        <Button variant="secondary" busy={busy === "export"} onClick={exportCsv}>{t("orga.campaign.export")}</Button>
        {campaign.can_manage ? (
          <Button variant={campaign.archived ? "secondary" : "danger"} busy={busy === "archive"} onClick={toggleArchive}>
            {campaign.archived ? t("orga.campaign.unarchive") : t("orga.campaign.archive")}
          </Button>
        ) : null}
      </div>
      <div class="campaign-head__messages" role="status">
        {message?.kind === "success" ? <p class="notice notice--success">{message.text}</p> : null}
      </div>
      {message?.kind === "error" ? <Notice kind="error">{message.text}</Notice> : null}
      <ErrorNotice error={error} />
    </div>
  );
}

export function Campaign({ id, tab }) {
  const { t } = useI18n();
  const { route } = useLocation();
  const selected = TABS[tab || "activite"];
  const { data, error } = useAsync(() => patiently(() => api.get(`/api/campaigns/${id}`)), [id]);
  const [changed, setChanged] = useState(null);
  const campaign = changed?.id === id ? changed : data;

  if (!selected) return <NotFoundInside />;
  if (!campaign) return error ? <ErrorNotice error={error} /> : <Loading />;
  const base = `/orga/campagnes/${id}`;
  const tabs = [
    { id: "activity", label: t("orga.campaign.tab_activity"), href: base },
    { id: "results", label: t("orga.campaign.tab_results"), href: `${base}/resultats` },
    { id: "settings", label: t("orga.campaign.tab_settings"), href: `${base}/parametres` },
  ];
  return (
    <>
      <p><a href="/orga/campagnes">{t("orga.campaign.back_to_list")}</a></p>
      <CampaignHeader campaign={campaign} onChange={setChanged} />
      <Tabs label={t("orga.campaign.tabs")} tabs={tabs} selected={selected} idPrefix="campaign"
        onSelect={(next) => route(next.href)} />
      <TabPanel idPrefix="campaign" selected={selected}>
        {selected === "activity" ? <Activity campaign={campaign} /> : null}
        {selected === "results" ? <Results campaign={campaign} /> : null}
        {selected === "settings" ? (
          <Settings campaign={campaign} onSaved={setChanged} />
        ) : null}
      </TabPanel>
    </>
  );
}

function NotFoundInside() {
  const { t } = useI18n();
  return (
    <>
      <PageTitle>{t("orga.not_found.title")}</PageTitle>
      <p>{t("common.not_found")}</p>
    </>
  );
}
