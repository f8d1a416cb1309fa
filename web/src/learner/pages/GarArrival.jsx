// /connexion/gar: where identity sends a pupil back from the GAR (their school's ENT), the outcome in the URL's
// fragment (never sent to a server, and wiped from the address bar at once):
// - access_token, refresh_token...: the pupil's GAR identity signs in an account: kept as a log-in keeps them, then
//   on to target (the campaign or session they came for; home by default);
// - arrival_token: a first arrival. "J'ai déjà un compte" links the GAR to it (POST /api/saml/links, an email or a
//   username and its password). "Je crée mon compte": the pupil first finds themself in the school's list with
//   their birth date (POST /api/gar/learner-match: organizations reads the names and school from the arrival
//   token), and is told if they already have an account (Pix's codes R11-R13, R31-R33, the way it signs in
//   masked) before any second account is made; then the account whose sign-in method is the GAR is made
//   (POST /api/saml/accounts, no email, no password), linked to the learner found (the reconciliation), and on
//   to target. The arrival token lasts 10 minutes.
import { useEffect, useRef, useState } from "preact/hooks";
import { useLocation } from "preact-iso";

import { useI18n } from "../../common/i18n.js";
import { Button, ErrorNotice, Loading, LogInForm, Notice, PageTitle } from "../../common/ui.jsx";
import { api } from "../api.js";
import { Shell } from "../components/Shell.jsx";
import { safeReturn } from "../session.jsx";
import { expiredPasswordHref, passwordChangeNeeded } from "./ExpiredPassword.jsx";
import { BirthDate, isoDate } from "./Matching.jsx";

function readOutcome() {
  const found = Object.fromEntries(new URLSearchParams(window.location.hash.slice(1)));
  return { ...found, target: safeReturn(found.target) };
}

function tokensOf(outcome) {
  return { access_token: outcome.access_token, refresh_token: outcome.refresh_token, token_type: "Bearer",
    expires_in: Number(outcome.expires_in) || undefined, user_id: outcome.user_id };
}

export function GarArrival() {
  const { t, locale } = useI18n();
  const { route } = useLocation();
  const [outcome] = useState(readOutcome);
  const [accepted, setAccepted] = useState(false);
  const [termsError, setTermsError] = useState(null);
  const [failure, setFailure] = useState(null);
  const [busy, setBusy] = useState(false);
  const [birth, setBirth] = useState({ day: "", month: "", year: "" });
  const [birthError, setBirthError] = useState(null);

  useEffect(() => {
    // The tokens are secrets: out of the address bar (and of the history) at once.
    if (window.location.hash) window.history.replaceState(null, "", window.location.pathname);
    if (outcome.access_token) {
      api.useTokens(tokensOf(outcome));
      route(outcome.target, true);
    }
  }, []);

  if (outcome.access_token) {
    return <Shell><Loading label={t("learner.gar.signing_in")} /></Shell>;
  }
  if (!outcome.arrival_token) {
    return (
      <Shell>
        <div class="card">
          <PageTitle>{t("learner.gar.title")}</PageTitle>
          <Notice kind="error">{t("errors.GAR_ARRIVAL_INVALID")}</Notice>
          <p><a href="/connexion">{t("learner.account.back_to_log_in")}</a></p>
        </div>
      </Shell>
    );
  }

  // A temporary password a school's admin gave links nothing: the pupil chooses their own first (then signed in;
  // the GAR is linked at their next arrival from the ENT).
  const mustChange = useRef(false);
  async function linkAccount(login, password) {
    const body = { arrival_token: outcome.arrival_token, password,
      ...(login.includes("@") ? { email: login } : { username: login }) };
    mustChange.current = await passwordChangeNeeded(async () => {
      api.useTokens(await api.post("/api/saml/links", body, { auth: false }));
    });
  }
  const afterLink = () => (mustChange.current ? expiredPasswordHref(outcome.target) : outcome.target);

  async function createAccount() {
    setFailure(null);
    const birthdate = isoDate(birth.day, birth.month, birth.year);
    setBirthError(birthdate ? null : t("learner.matching.missing.birthdate"));
    setTermsError(accepted ? null : t("learner.sign_up.missing.accepted_terms"));
    if (!birthdate || !accepted) {
      document.getElementById(birthdate ? "gar-accepted_terms" : "birth-day")?.focus();
      return;
    }
    setBusy(true);
    try {
      // Found in the list first: a pupil who already has an account is told so, and nothing is made.
      const found = await api.post("/api/gar/learner-match", { arrival_token: outcome.arrival_token, birthdate },
        { auth: false });
      api.useTokens(await api.post("/api/saml/accounts", {
        arrival_token: outcome.arrival_token, accepted_terms: true, locale,
      }, { auth: false }));
      await api.post(`/api/organizations/${found.organization_id}/learners/reconciliation`, {
        first_name: outcome.first_name || found.first_name, last_name: outcome.last_name || found.last_name,
        birthdate,
      });
      route(outcome.target, true);
    } catch (error) {
      setFailure(error);
      setBusy(false);
    }
  }

  const name = [outcome.first_name, outcome.last_name].filter(Boolean).join(" ");
  return (
    <Shell>
      <div class="card">
        <PageTitle>{t("learner.gar.title")}</PageTitle>
        <p class="learner-lead">{t("learner.gar.welcome", { name })}</p>
        <p>{t("learner.gar.intro")}</p>
      </div>
      <section class="card" aria-labelledby="gar-link">
        <h2 id="gar-link">{t("learner.gar.link_title")}</h2>
        <p>{t("learner.gar.link_intro")}</p>
        <LogInForm api={api} withUsername logIn={linkAccount} submitLabel={t("learner.gar.link")}
          onDone={() => route(afterLink(), true)} />
      </section>
      <section class="card" aria-labelledby="gar-create">
        <h2 id="gar-create">{t("learner.gar.create_title")}</h2>
        <p>{t("learner.gar.create_intro")}</p>
        <BirthDate value={birth} onChange={setBirth} error={birthError} />
        <ErrorNotice error={failure} />
        <div class={`field${termsError ? " field--error" : ""}`}>
          <div class="choice">
            <input id="gar-accepted_terms" type="checkbox" checked={accepted}
              aria-describedby={termsError ? "gar-accepted_terms-error" : undefined}
              aria-invalid={termsError ? "true" : undefined}
              onChange={(event) => setAccepted(event.currentTarget.checked)} />
            <label for="gar-accepted_terms">{t("learner.sign_up.accepted_terms")}</label>
          </div>
          {termsError ? <p class="field__error" id="gar-accepted_terms-error">{termsError}</p> : null}
        </div>
        <div class="actions">
          <Button busy={busy} onClick={createAccount}>{t("learner.gar.create")}</Button>
        </div>
      </section>
    </Shell>
  );
}
