"""certification's use cases on fakes: who may do what, what is saved, what is published."""

import uuid
from datetime import UTC, date, datetime

import pytest

from certification.domain import commands as c
from certification.domain import events as ev
from certification.domain import exceptions as e
from certification.domain.centers import Center
from certification.service_layer import live_alerts, replication
from certification.service_layer.dependencies import Dependencies
from certification.service_layer.handlers import HANDLERS
from certification.service_layer.unit_of_work import invigilation_channel


def handle(command, deps):
    """As bootstrap runs a command: its handler from the table, with the dependencies."""
    return HANDLERS[type(command)](command, deps)


PLATFORM_ADMIN = c.Actor(uuid.uuid4(), "admin@example.org", frozenset({"SUPER_ADMIN"}))
HEAD = c.Actor(uuid.uuid4(), "head@example.org")
PUPIL = c.Actor(uuid.uuid4(), "pupil@example.org")
STRANGER = c.Actor(uuid.uuid4(), "stranger@example.org")
CERTIFIABLE = {"competences": [{"competence_code": f"{i}.1", "level": 2} for i in range(1, 6)]}
DETAILS = {"address": "1 rue de l'École", "room": "B12", "date": date(2026, 12, 1), "time": "09:00",
           "examiner": "M. Martin"}


@pytest.fixture
def school(uow, clock):
    center = Center.for_school(uuid.uuid4(), "Collège Victor Hugo", "0751234A", clock())
    center.school_kind = "COLLEGE"
    uow.centers.add(center)
    uow.replicas.save_membership(uuid.uuid4(), 2, organization_id=center.id, user_id=HEAD.user_id, role="ADMIN",
                                 active=True)
    handle(c.OpenWindow(PLATFORM_ADMIN, "COLLEGE", date(2026, 11, 1), date(2027, 1, 31)),
                  Dependencies(uow=lambda: uow, now=clock, new_id=uuid.uuid4))
    return center


def pupil(uow, school, first="Zoé", last="Lefèvre", user=PUPIL.user_id, profile=CERTIFIABLE, division="3A"):
    learner_id = uuid.uuid4()
    uow.replicas.save_learner(learner_id, 1, organization_id=school.id, first_name=first, last_name=last,
                              birthdate=date(2011, 4, 2), division=division, disabled=False)
    uow.replicas.save_learner_account(learner_id, 1, user)
    if user and profile:
        uow.replicas.save_profile(user, profile, None)
    return learner_id


def test_a_member_schedules_a_session_inside_the_window_with_drawn_codes(deps, uow, school):
    session_id = handle(c.ScheduleSession(HEAD, school.id, DETAILS), deps)
    session = uow.sessions.get(session_id)
    assert session.status == "CREATED" and len(session.access_code) == 6 and len(session.invigilator_password) == 6
    assert isinstance(uow.published[-1], ev.SessionScheduled)


@pytest.mark.parametrize(("actor", "details", "code"), [
    (STRANGER, DETAILS, "NOT_A_CENTER_MEMBER"),
    (HEAD, {**DETAILS, "date": date(2027, 2, 1)}, "SESSION_OUTSIDE_WINDOW"),
    (HEAD, {**DETAILS, "date": date(2026, 11, 22)}, "SESSION_SCHEDULED_IN_THE_PAST"),
    (HEAD, {**DETAILS, "room": ""}, "SESSION_ROOM_REQUIRED"),
])
def test_a_session_refused_saves_nothing(deps, uow, school, actor, details, code):
    with pytest.raises(e.CertificationError) as refused:
        handle(c.ScheduleSession(actor, school.id, details), deps)
    assert refused.value.error_code == code
    assert uow.sessions.rows == {}


def test_a_class_is_enrolled_but_for_the_pupils_not_eligible_who_are_listed_with_the_reason(deps, uow, school):
    session_id = handle(c.ScheduleSession(HEAD, school.id, DETAILS), deps)
    eligible = pupil(uow, school)
    no_account = pupil(uow, school, "Léo", "Martin", user=None)
    weak = pupil(uow, school, "Ana", "Petit", user=uuid.uuid4(), profile={"competences": CERTIFIABLE[
        "competences"][:4]})
    pupil(uow, school, "Tom", "Autre", division="3B")
    outcome = handle(c.EnrolStudents(HEAD, session_id, "3A"), deps)
    assert len(outcome.enrolled) == 1
    assert uow.candidates.get(outcome.enrolled[0]).organization_learner_id == eligible
    assert {(n["learner_id"], n["reason"]) for n in outcome.not_enrolled} == {
        (no_account, "NO_ACCOUNT"), (weak, "NOT_ENOUGH_COMPETENCES")}
    again = handle(c.EnrolStudents(HEAD, session_id, "3A"), deps)
    assert again.enrolled == [] and {n["reason"] for n in again.not_enrolled} >= {"ALREADY_ENROLLED"}
    with pytest.raises(e.NotFound):
        handle(c.EnrolStudents(HEAD, session_id, "6Z"), deps)


