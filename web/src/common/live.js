// A page pushed live by the server (svckit.live): an event stream whose `event` messages carry the page's view
// as JSON, at connect and on every change (the invigilator's page in Certif, a campaign's activity in Orga).
// The npm `eventsource` client sends the Authorization header through the face's api.authorizedFetch (the
// token refreshed on 401) and reconnects by itself when the server ends the stream; when the connection fails
// (an error status, the network), it is opened again here, later each time (5 s, 10 s... 1 min).
import { EventSource } from "eventsource";
import { useEffect, useRef, useState } from "preact/hooks";

const FIRST_DELAY = 5000;
const MAX_DELAY = 60000;

// onView(view) for every view received; returns "connecting", "live" or "offline" (a page may fall back to
// polling while it is not "live").
export function useLiveView(api, path, event, onView) {
  const [state, setState] = useState("connecting");
  const saved = useRef(onView);
  saved.current = onView;
  useEffect(() => {
    let source = null;
    let timer = null;
    let delay = FIRST_DELAY;
    let stopped = false;
    function open() {
      source = new EventSource(path, { fetch: (url, init) => api.authorizedFetch(url, init) });
      source.addEventListener("open", () => {
        delay = FIRST_DELAY;
        setState("live");
      });
      source.addEventListener(event, (message) => {
        let view;
        try {
          view = JSON.parse(message.data);
        } catch {
          return; // a message that is not the view: ignored, the next one replaces it
        }
        saved.current(view);
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
    setState("connecting");
    open();
    return () => {
      stopped = true;
      clearTimeout(timer);
      source?.close();
    };
  }, [api, path, event]);
  return state;
}
