// The Orga terms of use, accepted once before any organization's data is shown.
import { useLocation } from "preact-iso";
import { useEffect, useState } from "preact/hooks";

import { useI18n } from "../../common/i18n.js";
import { Button, ErrorNotice, Loading, PageTitle } from "../../common/ui.jsx";
import { api, markChange } from "../api.js";
import { LogOutButton } from "../components/LogOutButton.jsx";
import { loginUrl } from "../components/Protected.jsx";
import { Bare } from "../components/Shell.jsx";
import { useOrga } from "../session.jsx";
import { nextUrl } from "./LogIn.jsx";

const SECTIONS = ["purpose", "data", "learners", "security"];

export function Terms() {
  const { t } = useI18n();
  const { query, url, route } = useLocation();
  const { signedIn, me, setMe } = useOrga();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);

  useEffect(() => {
    if (!signedIn) route(loginUrl(url), true);
    else if (me?.orga_terms_accepted) route(nextUrl(query), true);
  }, [signedIn, me]); // eslint-disable-line react-hooks/exhaustive-deps

  async function accept() {
    setBusy(true);
    setError(null);
    try {
      const user = await api.post("/api/users/me/orga-terms-acceptance");
      markChange();
      setMe(user);
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  }

  if (!me) return <Bare><Loading /></Bare>;
  return (
    <Bare>
      <PageTitle>{t("orga.terms.title")}</PageTitle>
      <p>{t("orga.terms.intro", { name: me.first_name })}</p>
      <div class="card terms">
        {SECTIONS.map((section) => (
          <section key={section}>
            <h2>{t(`orga.terms.${section}.title`)}</h2>
            <p>{t(`orga.terms.${section}.text`)}</p>
          </section>
        ))}
      </div>
      <ErrorNotice error={error} />
      <div class="actions">
        <Button busy={busy} onClick={accept}>{t("orga.terms.accept")}</Button>
        <LogOutButton />
      </div>
    </Bare>
  );
}