def test_a_school_does_not_type_candidates_in(deps, school):
    session_id = handle(c.ScheduleSession(HEAD, school.id, DETAILS), deps)
    with pytest.raises(e.RuleBroken) as refused:
        handle(c.EnrolCandidate(HEAD, session_id, {
            "first_name": "Zoé", "last_name": "Lefèvre", "birthdate": date(2011, 4, 2), "sex": "F",
            "birthplace": "Paris"}), deps)
    assert refused.value.error_code == "SCHOOL_ENROLS_ITS_STUDENTS"


@pytest.fixture
def pro(deps, uow):
    center_id = handle(c.CreateCenter(PLATFORM_ADMIN, "PRO", "Centre Pro", "head@example.org"), deps)
    center = uow.centers.get(center_id)
    uow.replicas.save_verified_email(HEAD.user_id, "head@example.org", None)
    handle(c.AcceptInvitation(HEAD, center.invitations[0].id, center.invitations[0].code), deps)
    return center


def test_only_a_platform_admin_creates_a_centre_and_its_invited_admin_becomes_a_member(deps, uow, pro):
    assert uow.centers.get(pro.id).members == {HEAD.user_id: "ADMIN"}
    with pytest.raises(e.Forbidden):
        handle(c.CreateCenter(HEAD, "PRO", "Centre", "x@example.org"), deps)


def test_a_file_of_candidates_enrols_all_or_none_with_errors_by_line(deps, uow, pro):
    session_id = handle(c.ScheduleSession(HEAD, pro.id, DETAILS), deps)
    good = {"first_name": "Zoé", "last_name": "Lefèvre", "birthdate": date(1990, 1, 2), "sex": "F",
            "birthplace": "Lyon"}
    rows = [(2, good), (3, {**good, "sex": "X"}), (4, {**good, "first_name": "ZOE"}),
            (5, {**good, "first_name": "Léo", "birthdate": e.Invalid("CANDIDATE_BIRTHDATE_FORMAT_NOT_VALID", "x")})]
    with pytest.raises(e.RuleBroken) as refused:
        handle(c.ImportCandidates(HEAD, session_id, rows), deps)
    assert [(x["line"], x["code"]) for x in refused.value.details["errors"]] == [
        (3, "CANDIDATE_SEX_NOT_VALID"), (4, "DUPLICATE_CANDIDATE"), (5, "CANDIDATE_BIRTHDATE_FORMAT_NOT_VALID")]
    assert uow.candidates.rows == {}
    assert len(handle(c.ImportCandidates(HEAD, session_id, rows[:1]), deps)) == 1


def joined(deps, uow, center, actor=PUPIL):
    session_id = handle(c.ScheduleSession(HEAD, center.id, DETAILS), deps)
    candidate_id = handle(c.EnrolCandidate(HEAD, session_id, {
        "first_name": "Zoé", "last_name": "Lefèvre", "birthdate": date(1990, 1, 2), "sex": "F",
        "birthplace": "Lyon", "extra_time_percentage": 33}), deps)
    uow.replicas.save_profile(actor.user_id, CERTIFIABLE, None)
    session = uow.sessions.get(session_id)
    assert handle(c.JoinSession(actor, session.number, "zoe", "LEFEVRE", date(1990, 1, 2)), deps) == \
        candidate_id
    return session, candidate_id


