// Opening a session as its invigilator (/certif/surveillance): its number and the invigilator password the
// centre gave (any account may invigilate; no centre membership is needed), then the live page.
import { useLocation } from "preact-iso";
import { useState } from "preact/hooks";

import { useI18n } from "../../common/i18n.js";
import { Button, ErrorNotice, Field, PageTitle } from "../../common/ui.jsx";
import { api } from "../api.js";

export function InvigilationLogin() {
  const { t } = useI18n();
  const { query, route } = useLocation();
  const [number, setNumber] = useState(query.session || "");
  const [password, setPassword] = useState("");
  const [state, setState] = useState({ busy: false, error: null });
  const field = state.error?.details?.fields || {};

  async function submit(event) {
    event.preventDefault();
    setState({ busy: true, error: null });
    try {
      const view = await api.post("/api/certification-invigilations", {
        session_number: Number(number.trim()), invigilator_password: password.trim() });
      route(`/certif/surveillance/${view.id}`);
    } catch (failure) {
      setState({ busy: false, error: failure });
    }
  }

  return (
    <>
      <PageTitle>{t("certif.invigilation.login_title")}</PageTitle>
      <p class="lead">{t("certif.invigilation.login_intro")}</p>
      <form class="form card" onSubmit={submit} noValidate>
        <ErrorNotice error={state.error} />
        <Field label={t("certif.session.number")} required
          error={field.session_number ? t("certif.invigilation.number_invalid") : null}>
          {(props) => (
            <input {...props} name="session_number" inputMode="numeric" autoComplete="off" value={number}
              onInput={(e) => setNumber(e.currentTarget.value)} />
          )}
        </Field>
        <Field label={t("certif.session.invigilator_password")} required>
          {(props) => (
            <input {...props} name="invigilator_password" autoComplete="off" value={password}
              onInput={(e) => setPassword(e.currentTarget.value)} />
          )}
        </Field>
        <Button type="submit" busy={state.busy}>{t("certif.invigilation.open")}</Button>
      </form>
    </>
  );
}
