// Scheduling a session, or changing one (until a candidate starts): address, room, date, time, examiner,
// description. The API's refusals land on their field (SESSION_ROOM_REQUIRED on the room,
// SESSION_OUTSIDE_WINDOW on the date...), translated; the focus goes to the first field in error.
import { useLocation } from "preact-iso";
import { useEffect, useState } from "preact/hooks";

import { useI18n } from "../../common/i18n.js";
import { Button, ErrorNotice, Field, Loading, Notice, PageTitle, useAsync } from "../../common/ui.jsx";
import { useFormErrors } from "../../orga/components/formErrors.js";
import { api, patiently } from "../api.js";
import { useCertif } from "../session.jsx";

const FIELDS = ["address", "room", "date", "time", "examiner", "description"];
const EMPTY = { address: "", room: "", date: "", time: "", examiner: "", description: "" };

function focusFirstError() {
  requestAnimationFrame(() => document.querySelector("form [aria-invalid='true']")?.focus());
}

function SessionFields({ form, fields, set }) {
  const { t } = useI18n();
  const text = (name, props, extra = {}) => (
    <input {...props} name={name} value={form[name]} onInput={(event) => set({ [name]: event.currentTarget.value })}
      {...extra} />
  );
  return (
    <>
      <Field label={t("certif.session.address")} error={fields.address} required>
        {(props) => text("address", props, { autoComplete: "street-address" })}
      </Field>
      <div class="form-row">
        <Field label={t("certif.session.room")} error={fields.room} required>
          {(props) => text("room", props)}
        </Field>
        <Field label={t("certif.session.examiner")} error={fields.examiner} required>
          {(props) => text("examiner", props)}
        </Field>
      </div>
      <div class="form-row">
        <Field label={t("certif.session.date")} hint={t("certif.session_form.date_hint")} error={fields.date} required>
          {(props) => text("date", props, { type: "date" })}
        </Field>
        <Field label={t("certif.session.time")} hint={t("certif.session_form.time_hint")} error={fields.time} required>
          {(props) => text("time", props, { type: "time" })}
        </Field>
      </div>
      <Field label={t("certif.session.description")} hint={t("certif.session_form.description_hint")}
        error={fields.description}>
        {(props) => (
          <textarea {...props} name="description" rows={3} value={form.description}
            onInput={(event) => set({ description: event.currentTarget.value })} />
        )}
      </Field>
    </>
  );
}

function body(form) {
  const trimmed = Object.fromEntries(FIELDS.map((name) => [name, form[name].trim()]));
  // An empty field is sent as nothing: the API names what is missing, on its field.
  return Object.fromEntries(Object.entries(trimmed).map(([name, value]) => [name, value || null]));
}

function useSessionForm(initial) {
  const { t } = useI18n();
  const [form, setForm] = useState(initial);
  const errors = useFormErrors(t, FIELDS);
  const set = (changes) => {
    errors.edited(changes);
    setForm((previous) => ({ ...previous, ...changes }));
  };
  return { form, setForm, set, ...errors };
}

export function SessionCreate() {
  const { t } = useI18n();
  const { centerId } = useCertif();
  const { route } = useLocation();
  const { form, set, general, fields, setError } = useSessionForm(EMPTY);
  const [busy, setBusy] = useState(false);
  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await api.post(`/api/certification-centers/${centerId}/sessions`, body(form));
      route(`/certif/sessions/${session.id}`);
    } catch (failure) {
      setError(failure);
      setBusy(false);
      focusFirstError();
    }
  }
  return (
    <>
      <p><a href="/certif/sessions">{t("certif.session.back_to_list")}</a></p>
      <PageTitle>{t("certif.session_form.create_title")}</PageTitle>
      <form class="form card" onSubmit={submit} noValidate>
        <ErrorNotice error={general} />
        {Object.keys(fields).length ? <Notice kind="error">{t("certif.session_form.fix_fields")}</Notice> : null}
        <SessionFields form={form} fields={fields} set={set} />
        <div class="actions">
          <Button type="submit" busy={busy}>{t("certif.session_form.create_submit")}</Button>
          <a class="button button--secondary" href="/certif/sessions">{t("common.cancel")}</a>
        </div>
      </form>
    </>
  );
}

export function SessionEdit({ id }) {
  const { t } = useI18n();
  const { route } = useLocation();
  const loaded = useAsync(() => patiently(() => api.get(`/api/certification-sessions/${id}`)), [id]);
  const { form, setForm, set, general, fields, setError } = useSessionForm(EMPTY);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const session = loaded.data;
    if (session) setForm(Object.fromEntries(FIELDS.map((name) => [name, session[name] || ""])));
  }, [loaded.data]); // eslint-disable-line react-hooks/exhaustive-deps
  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const changes = body(form);
    if (!changes.date) {
      // A change never sends an empty date (the API reads only real dates): said here, with the API's code.
      setError({ code: "SESSION_DATE_REQUIRED", details: { field: "date" } });
      setBusy(false);
      focusFirstError();
      return;
    }
    try {
      // The description may be emptied (null); a blank required text is sent as "" for the API to name it.
      await api.patch(`/api/certification-sessions/${id}`, {
        ...Object.fromEntries(FIELDS.map((name) => [name, changes[name] ?? ""])), description: changes.description,
      });
      route(`/certif/sessions/${id}`);
    } catch (failure) {
      setError(failure);
      setBusy(false);
      focusFirstError();
    }
  }
  const back = `/certif/sessions/${id}`;
  return (
    <>
      <p><a href={back}>{t("certif.session.back_to_session")}</a></p>
      <PageTitle>{loaded.data ? t("certif.session_form.edit_title", { number: loaded.data.number })
        : t("certif.session_form.edit_title_plain")}</PageTitle>
      <ErrorNotice error={loaded.error} />
      {loaded.loading && !loaded.data ? <Loading /> : null}
      {loaded.data ? (
        <form class="form card" onSubmit={submit} noValidate>
          <ErrorNotice error={general} />
          {Object.keys(fields).length ? <Notice kind="error">{t("certif.session_form.fix_fields")}</Notice> : null}
          <SessionFields form={form} fields={fields} set={set} />
          <div class="actions">
            <Button type="submit" busy={busy}>{t("common.save")}</Button>
            <a class="button button--secondary" href={back}>{t("common.cancel")}</a>
          </div>
        </form>
      ) : null}
    </>
  );
}
