// /campagnes/{code}/identifiant: the identifier the organization asks for (its label comes from the
// campaign: "Numéro étudiant"...), sent when joining.
import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";

import { useI18n } from "../../common/i18n.js";
import { Button, ErrorNotice, Field, Loading, PageTitle, useAsync } from "../../common/ui.jsx";
import { join, landingOf, normalizeCode, paths } from "../campaign.js";
import { Shell } from "../components/Shell.jsx";
import { explain } from "../explain.js";
import { useSignedIn } from "../session.jsx";
import { firstStepAfterJoining } from "./Join.jsx";

export function ExternalId({ code }) {
  const { t } = useI18n();
  useSignedIn();
  const { route } = useLocation();
  const wanted = normalizeCode(code);
  const { data: landing, error: loadError } = useAsync(() => landingOf(wanted), [wanted]);
  const [value, setValue] = useState("");
  const [fieldError, setFieldError] = useState(null);
  const [failure, setFailure] = useState(null);
  const [busy, setBusy] = useState(false);

  async function submit(event) {
    event.preventDefault();
    setFailure(null);
    if (!value.trim()) {
      setFieldError(t("learner.external_id.missing", { label: landing.external_id_label }));
      document.getElementById("external-id")?.focus();
      return;
    }
    setFieldError(null);
    setBusy(true);
    try {
      route(firstStepAfterJoining(await join(wanted, value.trim())), true);
    } catch (error) {
      setBusy(false);
      if (error.code === "LEARNER_NOT_MATCHED") route(paths.matching(wanted), true);
      else if (error.code?.startsWith("EXTERNAL_ID")) {
        setFieldError(explain(t, error, "learner.external_id.errors"));
        document.getElementById("external-id")?.focus();
      } else setFailure(error);
    }
  }

  if (loadError) {
    return (
      <Shell>
        <PageTitle>{t("learner.external_id.title")}</PageTitle>
        <ErrorNotice error={loadError} />
      </Shell>
    );
  }
  if (!landing) {
    return (
      <Shell>
        <Loading />
      </Shell>
    );
  }
  const email = landing.external_id_type === "EMAIL";
  return (
    <Shell campaignTitle={landing.title}>
      <div class="card">
        <PageTitle>{t("learner.external_id.title")}</PageTitle>
        <p>{t("learner.external_id.intro", { organization: landing.organization_name || "" })}</p>
        <form class="form" onSubmit={submit} noValidate>
          <ErrorNotice error={failure} />
          <Field id="external-id" label={landing.external_id_label || t("learner.external_id.default_label")}
            hint={email ? t("learner.external_id.email_hint") : null} error={fieldError} required>
            {(props) => (
              <input {...props} type={email ? "email" : "text"} name="external_id" autoComplete="off" value={value}
                onInput={(event) => setValue(event.currentTarget.value)} />
            )}
          </Field>
          <div class="actions">
            <Button type="submit" busy={busy}>{t("learner.external_id.submit")}</Button>
            <a href={paths.landing(wanted)}>{t("learner.external_id.cancel")}</a>
          </div>
        </form>
      </div>
    </Shell>
  );
}
