"""Helpers shared by certification's integration tests (imported by name: no clash with other folders)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from certification.domain.results import COMPETENCES
from svckit.testing import Person, deliver_example, token_for

CERTIFIABLE = {"total_pix": 60, "certifiable": True, "competences": [
    {"competence_code": f"{area}.1", "area_code": str(area), "pix": 12, "level": 1} for area in range(1, 6)]}
NOT_CERTIFIABLE = {"total_pix": 12, "certifiable": False, "competences": [
    {"competence_code": "1.1", "area_code": "1", "pix": 12, "level": 1}]}


def deliver(runtime, event_type: str, aggregate_id: str, aggregate_version: int = 1, **payload: Any) -> None:
    """Hand an event to the consumer handler that reads it, as the broker would."""
    deliver_example(runtime, event_type, aggregate_id=aggregate_id, aggregate_version=aggregate_version,
                    contracts_from=Path(__file__).parent, **payload)


def person(name: str = "prof", roles: tuple[str, ...] = ()) -> Person:
    user_id, email = str(uuid.uuid4()), f"{name}.{uuid.uuid4().hex[:8]}@example.org"
    return Person(user_id, email, token_for(user_id, email, roles))


def school(runtime, admin: Person | None = None, *, uai: str = "0751234A") -> str:
    """A school (SCO organization with a UAI), so a centre, with ``admin`` as its Orga admin."""
    organization_id = str(uuid.uuid4())
    deliver(runtime, "organizations.organization.created.v1", organization_id, organization_id=organization_id,
            name="Collège Victor Hugo", type="SCO", external_id=uai)
    if admin is not None:
        grant(runtime, organization_id, admin, "ADMIN", 2)
    return organization_id


def grant(runtime, organization_id: str, who: Person, role: str = "ADMIN", version: int = 2) -> str:
    membership_id = str(uuid.uuid4())
    deliver(runtime, "organizations.membership.granted.v1", organization_id, version, membership_id=membership_id,
            organization_id=organization_id, user_id=who.id, role=role)
    return membership_id


def pupil(runtime, organization_id: str, who: Person | None, *, first: str = "Zoé", last: str = "Lefèvre",
          birthdate: str = "2011-04-02", division: str = "3A", profile: dict | None = None, version: int = 1,
          ine: str | None = None) -> str:
    """A pupil of the school's list, linked to ``who``'s account, with ``profile`` as assessment reported it."""
    learner_id = str(uuid.uuid4())
    deliver(runtime, "organizations.learners.imported.v1", organization_id, 3, organization_id=organization_id,
            learners=[{"learner_id": learner_id, "change": "CREATED", "version": version, "first_name": first,
                       "last_name": last, "preferred_last_name": None, "birthdate": birthdate,
                       "national_student_id": ine, "student_number": None, "division": division, "group": None,
                       "user_id": who.id if who else None, "disabled": False}])
    if who is not None and profile is not None:
        profile_of(runtime, who, profile)
    return learner_id


def profile_of(runtime, who: Person, profile: dict, completed_at: str = "2026-11-20T10:00:00Z") -> None:
    deliver(runtime, "assessment.assessment.completed.v1", str(uuid.uuid4()), 31, user_id=who.id,
            completed_at=completed_at, profile=profile)


def window(client, admin: Person, kind: str = "COLLEGE", starts_on: date = date(2026, 11, 1),
           ends_on: date = date(2027, 1, 31)):
    response = client.post("/api/admin/certification-windows", headers=admin.auth, json={
        "school_kind": kind, "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


SESSION = {"address": "1 rue de l'École, Paris", "room": "B12", "date": "2026-12-01", "time": "09:00",
           "examiner": "M. Martin", "description": "Salle informatique"}
CANDIDATE = {"first_name": "Zoé", "last_name": "Lefèvre", "birthdate": "1990-01-02", "sex": "F",
             "birthplace": "Lyon", "result_email": "resultats@example.org", "external_id": "E-42",
             "extra_time_percentage": 33}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def published(runtime, event_type: str, aggregate_id: str | None = None) -> list[dict]:
    """The envelopes of ``event_type`` in the outbox (of ``aggregate_id``), oldest first."""
    import json

    from sqlalchemy import text

    with runtime.engine.connect() as connection:
        rows = connection.execute(text("SELECT body FROM outbox WHERE event_type = :t "
                                       "AND (CAST(:a AS text) IS NULL OR aggregate_id = :a) ORDER BY id"),
                                  {"t": event_type, "a": aggregate_id}).scalars().all()
    return [json.loads(body) for body in rows]


def schedule(client, center_id: str, who: Person, **changes: Any):
    return client.post(f"/api/certification-centers/{center_id}/sessions", headers=who.auth,
                       json={**SESSION, **changes})


def pro_center(client, platform_admin: Person, runtime) -> tuple[str, Person]:
    """A PRO centre whose first admin joined by the mailed invitation: (centre id, admin)."""
    from sqlalchemy import text

    admin = person("certif")
    center = client.post("/api/admin/certification-centers", headers=platform_admin.auth, json={
        "type": "PRO", "name": "Formations Dupont", "admin_email": admin.email}).get_json()
    deliver(runtime, "identity.user.email_verified.v1", admin.id, 2, user_id=admin.id, email=admin.email)
    [issued] = published(runtime, "certification.invitation.issued.v1", center["id"])
    invitation_id = issued["payload"]["invitation_id"]
    with runtime.engine.connect() as connection:
        code = connection.execute(text("SELECT code FROM center_invitations WHERE id = :id"),
                                  {"id": invitation_id}).scalar()
    accepted = client.post(f"/api/certification-center-invitations/{invitation_id}/accept", headers=admin.auth,
                           json={"code": code})
    assert accepted.status_code == 200, accepted.get_json()
    return center["id"], admin


def racing(runtime, monkeypatch):
    import threading

    """The runtime's use cases, each waiting after it read a session's candidates until the other has too."""
    barrier = threading.Barrier(2, timeout=30)  # a loaded CI machine: the two requests may start seconds apart
    factory = runtime.uow

    def uow():
        unit = factory()
        opened = unit.open_repositories

        def open_repositories(session):
            opened(session)
            read = unit.candidates.of_session

            def of_session(session_id):
                found = read(session_id)
                barrier.wait()
                return found

            unit.candidates.of_session = of_session

        unit.open_repositories = open_repositories
        return unit

    monkeypatch.setattr(runtime, "uow", uow)


@dataclass
class Room:
    """A PRO centre's session with one candidate (CANDIDATE), the person they are (certifiable), and, once
    a test opens the session, its invigilator."""
    center_id: str
    admin: Person
    session: dict
    candidate: dict
    zoe: Person
    invigilator: Person | None = None


def room_with_candidate(runtime, client, platform_admin: Person) -> Room:
    center_id, admin = pro_center(client, platform_admin, runtime)
    session = schedule(client, center_id, admin).get_json()
    candidate = client.post(f"/api/certification-sessions/{session['id']}/candidates", headers=admin.auth,
                            json=CANDIDATE).get_json()
    zoe = person("zoe")
    profile_of(runtime, zoe, CERTIFIABLE)
    return Room(center_id, admin, session, candidate, zoe)


# -- after the test: assessment's outcome, and a school's class published -----------------------------------

def item(n: int) -> dict:
    return {"challenge_id": f"challenge{n}", "skill_id": f"skill{n}", "tube_id": f"tube{n}",
            "competence_code": COMPETENCES[n % 16], "difficulty": 0.5, "discrimination": 1.5}


def complete(runtime, course: dict, who, statuses: list[str], *, end_reason: str = "COMPLETED", version: int = 40):
    """assessment's outcome of ``course``: one answer per status, the skips an abandon would add."""
    answers = [{**item(n), "index": n + 1, "status": status, "answered_at": "2026-11-23T09:20:00Z",
                "elapsed_ms": 30000} for n, status in enumerate(statuses)]
    deliver(runtime, "assessment.certification_test.completed.v1", course["course_id"], version,
            course_id=course["course_id"], user_id=who.id, end_reason=end_reason, answers_count=len(answers),
            answers=answers, skips_if_abandoned=[item(n) for n in range(len(statuses), 32)],
            started_at="2026-11-23T09:00:00Z", ended_at="2026-11-23T09:40:00Z")


