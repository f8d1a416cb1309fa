// The Orga face's API client: its own session key, so a teacher and a learner can be signed in
// side by side in one browser (two faces, two sessions).
import { createApi } from "../common/api.js";
import { downloader } from "../common/download.js";

export const api = createApi({ storageKey: "skills.orga.session" });
export const download = downloader(api);

// The services learn of a new member, an accepted Orga terms, a verified address or a new campaign
// through events: for a few seconds after such a change, one of them may still refuse. Those refusals are
// retried before they are shown: a few seconds at any time, longer just after this page made
// such a change itself (markChange), so a real refusal is not kept waiting for long.
const LAGGING = new Set(["NOT_A_MEMBER", "ORGA_TERMS_NOT_ACCEPTED", "ORGANIZATION_NOT_KNOWN_YET", "CAMPAIGN_NOT_FOUND",
  "EMAIL_NOT_VERIFIED"]);
const RECENT_MS = 30_000;
let changedAt = 0;

export function markChange() {
  changedAt = Date.now();
}

export async function patiently(load, { delay = 1000 } = {}) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await load();
    } catch (error) {
      const attempts = Date.now() - changedAt < RECENT_MS ? 20 : 6;
      if (!LAGGING.has(error?.code) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
