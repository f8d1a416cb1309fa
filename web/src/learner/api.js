// The learner face's one API client (its own session key: signing in to Orga in the same
// browser does not sign the learner in, and the reverse).
import { createApi } from "../common/api.js";
import { downloader } from "../common/download.js";

export const api = createApi({ storageKey: "skills.learner.session" });
export const download = downloader(api);