@dataclass
class SatPupil:
    """A pupil of the school's list who sat a session: who they are, their course once started."""
    who: Person
    first_name: str
    last_name: str
    birthdate: str
    division: str
    statuses: list[str]  # their answers; fewer than 20: rejected (abandoned by the candidate)
    course: dict | None = None
    learner_id: str | None = None
    ine: str | None = None
    abort_reason: str = "candidate"  # why a test of fewer than 32 answers ended; "technical": cancelled


def sit_and_publish(runtime, client, school_admin: Person, center_id: str, platform_admin: Person,
                    pupils: list[SatPupil], *, publish: bool = True, **session: Any) -> dict:
    """The school enrols the pupils' classes in a session (``session``: its fields changed); each joins, is let
    in, starts and answers as ``statuses`` say; the school finalizes and a platform admin publishes. The session.
    A pupil who sat before (``learner_id`` set) sits again as the same learner."""
    for p in pupils:
        if p.learner_id is None:
            p.learner_id = pupil(runtime, center_id, p.who, first=p.first_name, last=p.last_name,
                                 birthdate=p.birthdate, division=p.division, profile=CERTIFIABLE, ine=p.ine)
    scheduled = schedule(client, center_id, school_admin, **session)
    assert scheduled.status_code == 201, scheduled.get_json()
    session = scheduled.get_json()
    for division in sorted({p.division for p in pupils}):
        enrolled = client.post(f"/api/certification-sessions/{session['id']}/student-enrolments",
                               headers=school_admin.auth, json={"division": division})
        assert enrolled.status_code == 201, enrolled.get_json()
    invigilator = person("surveillant")
    assert client.post("/api/certification-invigilations", headers=invigilator.auth, json={
        "session_number": session["number"], "invigilator_password": session["invigilator_password"]}
    ).status_code == 200
    for p in pupils:
        joined = client.post("/api/certification-joinings", headers=p.who.auth, json={
            "session_number": session["number"], "first_name": p.first_name, "last_name": p.last_name,
            "birthdate": p.birthdate})
        assert joined.status_code == 201, joined.get_json()
        candidate_id = joined.get_json()["id"]
        assert client.post(f"/api/certification-candidates/{candidate_id}/authorization",
                           headers=invigilator.auth).status_code == 204
        started = client.post("/api/certification-courses", headers=p.who.auth,
                              json={"candidate_id": candidate_id, "access_code": session["access_code"]})
        assert started.status_code == 201, started.get_json()
        p.course = {**started.get_json(), "candidate_id": candidate_id}
        finished = len(p.statuses) >= 32
        complete(runtime, p.course, p.who, p.statuses, end_reason="COMPLETED" if finished else "ENDED_BY_INVIGILATOR")
    finalized = client.post(f"/api/certification-sessions/{session['id']}/finalization", headers=school_admin.auth,
                            json={"reports": [{"candidate_id": p.course["candidate_id"], "has_seen_end_screen": True,
                                               **({} if len(p.statuses) >= 32 else {"abort_reason": p.abort_reason})}
                                              for p in pupils if p.course]})
    assert finalized.status_code == 200, finalized.get_json()
    if publish:
        out = client.post(f"/api/admin/certification-sessions/{session['id']}/publication",
                          headers=platform_admin.auth)
        assert out.status_code == 200, out.get_json()
    return session