def test_the_whole_way_to_a_started_course(deps, uow, clock, pro):
    session, candidate_id = joined(deps, uow, pro)
    invigilator = c.Actor(uuid.uuid4())
    assert handle(c.OpenInvigilation(invigilator, session.number, session.invigilator_password),
                               deps) == session.id
    handle(c.AuthorizeCandidate(invigilator, candidate_id), deps)
    clock.advance(minutes=2)
    course_id, started = handle(c.StartCourse(PUPIL, candidate_id, session.access_code), deps)
    assert started
    event = uow.published[-1]
    assert isinstance(event, ev.CourseStarted)
    assert (event.course_id, event.extra_time_percentage, event.configuration_version) == (course_id, 33, 1)
    assert uow.sessions.rows[session.id].first_started_at == clock()
    with pytest.raises(e.Forbidden) as refused:  # a test started twice
        handle(c.StartCourse(PUPIL, candidate_id, session.access_code), deps)
    assert refused.value.error_code == "CANDIDATE_NOT_AUTHORIZED_TO_RESUME_SESSION"
    handle(c.EndCourse(invigilator, candidate_id), deps)
    assert isinstance(uow.published[-1], ev.CourseEndedByInvigilator)


def test_only_who_opened_the_session_with_its_password_invigilates(deps, uow, pro):
    session, candidate_id = joined(deps, uow, pro)
    with pytest.raises(e.Forbidden) as refused:
        handle(c.AuthorizeCandidate(STRANGER, candidate_id), deps)
    assert refused.value.error_code == "NOT_AN_INVIGILATOR"
    with pytest.raises(e.Forbidden) as refused:
        handle(c.OpenInvigilation(STRANGER, session.number, "wrong!"), deps)
    assert refused.value.error_code == "INVIGILATION_REFUSED"


def test_wrong_session_numbers_names_and_access_codes_are_throttled_per_account(deps, uow, clock, pro):
    session, candidate_id = joined(deps, uow, pro)
    for _ in range(3):
        with pytest.raises(e.NotFound):
            handle(c.JoinSession(STRANGER, 999_999, "Zoé", "Lefèvre", date(1990, 1, 2)), deps)
    with pytest.raises(e.NotFound):
        handle(c.JoinSession(STRANGER, session.number, "Zoé", "Lefèvre", date(1990, 1, 3)), deps)
    with pytest.raises(e.Conflict):  # someone else's enrolment
        handle(c.JoinSession(STRANGER, session.number, "Zoé", "Lefèvre", date(1990, 1, 2)), deps)
    with pytest.raises(e.Throttled) as refused:
        handle(c.JoinSession(STRANGER, session.number, "Zoé", "Lefèvre", date(1990, 1, 2)), deps)
    assert refused.value.details["retry_after"] == 600
    clock.advance(minutes=10, seconds=1)
    with pytest.raises(e.Conflict):
        handle(c.JoinSession(STRANGER, session.number, "Zoé", "Lefèvre", date(1990, 1, 2)), deps)
    assert uow.candidates.get(candidate_id).user_id == PUPIL.user_id


def test_wrong_access_codes_count_as_failures(deps, uow, pro):
    _session, candidate_id = joined(deps, uow, pro)
    for _ in range(5):
        with pytest.raises(e.RuleBroken):
            handle(c.StartCourse(PUPIL, candidate_id, "XXXX99"), deps)
    with pytest.raises(e.Throttled):
        handle(c.StartCourse(PUPIL, candidate_id, "XXXX99"), deps)


def test_a_candidate_not_certifiable_cannot_join(deps, uow, pro):
    session_id = handle(c.ScheduleSession(HEAD, pro.id, DETAILS), deps)
    handle(c.EnrolCandidate(HEAD, session_id, {
        "first_name": "Léo", "last_name": "Martin", "birthdate": date(1990, 1, 2), "sex": "M",
        "birthplace": "Lyon"}), deps)
    with pytest.raises(e.Forbidden) as refused:
        handle(c.JoinSession(STRANGER, uow.sessions.get(session_id).number, "Léo", "Martin",
                                     date(1990, 1, 2)), deps)
    assert (refused.value.error_code, refused.value.details["reason"]) == ("USER_NOT_CERTIFIABLE", "NO_PROFILE")


def test_a_pupil_joins_only_with_the_account_the_school_linked(deps, uow, school):
    session_id = handle(c.ScheduleSession(HEAD, school.id, DETAILS), deps)
    pupil(uow, school)
    handle(c.EnrolStudents(HEAD, session_id, "3A"), deps)
    number = uow.sessions.get(session_id).number
    uow.replicas.save_profile(STRANGER.user_id, CERTIFIABLE, None)
    with pytest.raises(e.Forbidden) as refused:
        handle(c.JoinSession(STRANGER, number, "Zoé", "Lefèvre", date(2011, 4, 2)), deps)
    assert refused.value.error_code == "MATCHING_RECONCILED_STUDENT_NOT_FOUND"
    assert handle(c.JoinSession(PUPIL, number, "Zoé", "Lefèvre", date(2011, 4, 2)), deps)


