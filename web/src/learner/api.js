// The learner face's one API client (its own session key: signing in to Orga in the same
// browser does not sign the learner in, and the reverse).
import { createApi } from "../common/api.js";

export const api = createApi({ storageKey: "skills.learner.session" });
