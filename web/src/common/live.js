// The invigilator's view, pushed live: GET /api/certification-sessions/{id}/invigilation/events is an event
// stream whose `invigilation` messages carry the whole view (the JSON of GET .../invigilation), at connect and
// on every change. The npm `eventsource` client sends the Authorization header through api.authorizedFetch
// (the token refreshed on 401) and reconnects by itself when the server ends the stream; when the connection
// fails (an error status, the network), it is opened again here, later each time (5 s, 10 s... 1 min).
import { EventSource } from "eventsource";
import { useEffect, useRef, useState } from "preact/hooks";

import { api } from "./api.js";

const FIRST_DELAY = 5000;
const MAX_DELAY = 60000;

// onView(view) for every view received; returns "connecting", "live" or "offline".
export function useInvigilationStream(sessionId, onView) {
  const [state, setState] = useState("connecting");
  const saved = useRef(onView);
  saved.current = onView;
  useEffect(() => {
    let source = null;
    let timer = null;
    let delay = FIRST_DELAY;
    let stopped = false;
    function open() {
      source = new EventSource(`/api/certification-sessions/${sessionId}/invigilation/events`, {
        fetch: (url, init) => api.authorizedFetch(url, init),
      });
      source.addEventListener("open", () => {
        delay = FIRST_DELAY;
        setState("live");
      });
      source.addEventListener("invigilation", (event) => {
        try {
          saved.current(JSON.parse(event.data));
        } catch {
          // a message that is not the view: ignored, the next one replaces it
        }
      });
      source.addEventListener("error", () => {
        if (stopped) return;
        if (source.readyState === EventSource.CLOSED) {
          setState("offline");
          timer = setTimeout(open, delay);
          delay = Math.min(delay * 2, MAX_DELAY);
        } else setState("connecting");
      });
    }
    open();
    return () => {
      stopped = true;
      clearTimeout(timer);
      source?.close();
    };
  }, [sessionId]);
  return state;
}

// The candidates whose state (as describe() says it) changed between two views, in the new view's order.
export function changedCandidates(previous, next, describe) {
  if (!previous) return [];
  const before = new Map(previous.candidates.map((c) => [c.id, describe(c)]));
  return next.candidates.filter((candidate) => before.get(candidate.id) !== describe(candidate));
}
