// The Certif face's API client: its own session key, so a centre member, a teacher and a learner can be
// signed in side by side in one browser (one session per face).
import { createApi } from "../common/api.js";

export const api = createApi({ storageKey: "skills.certif.session" });

// certification learns of a school's admins, a verified address or an accepted invitation by events: for a
// few seconds after such a change, it may still refuse. Those refusals are retried before they are shown.
const LAGGING = new Set(["NOT_A_CENTER_MEMBER", "CENTER_NOT_FOUND", "EMAIL_NOT_VERIFIED"]);

export async function patiently(load, { attempts = 6, delay = 1000 } = {}) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await load();
    } catch (error) {
      if (!LAGGING.has(error?.code) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
