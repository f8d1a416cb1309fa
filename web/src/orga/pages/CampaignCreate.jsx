// Creating a campaign: what it tests, whether learners give an external id, and what they read
// first (a title and a Markdown text, previewed as they will see it).
import { useLocation } from "preact-iso";
import { useState } from "preact/hooks";

import { useI18n } from "../../common/i18n.js";
import { Button, ErrorNotice, Field, Loading, Notice, PageTitle, useAsync } from "../../common/ui.jsx";
import { api, markChange, patiently } from "../api.js";
import { CampaignLandingFields, CampaignNameField } from "../components/CampaignTextFields.jsx";
import { useFormErrors } from "../components/formErrors.js";
import { useOrga } from "../session.jsx";

const FIELDS = ["name", "type", "target_profile_id", "external_id_label", "external_id_type", "title", "landing_text"];

function TargetProfileSelect({ profiles, value, onChange, error }) {
  const { t } = useI18n();
  const groups = [
    ["TARGET_PROFILE", t("orga.campaign_form.group_profiles")],
    ["COMPETENCE", t("orga.campaign_form.group_competences")],
  ];
  const chosen = profiles.find((profile) => profile.id === value);
  return (
    <Field label={t("orga.campaign_form.target_profile")} required error={error}
      hint={chosen ? `${chosen.description} ${t("orga.campaign_form.skills_count", { count: chosen.skills_count })}`
        : t("orga.campaign_form.target_profile_hint")}>
      {(props) => (
        <select {...props} name="target_profile_id" value={value} onChange={(e) => onChange(e.currentTarget.value)}>
          <option value="">{t("orga.campaign_form.target_profile_choose")}</option>
          {groups.map(([category, label]) => {
            const items = profiles.filter((profile) => profile.category === category);
            return items.length ? (
              <optgroup key={category} label={label}>
                {items.map((profile) => <option key={profile.id} value={profile.id}>{profile.name}</option>)}
              </optgroup>
            ) : null;
          })}
        </select>
      )}
    </Field>
  );
}

function Choice({ name, value, checked, onChange, children }) {
  return (
    <label class="choice">
      <input type="radio" name={name} value={value} checked={checked} onChange={() => onChange(value)} />
      <span>{children}</span>
    </label>
  );
}

