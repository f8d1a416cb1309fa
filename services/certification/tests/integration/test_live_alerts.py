"""Live alerts on the real database: assessment's alert recorded on the candidate (once), shown on the invigilator's
page, decided once (two invigilators at once: one decision), the decision published for assessment, a validated
one on the jury's view."""

import dataclasses
import threading
import uuid

import pytest
from certification_it import CANDIDATE, CERTIFIABLE, deliver, person, pro_center, profile_of, published, schedule

from certification.entrypoints.api.app import create_app
from svckit.testing import assert_error

RAISED, DECIDED = "assessment.certification_test.live_alert_raised.v1", "certification.live_alert.decided.v1"


@pytest.fixture
def room(runtime, client, platform_admin):
    """A PRO centre's session where Zoé started her test, with the invigilator who let her in."""
    center_id, admin = pro_center(client, platform_admin, runtime)
    session = schedule(client, center_id, admin).get_json()
    zoe, invigilator = person("zoe"), person("surveillant")
    assert client.post("/api/certification-invigilations", headers=invigilator.auth, json={
        "session_number": session["number"], "invigilator_password": session["invigilator_password"]}
    ).status_code == 200
    candidate = client.post(f"/api/certification-sessions/{session['id']}/candidates", headers=admin.auth,
                            json=CANDIDATE).get_json()
    profile_of(runtime, zoe, CERTIFIABLE)
    assert client.post("/api/certification-joinings", headers=zoe.auth, json={
        "session_number": session["number"], "first_name": "Zoé", "last_name": "Lefèvre",
        "birthdate": "1990-01-02"}).status_code == 201
    client.post(f"/api/certification-candidates/{candidate['id']}/authorization", headers=invigilator.auth)
    started = client.post("/api/certification-courses", headers=zoe.auth,
                          json={"candidate_id": candidate["id"], "access_code": session["access_code"]})
    assert started.status_code == 201, started.get_json()
    return dataclasses.make_dataclass("Room", ["session", "candidate", "course_id", "invigilator", "zoe"])(
        session, candidate, started.get_json()["course_id"], invigilator, zoe)


def raise_alert(runtime, room, alert_id: str | None = None, question_number: int = 6) -> str:
    alert_id = alert_id or str(uuid.uuid4())
    deliver(runtime, RAISED, room.course_id, 11, course_id=room.course_id, alert_id=alert_id,
            challenge_id="t23x4-b", question_number=question_number, raised_at="2026-11-23T09:12:05Z")
    return alert_id


def invigilation(client, room) -> dict:
    view = client.get(f"/api/certification-sessions/{room.session['id']}/invigilation", headers=room.invigilator.auth)
    assert view.status_code == 200, view.get_json()
    [candidate] = view.get_json()["candidates"]
    return candidate


def decide(client, room, decision: str, who=None):
    return client.post(f"/api/certification-candidates/{room.candidate['id']}/live-alert/{decision}",
                       headers=(who or room.invigilator).auth)


def test_the_invigilator_sees_the_alert_validates_it_once_and_assessment_is_told(runtime, client, clock, room):
    assert invigilation(client, room)["live_alert"] is None
    assert_error(decide(client, room, "validation"), 404, "LIVE_ALERT_NOT_FOUND")
    alert_id = raise_alert(runtime, room)
    raise_alert(runtime, room, alert_id)  # the same alert, another delivery: recorded once
    assert invigilation(client, room)["live_alert"] == {
        "id": alert_id, "question_number": 6, "challenge_id": "t23x4-b", "raised_at": "2026-11-23T09:12:05+00:00"}
    stranger = person("stranger")
    assert_error(decide(client, room, "validation", stranger), 403, "NOT_AN_INVIGILATOR")
    assert_error(client.post(f"/api/certification-candidates/{uuid.uuid4()}/live-alert/validation",
                             headers=room.invigilator.auth), 404, "CANDIDATE_NOT_FOUND")
    assert published(runtime, DECIDED, alert_id) == []  # refusals decide nothing
    clock.advance(minutes=2)
    assert decide(client, room, "validation").status_code == 204
    assert invigilation(client, room)["live_alert"] is None
    [event] = published(runtime, DECIDED, alert_id)
    assert (event["aggregate_version"], event["payload"]) == (2, {
        "course_id": room.course_id, "alert_id": alert_id, "candidate_id": room.candidate["id"],
        "session_id": room.session["id"], "decision": "VALIDATED", "decided_by": room.invigilator.id,
        "decided_at": "2026-11-23T09:02:00Z"})
    assert_error(decide(client, room, "validation"), 404, "LIVE_ALERT_NOT_FOUND")
    assert_error(decide(client, room, "dismissal"), 404, "LIVE_ALERT_NOT_FOUND")
    assert len(published(runtime, DECIDED, alert_id)) == 1

    # The jury sees the question withdrawn on the course's record.
    admin = person("jury", roles=("SUPER_ADMIN",))
    jury = client.get(f"/api/admin/certification-sessions/{room.session['id']}", headers=admin.auth)
    assert jury.status_code == 200, jury.get_json()
    [candidate] = jury.get_json()["candidates"]
    assert candidate["validated_live_alerts"] == [{
        "question_number": 6, "challenge_id": "t23x4-b", "raised_at": "2026-11-23T09:12:05+00:00",
        "decided_at": "2026-11-23T09:02:00+00:00", "decided_by": room.invigilator.id}]


def test_a_dismissal_is_published_and_is_not_on_the_jury_s_record(runtime, client, room):
    alert_id = raise_alert(runtime, room)
    assert decide(client, room, "dismissal").status_code == 204
    [event] = published(runtime, DECIDED, alert_id)
    assert event["payload"]["decision"] == "DISMISSED"
    second = raise_alert(runtime, room, question_number=7)  # another question, later
    assert invigilation(client, room)["live_alert"]["id"] == second
    admin = person("jury", roles=("SUPER_ADMIN",))
    [candidate] = client.get(f"/api/admin/certification-sessions/{room.session['id']}",
                             headers=admin.auth).get_json()["candidates"]
    assert candidate["validated_live_alerts"] == []


def test_an_alert_on_a_course_unknown_here_is_refused_for_the_dead_letter_queue(runtime, room):
    unknown = str(uuid.uuid4())
    with pytest.raises(LookupError, match="no candidate has course"):
        deliver(runtime, RAISED, unknown, 11, course_id=unknown, alert_id=str(uuid.uuid4()))


def test_two_invigilators_deciding_at_once_make_one_decision(runtime, client, room):
    colleague = person("collegue")
    assert client.post("/api/certification-invigilations", headers=colleague.auth, json={
        "session_number": room.session["number"], "invigilator_password": room.session["invigilator_password"]}
    ).status_code == 200
    for _ in range(3):
        alert_id = raise_alert(runtime, room)
        apps = [create_app(runtime).test_client() for _ in range(2)]
        barrier, statuses = threading.Barrier(2, timeout=30), [None, None]

        def click(n: int, apps=apps, barrier=barrier, statuses=statuses) -> None:
            barrier.wait()
            statuses[n] = decide(apps[n], room, ("validation", "dismissal")[n],
                                 (room.invigilator, colleague)[n]).status_code

        threads = [threading.Thread(target=click, args=(n,)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(statuses) == [204, 404]
        assert len(published(runtime, DECIDED, alert_id)) == 1
