// Who is signed in and in which organization: the user (GET /api/users/me, with the memberships
// and the Orga terms), the organization chosen among the memberships (kept in localStorage).
import { createContext } from "preact";
import { useCallback, useContext, useEffect, useMemo, useState } from "preact/hooks";

import { api } from "./api.js";

const ORGANIZATION_KEY = "skills.orga.organization";
// The invitation page a teacher left to confirm their address: the verification page leads back to it.
const PENDING_JOIN_KEY = "skills.orga.pending_join";
const OrgaContext = createContext(null);

export function OrgaProvider({ children }) {
  const [signedIn, setSignedIn] = useState(api.signedIn);
  const [me, setMe] = useState(null);
  const [meError, setMeError] = useState(null);
  const [chosen, setChosen] = useState(() => localStorage.getItem(ORGANIZATION_KEY));

  useEffect(() => api.onChange((session) => {
    setSignedIn(Boolean(session?.access_token));
    if (!session) setMe(null);
  }), []);

  const reloadMe = useCallback(async () => {
    setMeError(null);
    try {
      const user = await api.get("/api/users/me");
      setMe(user);
      return user;
    } catch (error) {
      setMeError(error);
      throw error;
    }
  }, []);

  useEffect(() => {
    if (signedIn && !me) reloadMe().catch(() => {});
  }, [signedIn, me, reloadMe]);

  const value = useMemo(() => {
    const memberships = me?.memberships || [];
    const current = memberships.find((m) => m.organization_id === chosen) || memberships[0] || null;
    return {
      signedIn,
      me,
      meError,
      reloadMe,
      setMe,
      memberships,
      current,
      organizationId: current?.organization_id || null,
      isAdmin: current?.role === "ADMIN",
      choose(organizationId) {
        localStorage.setItem(ORGANIZATION_KEY, organizationId);
        setChosen(organizationId);
      },
      async logOut() {
        setMe(null);
        await api.logOut();
      },
    };
  }, [signedIn, me, meError, reloadMe, chosen]);

  return <OrgaContext.Provider value={value}>{children}</OrgaContext.Provider>;
}

export function useOrga() {
  return useContext(OrgaContext);
}

// The learners' tab is named after who they are: pupils, students or participants.
export function learnersKey(type) {
  return { SCO: "orga.nav.learners_sco", SUP: "orga.nav.learners_sup" }[type] || "orga.nav.learners_pro";
}

export function rememberPendingJoin(url) {
  localStorage.setItem(PENDING_JOIN_KEY, url);
}

export function pendingJoin() {
  const url = localStorage.getItem(PENDING_JOIN_KEY) || "";
  return url.startsWith("/orga/rejoindre?") ? url : null;
}

export function forgetPendingJoin() {
  localStorage.removeItem(PENDING_JOIN_KEY);
}
