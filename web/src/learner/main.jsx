// The learner's face, served at /: enter a code, read the campaign's page, sign up (with an email, or a
// username for a pupil without one) or log in (or through the school's ENT, the GAR; or get a new password by
// mail, or choose their own after a temporary password a school's admin gave), join
// (external id, or being found in a school's list), the rules, the test, the checkpoints, the
// results to send, the profile; "Je passe ma certification" (joining a session, waiting for the
// invigilator, the access code, the test, its end), "Mes certifications" and the public check of a
// certificate by its code. French addresses, as Pix's.
import { Route, Router } from "preact-iso";

import { mountFace } from "../common/face.jsx";
import "./face.css";
import en from "./locales/en.json";
import fr from "./locales/fr.json";
import { ForgotPassword, NewPassword, VerifyEmail } from "./pages/Account.jsx";
import { ExpiredPassword } from "./pages/ExpiredPassword.jsx";
import { MyCertificate, MyCertificates, VerifyCertificate } from "./pages/Certificates.jsx";
import { CertificationCandidate, CertificationJoin } from "./pages/Certification.jsx";
import { Challenge } from "./pages/Challenge.jsx";
import { Checkpoint } from "./pages/Checkpoint.jsx";
import { ExternalId } from "./pages/ExternalId.jsx";
import { GarArrival } from "./pages/GarArrival.jsx";
import { Home } from "./pages/Home.jsx";
import { Join } from "./pages/Join.jsx";
import { Landing } from "./pages/Landing.jsx";
import { LogIn } from "./pages/LogIn.jsx";
import { Matching } from "./pages/Matching.jsx";
import { NotFound } from "./pages/NotFound.jsx";
import { Profile } from "./pages/Profile.jsx";
import { Results } from "./pages/Results.jsx";
import { Rules } from "./pages/Rules.jsx";
import { SignUp } from "./pages/SignUp.jsx";
import { SessionProvider } from "./session.jsx";

function App() {
  return (
    <SessionProvider>
      <Router>
        <Route path="/" component={Home} />
        <Route path="/inscription" component={SignUp} />
        <Route path="/connexion" component={LogIn} />
        <Route path="/connexion/gar" component={GarArrival} />
        <Route path="/mot-de-passe-oublie" component={ForgotPassword} />
        <Route path="/nouveau-mot-de-passe" component={NewPassword} />
        <Route path="/mot-de-passe-expire" component={ExpiredPassword} />
        <Route path="/verification-email" component={VerifyEmail} />
        <Route path="/profil" component={Profile} />
        <Route path="/certification" component={CertificationJoin} />
        <Route path="/certification/:id" component={CertificationCandidate} />
        <Route path="/mes-certifications" component={MyCertificates} />
        <Route path="/mes-certifications/:id" component={MyCertificate} />
        <Route path="/verification-certificat" component={VerifyCertificate} />
        <Route path="/campagnes/:code" component={Landing} />
        <Route path="/campagnes/:code/rejoindre" component={Join} />
        <Route path="/campagnes/:code/identifiant" component={ExternalId} />
        <Route path="/campagnes/:code/eleve" component={Matching} />
        <Route path="/campagnes/:code/didacticiel/:step?" component={Rules} />
        <Route path="/campagnes/:code/evaluation" component={Challenge} />
        <Route path="/campagnes/:code/evaluation/checkpoint" component={Checkpoint} />
        <Route path="/campagnes/:code/resultats" component={Results} />
        <Route default component={NotFound} />
      </Router>
    </SessionProvider>
  );
}

mountFace(<App />, { fr, en }, /^\/(?!(orga|certif)(\/|$))/);
