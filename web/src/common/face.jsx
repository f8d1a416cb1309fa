// The root of a face: the language (kept across visits) and the router (preact-iso, history API).
import { render } from "preact";
import { LocationProvider } from "preact-iso";
import { useEffect, useMemo, useState } from "preact/hooks";

import { I18n, initialLocale, makeTranslator, rememberLocale } from "./i18n.js";
import "./styles.css";

function FaceRoot({ messages, scope, children }) {
  const [locale, setLocale] = useState(initialLocale);
  const t = useMemo(() => makeTranslator(locale, messages), [locale, messages]);
  useEffect(() => rememberLocale(locale), [locale]);
  return (
    <I18n.Provider value={{ t, locale, setLocale }}>
      <LocationProvider scope={scope}>{children}</LocationProvider>
    </I18n.Provider>
  );
}

// mountFace(<App/>, {fr, en}, scope) renders a face into #app. `scope` (a path prefix or a regex)
// is what the face's router handles itself: a link outside it is a real page load, so a link from
// one face to the other loads the other face instead of the first one's "not found".
export function mountFace(app, messages, scope) {
  render(<FaceRoot messages={messages} scope={scope}>{app}</FaceRoot>, document.getElementById("app"));
}
