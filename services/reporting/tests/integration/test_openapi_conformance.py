"""reporting's OpenAPI document against its real app and database (schemathesis): no server error, and every
answer (status, content type, body) as documented, with the headers that protect personal data."""

import dataclasses

from reporting_it import campaign, certification_result, learner, participate, results

from svckit.testing import assert_protective_headers, check_openapi_conformance


def test_every_answer_is_documented_and_protected(runtime, client, school):
    first, second = campaign(runtime, school.id), campaign(runtime, school.id, name="Diagnostic 3e")
    learner_user = "6b1e3c9e-6f0b-4a57-9a53-0d0f1d5a3c11"
    lou = learner(runtime, school.id, "Lou", "Apprenant", user_id=learner_user, division="4e B")
    certification_result(runtime, school.id, "Lou", "Apprenant", organization_learner_id=lou, division="4e B")
    certification_result(runtime, school.id, "Max", "Rejeté", status="rejected", reason="FRAUD", score=None,
                         mesh_level=None, competence_levels=[])
    participation_id = participate(runtime, second, school.id, learner_user,
                                   shared=results({"1.1": (2, 4)}))
    # The live activity answers 200 with a stream of 0.2 s, as schemathesis reads every answer to its end.
    runtime.settings = dataclasses.replace(runtime.settings, live=dataclasses.replace(runtime.settings.live,
                                                                                      lifetime_seconds=0.2))
    report = check_openapi_conformance(client.application, "reporting", headers=school.admin.auth, parameters={
        "organization_id": school.id, "campaign_id": second, "compare_to": first,
        "participation_id": participation_id})
    print(report)
    assert not report.failures, "\n\n".join(report.failures)
    live = [status for operation, status, _ in report.responses if operation.endswith("/activity/events")]
    assert 200 in live, live
    assert_protective_headers(report)
