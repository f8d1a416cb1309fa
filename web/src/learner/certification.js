// The candidate's certification, as the learner face follows it: the enrolment joined (its id kept in
// localStorage, so a reload or a closed tab finds the waiting screen again), the paths of its steps, the test
// (served by assessment, by course), the certificates once published, and anyone's check of one by its code.
import { patiently } from "./campaign.js";
import { api } from "./api.js";

const CANDIDATE_KEY = "skills.learner.certification_candidate";

export const certificationPaths = {
  join: () => "/certification",
  candidate: (id) => `/certification/${encodeURIComponent(id)}`,
  certificates: () => "/mes-certifications",
  certificate: (id) => `/mes-certifications/${encodeURIComponent(id)}`,
  verification: () => "/verification-certificat",
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

// -- the test, in assessment ---------------------------------------------------------------------------

const course = (courseId) => `/api/certification-courses/${encodeURIComponent(courseId)}`;
export const testPaths = {
  summary: (courseId) => `${course(courseId)}/assessment`,
  next: (courseId) => `${course(courseId)}/assessment/next-challenge`,
  answers: (courseId) => `${course(courseId)}/assessment/answers`,
  liveAlerts: (courseId) => `${course(courseId)}/live-alerts`,
};

// assessment makes the test when certification's "course started" event reaches it, a moment after the access
// code: until then it answers 404, asked again (every second, up to a minute) before the error is shown.
export function testNotReadyYet(error) {
  return error.code === "CERTIFICATION_TEST_NOT_FOUND";
}

export function whenTestReady(call) {
  return patiently(call, testNotReadyYet, { tries: 60 });
}

export function testOf(courseId) {
  return api.get(testPaths.summary(courseId));
}

export function answerQuestion(courseId, body) {
  return api.post(testPaths.answers(courseId), body);
}

export function signalProblem(courseId) {
  return api.post(testPaths.liveAlerts(courseId));
}

// -- certificates ---------------------------------------------------------------------------------------

export async function myCertificates() {
  return (await api.get("/api/certificates")).items;
}

export function certificateOf(courseId) {
  return api.get(`/api/certificates/${encodeURIComponent(courseId)}`);
}

export function verifyCertificate(code) {
  return api.post("/api/certificate-verifications", { verification_code: code }, { auth: false });
}

// A verification code as printed on a certificate: "P-" and 8 letters or digits. What a person types is
// read in capitals, without spaces, the dash added when left out; null when it cannot be one.
export function normalizeVerificationCode(text) {
  const compact = (text || "").replace(/\s+/g, "").toUpperCase();
  const code = /^P[A-Z0-9]{8}$/.test(compact) ? `P-${compact.slice(1)}` : compact;
  return /^P-[A-Z0-9]{8}$/.test(code) ? code : null;
}