def test_candidates_change_until_24_hours_after_the_first_start(deps, uow, clock, pro):
    session, candidate_id = joined(deps, uow, pro)
    handle(c.ChangeCandidate(HEAD, candidate_id, 50), deps)
    assert uow.candidates.get(candidate_id).extra_time_percentage == 50
    uow.sessions.record_first_start(session.id, clock())
    clock.advance(hours=24)
    with pytest.raises(e.RuleBroken) as refused:
        handle(c.ChangeCandidate(HEAD, candidate_id, 10), deps)
    assert refused.value.error_code == "SESSION_EXPIRED"
    assert uow.candidates.get(candidate_id).extra_time_percentage == 50


def test_a_school_becomes_a_centre_from_organizations_event_and_only_once(uow, clock):
    organization_id = uuid.uuid4()
    data = {"organization_id": organization_id, "name": "Lycée Hugo", "type": "SCO", "external_id": "0751235B",
            "created_at": clock()}
    envelope = type("Envelope", (), {"aggregate_version": 1, "event_type": "organizations.organization.created.v1"})
    replication.on_organization_created(data, envelope, uow)
    replication.on_organization_created(data, envelope, uow)
    assert list(uow.centers.rows) == [organization_id]
    replication.on_organization_created({**data, "organization_id": uuid.uuid4(), "type": "PRO"}, envelope, uow)
    replication.on_organization_created({**data, "organization_id": uuid.uuid4(), "external_id": None}, envelope, uow)
    assert list(uow.centers.rows) == [organization_id]


def test_removing_a_candidate_who_started_is_refused(deps, uow, pro):
    session, candidate_id = joined(deps, uow, pro)
    invigilator = c.Actor(uuid.uuid4())
    handle(c.OpenInvigilation(invigilator, session.number, session.invigilator_password), deps)
    handle(c.AuthorizeCandidate(invigilator, candidate_id), deps)
    handle(c.StartCourse(PUPIL, candidate_id, session.access_code), deps)
    with pytest.raises(e.RuleBroken):
        handle(c.RemoveCandidate(HEAD, candidate_id), deps)
    assert uow.candidates.get(candidate_id) is not None




def test_every_change_of_the_invigilators_page_is_announced_on_its_session_channel(deps, uow, clock, pro):
    session, candidate_id = joined(deps, uow, pro)  # scheduled (nothing to show yet), enrolled, joined
    channel = invigilation_channel(session.id)
    assert uow.announced == [channel, channel]
    invigilator = c.Actor(uuid.uuid4())
    handle(c.OpenInvigilation(invigilator, session.number, session.invigilator_password), deps)
    assert uow.announced == [channel] * 2  # opening the page changes nothing on it
    handle(c.AuthorizeCandidate(invigilator, candidate_id), deps)
    handle(c.ChangeCandidate(HEAD, candidate_id, 50), deps)
    handle(c.StartCourse(PUPIL, candidate_id, session.access_code), deps)
    handle(c.EndCourse(invigilator, candidate_id), deps)
    assert uow.announced == [channel] * 6


def test_a_refused_change_announces_nothing(deps, uow, pro):
    session, candidate_id = joined(deps, uow, pro)
    before = list(uow.announced)
    with pytest.raises(e.Forbidden):
        handle(c.AuthorizeCandidate(STRANGER, candidate_id), deps)
    with pytest.raises(e.Forbidden):
        handle(c.StartCourse(PUPIL, candidate_id, session.access_code), deps)  # not authorized
    assert uow.announced == before


def test_candidates_added_and_removed_are_announced(deps, uow, pro):
    session_id = handle(c.ScheduleSession(HEAD, pro.id, DETAILS), deps)
    candidate_id = handle(c.EnrolCandidate(HEAD, session_id, {
        "first_name": "Léo", "last_name": "Martin", "birthdate": date(1991, 1, 2), "sex": "M",
        "birthplace": "Lyon"}), deps)
    handle(c.RemoveCandidate(HEAD, candidate_id), deps)
    handle(c.EditSession(HEAD, session_id, {"room": "C3"}), deps)
    assert uow.announced == [invigilation_channel(session_id)] * 3


