// Who is signed in, for every page: the tokens live in the API client (localStorage), the user's
// name comes from GET /api/users/me once per sign-in.
import { createContext } from "preact";
import { useContext, useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";

import { api } from "./api.js";

const Session = createContext(null);

export function SessionProvider({ children }) {
  const [signedIn, setSignedIn] = useState(api.signedIn);
  const [user, setUser] = useState(null);
  useEffect(() => {
    const stop = api.onChange((session) => setSignedIn(Boolean(session?.access_token)));
    // A page's effects run before this one: tokens it kept meanwhile (/connexion/gar) were not heard.
    setSignedIn(api.signedIn);
    return stop;
  }, []);
  useEffect(() => {
    if (!signedIn) {
      setUser(null);
      return undefined;
    }
    let live = true;
    // A failure here only leaves the name out of the header; the page itself says what went wrong.
    api.get("/api/users/me").then((me) => live && setUser(me), () => {});
    return () => {
      live = false;
    };
  }, [signedIn]);
  return <Session.Provider value={{ signedIn, user }}>{children}</Session.Provider>;
}

export function useSession() {
  return useContext(Session);
}

// Pages that need an account send the visitor to the log-in page, which brings them back here.
export function useSignedIn() {
  const { signedIn } = useSession();
  const { url, route } = useLocation();
  useEffect(() => {
    if (!signedIn) route(`/connexion?retour=${encodeURIComponent(url)}`, true);
  }, [signedIn]);
  return signedIn;
}

// Only a path of this site is followed after signing in (never another site's address).
export function safeReturn(value, fallback = "/") {
  return typeof value === "string" && value.startsWith("/") && !value.startsWith("//") ? value : fallback;
}
