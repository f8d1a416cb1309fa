"""assessment's OpenAPI document against its real app and database (schemathesis): no server error, and every
answer (status, content type, body) as documented, with the headers that protect personal data."""

from assessment_it import create_campaign, join, release_certification_content, start_course

from svckit.testing import assert_protective_headers, check_openapi_conformance


def test_every_answer_is_documented_and_protected(runtime, client, learner):
    person = learner("admin", roles=("SUPER_ADMIN",))
    participation_id = join(runtime, create_campaign(runtime, ["recherche1", "recherche2"]), person.id)
    assessment = client.get(f"/api/campaign-participations/{participation_id}/assessment", headers=person.auth)
    assert assessment.status_code == 200, assessment.get_json()
    release_certification_content(runtime)
    course_id = start_course(runtime, person.id)
    assert client.get(f"/api/certification-courses/{course_id}/assessment/next-challenge",
                      headers=person.auth).status_code == 200
    report = check_openapi_conformance(client.application, "assessment", headers=person.auth, parameters={
        "participation_id": participation_id, "assessment_id": assessment.get_json()["id"], "course_id": course_id})
    print(report)
    assert not report.failures, "\n\n".join(report.failures)
    assert_protective_headers(report)
