// The invigilator's view, pushed live: GET /api/certification-sessions/{id}/invigilation/events is an event
// stream whose `invigilation` messages carry the whole view (the JSON of GET .../invigilation), at connect and
// on every change (common/live.js: the client, its reconnections).
import { useLiveView } from "../common/live.js";
import { api } from "./api.js";

// onView(view) for every view received; returns "connecting", "live" or "offline".
export function useInvigilationStream(sessionId, onView) {
  return useLiveView(api, `/api/certification-sessions/${sessionId}/invigilation/events`, "invigilation", onView);
}

// The candidates whose state (as describe() says it) changed between two views, in the new view's order.
export function changedCandidates(previous, next, describe) {
  if (!previous) return [];
  const before = new Map(previous.candidates.map((c) => [c.id, describe(c)]));
  return next.candidates.filter((candidate) => before.get(candidate.id) !== describe(candidate));
}
