// A campaign as the learner goes through it: its addresses (French, as Pix's, and each one
// survives a reload: what a page needs is read again from the API) and the steps between them.
import { ApiError } from "../common/api.js";
import { api } from "./api.js";

// What a learner typed, as a code: spaces and dashes ignored, upper case (as the API reads it).
export function normalizeCode(text) {
  return (text || "").replace(/[\s-]/g, "").toUpperCase();
}

const base = (code) => `/campagnes/${encodeURIComponent(code)}`;
export const paths = {
  landing: base,
  join: (code) => `${base(code)}/rejoindre`,
  externalId: (code) => `${base(code)}/identifiant`,
  matching: (code) => `${base(code)}/eleve`,
  rules: (code, step = 1) => `${base(code)}/didacticiel/${step}`,
  test: (code) => `${base(code)}/evaluation`,
  checkpoint: (code) => `${base(code)}/evaluation/checkpoint`,
  results: (code) => `${base(code)}/resultats`,
};

export const RULES_STEPS = 4;

export function landingOf(code) {
  return api.get(`/api/campaigns/by-code/${encodeURIComponent(normalizeCode(code))}`);
}

export async function myParticipations() {
  return (await api.get("/api/users/me/campaign-participations")).items;
}

// The learner's live participation in the campaign of this code, or null.
export async function participationOf(code) {
  const wanted = normalizeCode(code);
  return (await myParticipations()).find((item) => item.campaign_code === wanted) || null;
}

// Where a participation goes on from: the test while it runs, the results once it is over.
export function nextPath(participation) {
  return participation.status === "STARTED" ? paths.test(participation.campaign_code)
    : paths.results(participation.campaign_code);
}

// The rules are shown once per participation; the mark stays in this browser (a learner who comes
// back elsewhere with answers given does not see them again: the test page also checks that).
const rulesKey = (participationId) => `skills.learner.rules-seen.${participationId}`;
export function rulesSeen(participationId) {
  return localStorage.getItem(rulesKey(participationId)) === "1";
}
export function markRulesSeen(participationId) {
  localStorage.setItem(rulesKey(participationId), "1");
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Some answers only mean "not yet": what another service did a moment ago reaches campaigns by
// events (the organization, the learner just matched, the assessment just created). Those are
// asked again a few times before the error is shown.
export async function patiently(call, waitFor, { tries = 15, every = 1000 } = {}) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ApiError) || !waitFor(error) || attempt >= tries) throw error;
      await pause(every);
    }
  }
}

// Join with the code (and the external id when the campaign asks for one). Joining again gives back
// the same participation, so a retried click does no harm.
export function join(code, externalId, { afterMatching = false } = {}) {
  const body = { campaign_code: normalizeCode(code) };
  if (externalId !== undefined) body.participant_external_id = externalId;
  return patiently(() => api.post("/api/campaign-participations", body),
    (error) => error.code === "ORGANIZATION_NOT_KNOWN_YET" || (afterMatching && error.code === "LEARNER_NOT_MATCHED"));
}

// The assessment of a participation, created by an event a moment after joining (404 until then).
export function assessmentOf(participationId, options) {
  return patiently(() => api.get(`/api/campaign-participations/${participationId}/assessment`),
    (error) => error.status === 404 && error.code !== "PARTICIPATION_NOT_FOUND", options);
}

// The test of a participation that runs: after "improve" the participation runs again a moment before
// assessment has made its new test (an event), and its assessment is still the finished one. Asked again
// until a test that runs comes, or the participation no longer runs (a test just over: the results).
export async function runningAssessmentOf(participationId, { tries = 60, every = 1000 } = {}) {
  for (let attempt = 1; ; attempt += 1) {
    const found = await assessmentOf(participationId, { tries, every });
    if (found.state !== "COMPLETED" || attempt >= tries) return found;
    const participation = await api.get(`/api/campaign-participations/${participationId}`);
    if (participation.status !== "STARTED") return found;
    await pause(every);
  }
}
