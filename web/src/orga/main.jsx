import { Route, Router } from "preact-iso";

import { createApi } from "../common/api.js";
import { mountFace } from "../common/face.jsx";
import { LanguageSwitch, PageTitle, SkipLink } from "../common/ui.jsx";
import { useI18n } from "../common/i18n.js";
import en from "./locales/en.json";
import fr from "./locales/fr.json";

export const api = createApi({ storageKey: "skills.orga.session" });

function Home() {
  const { t } = useI18n();
  return (
    <>
      <SkipLink />
      <header class="app-header">
        <span class="app-header__brand">{t("orga.brand")}</span>
        <LanguageSwitch />
      </header>
      <main id="main" tabIndex={-1} class="narrow">
        <PageTitle>{t("orga.brand")}</PageTitle>
      </main>
    </>
  );
}

function App() {
  return (
    <Router>
      <Route default component={Home} />
    </Router>
  );
}

mountFace(<App />, { fr, en });
