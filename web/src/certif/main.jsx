// The certification centres' face (served at /certif/): a centre's members schedule sessions, give the
// access code and the invigilator password, and enrol candidates (a school by class, other centres one by
// one or from a file). Every page but log-in needs a member's session (Protected). The invigilator's live
// page and finalization come later.
import { Route, Router, useLocation } from "preact-iso";
import { useEffect } from "preact/hooks";

import { mountFace } from "../common/face.jsx";
import { protect } from "./components/Protected.jsx";
import "../orga/face.css";
import "./face.css";
import en from "./locales/en.json";
import fr from "./locales/fr.json";
import { Centers } from "./pages/Centers.jsx";
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
const NotFoundPage = protect(NotFound);

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
        <Route default component={NotFoundPage} />
      </Router>
    </CertifProvider>
  );
}

mountFace(<App />, { fr, en }, "/certif");
