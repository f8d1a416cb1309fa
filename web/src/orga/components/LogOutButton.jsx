// Logging out from a page that has nothing else to offer (no organization, terms not accepted):
// back to the log-in page once the session is closed.
import { useLocation } from "preact-iso";

import { useI18n } from "../../common/i18n.js";
import { Button } from "../../common/ui.jsx";
import { useOrga } from "../session.jsx";

export function LogOutButton() {
  const { t } = useI18n();
  const { logOut } = useOrga();
  const { route } = useLocation();
  return (
    <Button variant="secondary" onClick={async () => {
      await logOut();
      route("/orga/connexion");
    }}>
      {t("common.log_out")}
    </Button>
  );
}
