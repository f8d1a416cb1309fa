// Who is signed in and for which centre: the user (GET /api/users/me), the centres they are a member of
// (GET /api/certification-centers: a school's Orga admins, a PRO or SUP centre's own members) and the one
// chosen among them (kept in localStorage).
import { createContext } from "preact";
import { useCallback, useContext, useEffect, useMemo, useState } from "preact/hooks";

import { api } from "./api.js";

const CENTER_KEY = "skills.certif.center";
const CertifContext = createContext(null);

export function CertifProvider({ children }) {
  const [signedIn, setSignedIn] = useState(api.signedIn);
  const [me, setMe] = useState(null);
  const [centers, setCenters] = useState(null);
  const [loadError, setLoadError] = useState(null);
  const [chosen, setChosen] = useState(() => localStorage.getItem(CENTER_KEY));

  useEffect(() => api.onChange((session) => {
    setSignedIn(Boolean(session?.access_token));
    if (!session) {
      setMe(null);
      setCenters(null);
    }
  }), []);

  const reload = useCallback(async () => {
    setLoadError(null);
    try {
      const [user, mine] = await Promise.all([api.get("/api/users/me"), api.get("/api/certification-centers")]);
      setMe(user);
      setCenters(mine.items);
      return { user, centers: mine.items };
    } catch (error) {
      setLoadError(error);
      throw error;
    }
  }, []);

  useEffect(() => {
    if (signedIn && !me) reload().catch(() => {});
  }, [signedIn, me, reload]);

  const value = useMemo(() => {
    const list = centers || [];
    const current = list.find((center) => center.id === chosen) || null;
    return {
      signedIn,
      me,
      centers,
      loadError,
      reload,
      current,
      centerId: current?.id || null,
      isSchool: current?.type === "SCO",
      choose(centerId) {
        if (centerId) localStorage.setItem(CENTER_KEY, centerId);
        else localStorage.removeItem(CENTER_KEY);
        setChosen(centerId);
      },
      async logOut() {
        setMe(null);
        setCenters(null);
        await api.logOut();
      },
    };
  }, [signedIn, me, centers, loadError, reload, chosen]);

  return <CertifContext.Provider value={value}>{children}</CertifContext.Provider>;
}

export function useCertif() {
  return useContext(CertifContext);
}

// A platform admin (the role in the account, as /api/users/me gives it) reviews and publishes sessions.
export function isPlatformAdmin(me) {
  return Boolean(me?.roles?.includes("SUPER_ADMIN"));
}