def test_the_invigilators_page_changes_by_time_alone_when_the_first_authorization_ends(clock):
    from datetime import timedelta

    from certification.views import invigilation_changes_in

    now = clock()
    view = {"candidates": [
        {"status": "AUTHORIZED", "authorized_until": now + timedelta(minutes=9)},
        {"status": "AUTHORIZED", "authorized_until": now + timedelta(minutes=4)},
        {"status": "STARTED", "authorized_until": now + timedelta(minutes=1)},  # a resume: its status stays
        {"status": "JOINED", "authorized_until": None}]}
    assert invigilation_changes_in(view, now) == 240.0
    assert invigilation_changes_in({"candidates": view["candidates"][2:]}, now) is None


def started(deps, uow, clock, center):
    """A candidate whose course started under an invigilator's eyes: (session, candidate id, course id, invigilator)."""
    session, candidate_id = joined(deps, uow, center)
    invigilator = c.Actor(uuid.uuid4())
    handle(c.OpenInvigilation(invigilator, session.number, session.invigilator_password), deps)
    handle(c.AuthorizeCandidate(invigilator, candidate_id), deps)
    course_id, _ = handle(c.StartCourse(PUPIL, candidate_id, session.access_code), deps)
    return session, candidate_id, course_id, invigilator


def raise_alert(uow, course_id, alert_id=None, question_number=6):
    """assessment's event, as certification's consumer hands it to the use case (in its unit of work)."""
    alert_id = alert_id or uuid.uuid4()
    with uow:
        live_alerts.on_live_alert_raised({"course_id": course_id, "alert_id": alert_id, "challenge_id": "t23x4-b",
                                          "question_number": question_number,
                                          "raised_at": datetime(2026, 12, 1, 9, 5, tzinfo=UTC)}, None, uow)
        uow.commit()
    return alert_id


def test_an_alert_from_assessment_is_recorded_once_on_the_candidate_and_touches_the_session(deps, uow, clock, pro):
    session, candidate_id, course_id, _ = started(deps, uow, clock, pro)
    uow.touched_sessions = set()
    alert_id = raise_alert(uow, course_id)
    assert uow.touched_sessions == {session.id}
    uow.touched_sessions = set()
    raise_alert(uow, course_id, alert_id)  # the same alert heard again
    assert uow.touched_sessions == set()
    [alert] = uow.live_alerts.rows.values()
    assert (alert.id, alert.candidate_id, alert.session_id, alert.status, alert.question_number) == (
        alert_id, candidate_id, session.id, "ONGOING", 6)
    with pytest.raises(live_alerts.CourseUnknown):
        raise_alert(uow, uuid.uuid4())


@pytest.mark.parametrize(("command", "decision"), [(c.ValidateLiveAlert, "VALIDATED"),
                                                   (c.DismissLiveAlert, "DISMISSED")])
def test_the_invigilator_decides_the_ongoing_alert_once_and_assessment_is_told(deps, uow, clock, pro, command,
                                                                                decision):
    session, candidate_id, course_id, invigilator = started(deps, uow, clock, pro)
    with pytest.raises(e.NotFound) as refused:
        handle(command(invigilator, candidate_id), deps)
    assert refused.value.error_code == "LIVE_ALERT_NOT_FOUND"  # nothing signalled
    alert_id = raise_alert(uow, course_id)
    with pytest.raises(e.Forbidden) as refused:
        handle(command(STRANGER, candidate_id), deps)
    assert refused.value.error_code == "NOT_AN_INVIGILATOR"
    assert uow.live_alerts.rows[alert_id].status == "ONGOING"
    uow.touched_sessions, published = set(), len(uow.published)
    clock.advance(minutes=1)
    handle(command(invigilator, candidate_id), deps)
    [event] = uow.published[published:]
    assert isinstance(event, ev.LiveAlertDecided)
    assert (event.alert_id, event.course_id, event.candidate_id, event.session_id, event.decision,
            event.decided_by, event.decided_at, event.version) == (
        alert_id, course_id, candidate_id, session.id, decision, invigilator.user_id, clock(), 2)
    assert uow.touched_sessions == {session.id} and uow.live_alerts.rows[alert_id].status == decision
    with pytest.raises(e.NotFound) as refused:  # decided: a second click finds nothing to decide
        handle(c.ValidateLiveAlert(invigilator, candidate_id), deps)
    assert refused.value.error_code == "LIVE_ALERT_NOT_FOUND"
    assert len(uow.published) == published + 1
