// /campagnes/{code}/rejoindre: the crossroads after "Je commence". A learner already in the campaign
// goes on where they were; otherwise the campaign's needs decide: an external id to give, a school
// list to be found in (the join answers LEARNER_NOT_MATCHED), or nothing and the test begins.
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";

import { useI18n } from "../../common/i18n.js";
import { Loading, Notice, PageTitle } from "../../common/ui.jsx";
import { join, landingOf, nextPath, normalizeCode, participationOf, paths } from "../campaign.js";
import { Shell } from "../components/Shell.jsx";
import { explain } from "../explain.js";
import { useSignedIn } from "../session.jsx";

export function firstStepAfterJoining(participation) {
  return participation.status === "STARTED" ? paths.rules(participation.campaign_code) : nextPath(participation);
}

async function decide(code) {
  const existing = await participationOf(code);
  if (existing) return nextPath(existing);
  const landing = await landingOf(code);
  // A school's campaign first checks the learner is on its list; the external id is asked after.
  if (landing.external_id_label && !landing.matches_learners) return paths.externalId(code);
  try {
    return firstStepAfterJoining(await join(code));
  } catch (error) {
    if (error.code === "LEARNER_NOT_MATCHED") return paths.matching(code);
    if (error.code?.startsWith("EXTERNAL_ID")) return paths.externalId(code);
    throw error;
  }
}

export function Join({ code }) {
  const { t } = useI18n();
  const signedIn = useSignedIn();
  const { route } = useLocation();
  const wanted = normalizeCode(code);
  const [error, setError] = useState(null);
  useEffect(() => {
    if (!signedIn) return;
    decide(wanted).then((next) => route(next, true), setError);
  }, [wanted, signedIn]);
  return (
    <Shell>
      <PageTitle>{t("learner.join.title")}</PageTitle>
      {error ? (
        <>
          <Notice kind="error">{explain(t, error, "learner.join.errors")}</Notice>
          <p>
            <a href={paths.landing(wanted)}>{t("learner.join.back")}</a>
          </p>
        </>
      ) : (
        <Loading label={t("learner.join.waiting")} />
      )}
    </Shell>
  );
}
