import { errorMessage } from "../common/i18n.js";

// A sentence for an API error: the page's own wording when it has one (prefix.CODE: what this step
// means for the learner), else the platform's sentence for the code.
export function explain(t, error, prefix) {
  const own = `${prefix}.${error?.code}`;
  return prefix && error?.code && t.has(own) ? t(own, error.details || {}) : errorMessage(t, error);
}