export function CampaignCreate() {
  const { t, locale } = useI18n();
  const { organizationId } = useOrga();
  const { route } = useLocation();
  const profiles = useAsync(
    () => patiently(() => api.get("/api/target-profiles", { organization_id: organizationId, locale })),
    [organizationId, locale],
  );
  const [form, setForm] = useState({
    name: "", type: "ASSESSMENT", target_profile_id: "", asks_external_id: "no", external_id_label: "",
    external_id_type: "TEXT", title: "", landing_text: "", multiple_sendings: false,
  });
  const { general, fields, setError, edited } = useFormErrors(t, FIELDS);
  const [busy, setBusy] = useState(false);
  const set = (changes) => {
    edited(changes);
    setForm((previous) => ({ ...previous, ...changes }));
  };
  const assessment = form.type === "ASSESSMENT";

  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const asks = form.asks_external_id === "yes";
    if (asks && !form.external_id_label.trim()) {
      // Without a label the API would ask for no external id at all: said here instead.
      setError({ code: "EXTERNAL_ID_LABEL_MISSING", message: t("orga.campaign_form.external_id_label_required"),
        details: { field: "external_id_label" } });
      setBusy(false);
      requestAnimationFrame(() => document.querySelector("form [aria-invalid='true']")?.focus());
      return;
    }
    try {
      const campaign = await api.post(`/api/organizations/${organizationId}/campaigns`, {
        type: form.type,
        name: form.name.trim(),
        target_profile_id: assessment ? form.target_profile_id || null : null,
        external_id_label: asks ? form.external_id_label.trim() || null : null,
        external_id_type: asks ? form.external_id_type : null,
        title: assessment ? form.title.trim() || null : null,
        landing_text: form.landing_text.trim() || null,
        multiple_sendings: !assessment && form.multiple_sendings,
      });
      markChange();
      route(`/orga/campagnes/${campaign.id}`);
    } catch (failure) {
      setError(failure);
      setBusy(false);
      // The summary (role=alert) is read out; the focus goes to the first field in error.
      requestAnimationFrame(() => document.querySelector("form [aria-invalid='true']")?.focus());
    }
  }

  return (
    <>
      <p><a href="/orga/campagnes">{t("orga.campaign.back_to_list")}</a></p>
      <PageTitle>{t("orga.campaign_form.title")}</PageTitle>
      <form class="form card" onSubmit={submit} noValidate>
        <ErrorNotice error={general} />
        {Object.keys(fields).length ? <Notice kind="error">{t("orga.campaign_form.fix_fields")}</Notice> : null}
        <CampaignNameField value={form.name} error={fields.name} hint={t("orga.campaign_form.name_hint")}
          onInput={(name) => set({ name })} />

        <fieldset class="field">
          <legend>{t("orga.campaign_form.type")}</legend>
          <Choice name="type" value="ASSESSMENT" checked={assessment} onChange={(type) => set({ type })}>
            {t("orga.campaign_form.type_assessment")}
          </Choice>
          <Choice name="type" value="PROFILES_COLLECTION" checked={!assessment} onChange={(type) => set({ type })}>
            {t("orga.campaign_form.type_profiles")}
          </Choice>
          {fields.type ? <p class="field__error">{fields.type}</p> : null}
        </fieldset>

        {assessment ? (
          profiles.data ? (
            <TargetProfileSelect profiles={profiles.data.items} value={form.target_profile_id}
              error={fields.target_profile_id} onChange={(id) => set({ target_profile_id: id })} />
          ) : profiles.error ? <ErrorNotice error={profiles.error} /> : <Loading />
        ) : (
          <label class="choice">
            <input type="checkbox" checked={form.multiple_sendings}
              onChange={(e) => set({ multiple_sendings: e.currentTarget.checked })} />
            <span>{t("orga.campaign_form.multiple_sendings")}</span>
          </label>
        )}

        <fieldset class="field">
          <legend>{t("orga.campaign_form.external_id")}</legend>
          <Choice name="asks_external_id" value="no" checked={form.asks_external_id === "no"}
            onChange={(value) => set({ asks_external_id: value })}>
            {t("orga.no")}
          </Choice>
          <Choice name="asks_external_id" value="yes" checked={form.asks_external_id === "yes"}
            onChange={(value) => set({ asks_external_id: value })}>
            {t("orga.yes")}
          </Choice>
        </fieldset>
        {form.asks_external_id === "yes" ? (
          <div class="form-row">
            <Field label={t("orga.campaign_form.external_id_label")} required error={fields.external_id_label}
              hint={t("orga.campaign_form.external_id_label_hint")}>
              {(props) => (
                <input {...props} name="external_id_label" maxLength={255} value={form.external_id_label}
                  onInput={(e) => set({ external_id_label: e.currentTarget.value })} />
              )}
            </Field>
            <Field label={t("orga.campaign_form.external_id_type")} error={fields.external_id_type}>
              {(props) => (
                <select {...props} name="external_id_type" value={form.external_id_type}
                  onChange={(e) => set({ external_id_type: e.currentTarget.value })}>
                  <option value="TEXT">{t("orga.external_id_type.TEXT")}</option>
                  <option value="EMAIL">{t("orga.external_id_type.EMAIL")}</option>
                </select>
              )}
            </Field>
          </div>
        ) : null}

        <CampaignLandingFields form={form} set={set} fields={fields} assessment={assessment} />

        <div class="actions">
          <Button type="submit" busy={busy}>{t("orga.campaign_form.submit")}</Button>
          <a class="button button--secondary" href="/orga/campagnes">{t("common.cancel")}</a>
        </div>
      </form>
    </>
  );
}
