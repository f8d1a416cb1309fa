// The root of a face: the language (kept across visits) and the router (preact-iso, history API).
import { render } from "preact";
import { LocationProvider } from "preact-iso";
import { useEffect, useMemo, useState } from "preact/hooks";

import { I18n, initialLocale, makeTranslator, rememberLocale } from "./i18n.js";
import "./styles.css";

function FaceRoot({ messages, children }) {
  const [locale, setLocale] = useState(initialLocale);
  const t = useMemo(() => makeTranslator(locale, messages), [locale, messages]);
  useEffect(() => rememberLocale(locale), [locale]);
  return (
    <I18n.Provider value={{ t, locale, setLocale }}>
      <LocationProvider>{children}</LocationProvider>
    </I18n.Provider>
  );
}

// mountFace(<App/>, {fr, en}) renders a face into #app.
export function mountFace(app, messages) {
  render(<FaceRoot messages={messages}>{app}</FaceRoot>, document.getElementById("app"));
}
