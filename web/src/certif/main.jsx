// The certification centres' face (served at /certif/): a centre's members schedule sessions, give the
// access code and the invigilator password, and enrol candidates (a school by class, other centres one by
// one or from a file). Every page but log-in needs a member's session (Protected). The invigilator's live
// page and finalization come later.
import { Route, Router, useLocation } from "preact-iso";
import { useEffect } from "preact/hooks";

import { mountFace } from "../common/face.jsx";
import { signedIn } from "./components/Account.jsx";
import { protect } from "./components/Protected.jsx";
import "../orga/face.css";
import "./face.css";
import en from "./locales/en.json";
import fr from "./locales/fr.json";
import { Centers } from "./pages/Centers.jsx";
import { Finalization } from "./pages/Finalization.jsx";
import { Invigilation } from "./pages/Invigilation.jsx";
import { InvigilationLogin } from "./pages/InvigilationLogin.jsx";
import { Join } from "./pages/Join.jsx";
import { JurySession } from "./pages/JurySession.jsx";
import { JurySessions } from "./pages/JurySessions.jsx";
import { LogIn } from "./pages/LogIn.jsx";
import { NotFound } from "./pages/NotFound.jsx";
import { Session } from "./pages/Session.jsx";
import { SessionCreate, SessionEdit } from "./pages/SessionForm.jsx";
import { Sessions } from "./pages/Sessions.jsx";
import { CertifProvider } from "./session.jsx";

function Home() {
  const { route } = useLocation();
  useEffect(() => route("/certif/sessions", true), [route]);
  return null;
}

const SessionsPage = protect(Sessions);
const SessionCreatePage = protect(SessionCreate);
const SessionPage = protect(Session);
const SessionEditPage = protect(SessionEdit);
const FinalizationPage = protect(Finalization);
const NotFoundPage = protect(NotFound);
const InvigilationLoginPage = signedIn(InvigilationLogin, { narrow: true });
const InvigilationPage = signedIn(Invigilation);
const JurySessionsPage = signedIn(JurySessions, { admin: true });
const JurySessionPage = signedIn(JurySession, { admin: true });

function App() {
  return (
    <CertifProvider>
      <Router>
        <Route path="/certif" component={Home} />
        <Route path="/certif/connexion" component={LogIn} />
        <Route path="/certif/centres" component={Centers} />
        <Route path="/certif/sessions" component={SessionsPage} />
        <Route path="/certif/sessions/creation" component={SessionCreatePage} />
        <Route path="/certif/sessions/:id" component={SessionPage} />
        <Route path="/certif/sessions/:id/modification" component={SessionEditPage} />
        <Route path="/certif/sessions/:id/finalisation" component={FinalizationPage} />
        <Route path="/certif/rejoindre" component={Join} />
        <Route path="/certif/surveillance" component={InvigilationLoginPage} />
        <Route path="/certif/surveillance/:sessionId" component={InvigilationPage} />
        <Route path="/certif/admin/sessions" component={JurySessionsPage} />
        <Route path="/certif/admin/sessions/:id" component={JurySessionPage} />
        <Route default component={NotFoundPage} />
      </Router>
    </CertifProvider>
  );
}

mountFace(<App />, { fr, en }, "/certif");
