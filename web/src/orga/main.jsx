// The Orga dashboard (served at /orga/): teachers follow their organization's campaigns, team
// and learners. Every page but log-in, terms, joining and the account's recovery needs a member's
// session (Protected).
import { Route, Router, useLocation } from "preact-iso";
import { useEffect } from "preact/hooks";

import { mountFace } from "../common/face.jsx";
import { protect } from "./components/Protected.jsx";
import "./face.css";
import en from "./locales/en.json";
import fr from "./locales/fr.json";
import { ForgotPassword, NewPassword, VerifyEmail } from "./pages/Account.jsx";
import { Campaign } from "./pages/Campaign.jsx";
import { CampaignCreate } from "./pages/CampaignCreate.jsx";
import { Campaigns } from "./pages/Campaigns.jsx";
import { Certifications } from "./pages/Certifications.jsx";
import { Join } from "./pages/Join.jsx";
import { Learners } from "./pages/Learners.jsx";
import { LogIn } from "./pages/LogIn.jsx";
import { NotFound } from "./pages/NotFound.jsx";
import { ParticipantResults } from "./pages/ParticipantResults.jsx";
import { Progression } from "./pages/Progression.jsx";
import { Team } from "./pages/Team.jsx";
import { Terms } from "./pages/Terms.jsx";
import { OrgaProvider } from "./session.jsx";

function Home() {
  const { route } = useLocation();
  useEffect(() => route("/orga/campagnes", true), [route]);
  return null;
}

const CampaignsPage = protect(Campaigns);
const CampaignCreatePage = protect(CampaignCreate);
const CampaignPage = protect(Campaign);
const ParticipantPage = protect(ParticipantResults);
const TeamPage = protect(Team, { adminOnly: true });
const CertificationsPage = protect(Certifications, { adminOnly: true });
const LearnersPage = protect(Learners);
const ProgressionPage = protect(Progression);
const NotFoundPage = protect(NotFound);

function App() {
  return (
    <OrgaProvider>
      <Router>
        <Route path="/orga" component={Home} />
        <Route path="/orga/connexion" component={LogIn} />
        <Route path="/orga/mot-de-passe-oublie" component={ForgotPassword} />
        <Route path="/orga/nouveau-mot-de-passe" component={NewPassword} />
        <Route path="/orga/verification-email" component={VerifyEmail} />
        <Route path="/orga/cgu" component={Terms} />
        <Route path="/orga/rejoindre" component={Join} />
        <Route path="/orga/campagnes" component={CampaignsPage} />
        <Route path="/orga/campagnes/creation" component={CampaignCreatePage} />
        <Route path="/orga/campagnes/:id/participants/:pid" component={ParticipantPage} />
        <Route path="/orga/campagnes/:id/:tab?" component={CampaignPage} />
        <Route path="/orga/equipe" component={TeamPage} />
        <Route path="/orga/eleves" component={LearnersPage} />
        <Route path="/orga/progression" component={ProgressionPage} />
        <Route path="/orga/certifications" component={CertificationsPage} />
        <Route default component={NotFoundPage} />
      </Router>
    </OrgaProvider>
  );
}

mountFace(<App />, { fr, en }, "/orga");
