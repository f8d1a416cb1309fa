// The candidate's certification, as the learner face follows it: the enrolment joined (its id kept in
// localStorage, so a reload or a closed tab finds the waiting screen again) and the paths of its steps.
import { api } from "./api.js";

const CANDIDATE_KEY = "skills.learner.certification_candidate";

export const certificationPaths = {
  join: () => "/certification",
  candidate: (id) => `/certification/${encodeURIComponent(id)}`,
};

export function rememberedCandidate() {
  return localStorage.getItem(CANDIDATE_KEY);
}

export function forgetCandidate() {
  localStorage.removeItem(CANDIDATE_KEY);
}

export async function joinSession(body) {
  const enrolment = await api.post("/api/certification-joinings", body);
  localStorage.setItem(CANDIDATE_KEY, enrolment.id);
  return enrolment;
}

export function enrolmentOf(candidateId) {
  return api.get(`/api/certification-joinings/${encodeURIComponent(candidateId)}`);
}

export function startCourse(candidateId, accessCode) {
  return api.post("/api/certification-courses", { candidate_id: candidateId, access_code: accessCode });
}

// What the candidate types: the code in capitals, without spaces (it is read aloud or written on a board).
export function normalizeAccessCode(text) {
  return text.replace(/\s+/g, "").toUpperCase();
}
