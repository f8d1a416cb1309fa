"""certification's OpenAPI document against its real app and database (schemathesis): no server error, and
every answer (status, content type, body) as documented, with the headers that protect personal data."""

import dataclasses

from certification_it import CANDIDATE, CERTIFIABLE, deliver, person, profile_of, published, schedule, school

from svckit.testing import assert_protective_headers, check_openapi_conformance


def test_every_answer_is_documented_and_protected(runtime, client, college):
    # A platform admin who is also a member of a PRO centre, enrolled as its candidate, and the school's admin:
    # every route gets past its 403.
    admin = person("admin", roles=("SUPER_ADMIN",))
    deliver(runtime, "identity.user.email_verified.v1", admin.id, 2, user_id=admin.id, email=admin.email)
    center = client.post("/api/admin/certification-centers", headers=admin.auth, json={
        "type": "PRO", "name": "Formations", "admin_email": admin.email}).get_json()
    [issued] = published(runtime, "certification.invitation.issued.v1", center["id"])
    invitation_id = issued["payload"]["invitation_id"]
    from sqlalchemy import text

    with runtime.engine.connect() as connection:
        code = connection.execute(text("SELECT code FROM center_invitations WHERE id = :id"),
                                  {"id": invitation_id}).scalar()
    assert client.post(f"/api/certification-center-invitations/{invitation_id}/accept", headers=admin.auth,
                       json={"code": code}).status_code == 200
    session = schedule(client, center["id"], admin).get_json()
    candidate = client.post(f"/api/certification-sessions/{session['id']}/candidates", headers=admin.auth,
                            json=CANDIDATE).get_json()
    profile_of(runtime, admin, CERTIFIABLE)
    # The admin invigilates the session too, so that its live page answers 200: a stream of 0.2 s, as
    # schemathesis reads every answer to its end.
    assert client.post("/api/certification-invigilations", headers=admin.auth, json={
        "session_number": session["number"], "invigilator_password": session["invigilator_password"]}
    ).status_code == 200
    runtime.settings = dataclasses.replace(runtime.settings, live=dataclasses.replace(runtime.settings.live,
                                                                                      lifetime_seconds=0.2))
    school(runtime, admin, uai="0759999Z")
    report = check_openapi_conformance(client.application, "certification", headers=admin.auth, parameters={
        "center_id": center["id"], "session_id": session["id"], "candidate_id": candidate["id"],
        "invitation_id": invitation_id})
    print(report)
    assert not report.failures, "\n\n".join(report.failures)
    live = [status for operation, status, _ in report.responses if operation.endswith("/invigilation/events")]
    assert 200 in live, live
    assert_protective_headers(report)
