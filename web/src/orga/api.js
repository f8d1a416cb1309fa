// The Orga face's API client: its own session key, so a teacher and a learner can be signed in
// side by side in one browser (two faces, two sessions).
import { createApi } from "../common/api.js";

export const api = createApi({ storageKey: "skills.orga.session" });

// A file the API serves behind the Authorization header (CSV export, CSV template): a plain link
// cannot send the header, so the file is fetched, then handed to the browser as a download.
export async function download(path, query, fallbackName) {
  const response = await api.request("GET", path, { raw: true, query });
  const blob = await response.blob();
  const name = fileNameOf(response.headers.get("Content-Disposition")) || fallbackName;
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

export function fileNameOf(disposition) {
  if (!disposition) return null;
  const exact = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (exact) {
    try {
      return decodeURIComponent(exact[1].trim());
    } catch {
      // a malformed escape: the ASCII name below is still there
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1].trim() : null;
}

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
