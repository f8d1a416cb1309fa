// The campaign's details, and what may change at any time: its name, title and landing text.
import { useState } from "preact/hooks";

import { formatDate, useI18n } from "../../../common/i18n.js";
import { Button, ErrorNotice, Notice, useAsync } from "../../../common/ui.jsx";
import { api, patiently } from "../../api.js";
import { CampaignLandingFields, CampaignNameField } from "../../components/CampaignTextFields.jsx";
import { useFormErrors } from "../../components/formErrors.js";
import { useMemberNames } from "../../components/people.js";

const FIELDS = ["name", "title", "landing_text"];

function Details({ campaign }) {
  const { t, locale } = useI18n();
  const memberName = useMemberNames(campaign.organization_id);
  const profiles = useAsync(() => patiently(() => api.get("/api/target-profiles", {
    organization_id: campaign.organization_id, locale,
  })), [campaign.organization_id, locale]);
  const profile = profiles.data?.items.find((item) => item.id === campaign.target_profile_id);
  const rows = [
    ["type", t(`orga.type.${campaign.type}`)],
    ...(campaign.type === "ASSESSMENT" ? [["target_profile", profile?.name || campaign.target_profile_id]] : []),
    ["external_id", campaign.external_id_label
      ? `${campaign.external_id_label} (${t(`orga.external_id_type.${campaign.external_id_type || "TEXT"}`)})`
      : t("orga.settings.no_external_id")],
    ["multiple_sendings", campaign.multiple_sendings ? t("orga.yes") : t("orga.no")],
    ["creator", memberName(campaign.creator_id) || t("orga.settings.former_member")],
    ["owner", memberName(campaign.owner_id) || t("orga.settings.former_member")],
    ["created_at", formatDate(locale, campaign.created_at)],
    ...(campaign.archived ? [["archived_at", formatDate(locale, campaign.archived_at)]] : []),
  ];
  return (
    <dl class="details">
      {rows.map(([key, value]) => (
        <div key={key}>
          <dt>{t(`orga.settings.${key}`)}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function EditForm({ campaign, onSaved }) {
  const { t } = useI18n();
  const [form, setForm] = useState({
    name: campaign.name, title: campaign.title || "", landing_text: campaign.landing_text || "",
  });
  const { general, fields, setError, edited } = useFormErrors(t, FIELDS);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const set = (changes) => {
    setSaved(false);
    edited(changes);
    setForm((previous) => ({ ...previous, ...changes }));
  };
  const assessment = campaign.type === "ASSESSMENT";

  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const body = { name: form.name.trim(), landing_text: form.landing_text.trim() || null };
      if (assessment) body.title = form.title.trim() || null;
      onSaved(await api.patch(`/api/campaigns/${campaign.id}`, body));
      setSaved(true);
    } catch (failure) {
      setError(failure);
      requestAnimationFrame(() => document.querySelector("form [aria-invalid='true']")?.focus());
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="form card" onSubmit={submit} noValidate aria-labelledby="edit-title">
      <h3 id="edit-title">{t("orga.settings.edit_title")}</h3>
      <ErrorNotice error={general} />
      <CampaignNameField value={form.name} error={fields.name} onInput={(name) => set({ name })} />
      <CampaignLandingFields form={form} set={set} fields={fields} assessment={assessment} />
      <div class="actions">
        <Button type="submit" busy={busy}>{t("common.save")}</Button>
      </div>
      <div role="status">
        {saved ? <p class="notice notice--success">{t("orga.settings.saved")}</p> : null}
      </div>
    </form>
  );
}

export function Settings({ campaign, onSaved }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">{t("orga.settings.title")}</h2>
      <Details campaign={campaign} />
      {campaign.can_manage ? (
        <EditForm campaign={campaign} onSaved={onSaved} />
      ) : (
        <Notice kind="info">{t("orga.settings.cannot_edit")}</Notice>
      )}
    </section>
  );
}
