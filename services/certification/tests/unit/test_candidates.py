import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from certification.domain import events as ev
from certification.domain import exceptions as e
from certification.domain.candidates import Candidate, Identity, find_enrolment, ineligibility, require_no_duplicate
from certification.domain.sessions import Session, SessionDetails

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
USER = uuid.uuid4()


def session():
    details = SessionDetails.checked(address="a", room="r", date=date(2026, 11, 24), time="09:00", examiner="e")
    return Session.schedule(uuid.uuid4(), uuid.uuid4(), 1001, details, access_code="BCDF23",
                            invigilator_password="ab3?Kx", by=uuid.uuid4(), now=NOW)


def identity(**changes):
    fields = {"first_name": "Zoé", "last_name": "Lefèvre", "birthdate": date(2011, 4, 2), "sex": "F",
              "birthplace": "Paris", **changes}
    return Identity.checked(**fields)


def candidate(of=None, extra_time=0):
    return Candidate.enrol(uuid.uuid4(), of or session(), identity(), extra_time_percentage=extra_time,
                           organization_learner_id=None, now=NOW)


@pytest.mark.parametrize(("changes", "code"), [
    ({"first_name": "  "}, "CANDIDATE_FIRST_NAME_REQUIRED"),
    ({"last_name": None}, "CANDIDATE_LAST_NAME_REQUIRED"),
    ({"last_name": "--"}, "CANDIDATE_NAME_NOT_VALID"),
    ({"birthdate": None}, "CANDIDATE_BIRTHDATE_REQUIRED"),
    ({"birthdate": date(1899, 12, 31)}, "CANDIDATE_BIRTHDATE_MUST_BE_GREATER"),
    ({"sex": None}, "CANDIDATE_SEX_REQUIRED"),
    ({"sex": "X"}, "CANDIDATE_SEX_NOT_VALID"),
    ({"birthplace": " "}, "CANDIDATE_BIRTHPLACE_REQUIRED"),
    ({"result_email": "nope"}, "CANDIDATE_RESULT_RECIPIENT_EMAIL_NOT_VALID"),
    ({"external_id": "x" * 256}, "CANDIDATE_EXTERNAL_ID_TOO_LONG"),
])
def test_a_candidate_with_a_wrong_field_is_refused_with_its_code(changes, code):
    with pytest.raises(e.Invalid) as refused:
        identity(**changes)
    assert refused.value.error_code == code


@pytest.mark.parametrize("percentage", [-1, 101])
def test_extra_time_is_a_percentage_from_0_to_100(percentage):
    with pytest.raises(e.Invalid) as refused:
        candidate(extra_time=percentage)
    assert refused.value.error_code == "CANDIDATE_EXTRA_TIME_OUT_OF_RANGE"
    assert candidate(extra_time=None).extra_time_percentage == 0


def test_eligibility_needs_an_account_a_profile_and_level_1_in_5_competences():
    profile = {"competences": [{"competence_code": f"1.{i}", "level": 1} for i in range(4)]}
    assert ineligibility(None, profile) == "NO_ACCOUNT"
    assert ineligibility(USER, None) == "NO_PROFILE"
    assert ineligibility(USER, profile) == "NOT_ENOUGH_COMPETENCES"
    profile["competences"].append({"competence_code": "2.1", "level": 0})
    assert ineligibility(USER, profile) == "NOT_ENOUGH_COMPETENCES"
    profile["competences"].append({"competence_code": "2.2", "level": 3})
    assert ineligibility(USER, profile) is None


def test_a_candidate_is_found_by_normalized_names_and_the_exact_birth_date():
    enrolled = [candidate(), Candidate.enrol(uuid.uuid4(), session(), identity(first_name="Léo", last_name="Martin"),
                                             extra_time_percentage=0, organization_learner_id=None, now=NOW)]
    assert find_enrolment(enrolled, " zoe ", "LEFEVRE", date(2011, 4, 2)) is enrolled[0]
    for first, last, born in [("Zoé", "Lefèvre", date(2011, 4, 3)), ("Zoe", "Lefevres", date(2011, 4, 2)),
                              ("Léa", "Martin", date(2011, 4, 2))]:
        with pytest.raises(e.NotFound) as refused:
            find_enrolment(enrolled, first, last, born)
        assert refused.value.error_code == "CANDIDATE_NOT_FOUND"


def test_two_enrolments_with_the_same_person_are_ambiguous_and_refused_at_enrolment():
    twins = [candidate(), candidate()]
    with pytest.raises(e.Conflict) as refused:
        find_enrolment(twins, "Zoé", "Lefèvre", date(2011, 4, 2))
    assert refused.value.error_code == "CANDIDATE_TOO_MANY_MATCHES"
    with pytest.raises(e.Conflict) as refused:
        require_no_duplicate(twins[:1], identity(first_name="ZOE", last_name="lefevre"), line=3)
    assert refused.value.details == {"line": 3}


def test_an_enrolment_belongs_to_the_first_account_that_joins():
    joined = candidate()
    joined.link_to(USER, NOW)
    joined.link_to(USER, NOW)  # again: nothing changes
    assert (joined.user_id, joined.version) == (USER, 2)
    with pytest.raises(e.Conflict) as refused:
        joined.link_to(uuid.uuid4(), NOW)
    assert refused.value.error_code == "UNEXPECTED_USER_ACCOUNT"


def start(who, where, code="BCDF23", at=NOW, user=USER):
    return who.start(where, code, user_id=user, course_id=uuid.uuid4(), verification_code="P-Y468BCDF",
                     configuration_version=1, now=at)


def test_the_course_starts_with_the_access_code_within_15_minutes_of_the_authorization():
    room = session()
    sitting = candidate(room, extra_time=33)
    sitting.link_to(USER, NOW)
    with pytest.raises(e.Forbidden) as refused:
        start(sitting, room)
    assert refused.value.error_code == "CANDIDATE_NOT_AUTHORIZED_TO_JOIN_SESSION"
    sitting.authorize(NOW)
    with pytest.raises(e.Forbidden):
        start(sitting, room, at=NOW + timedelta(minutes=15))
    assert start(sitting, room, code=" bcdf23 ", at=NOW + timedelta(minutes=14)) is True
    [started] = sitting.events
    assert isinstance(started, ev.CourseStarted)
    assert (started.extra_time_percentage, started.user_id, started.session_id) == (33, USER, room.id)
    assert sitting.authorized_until is None


def test_resuming_needs_a_new_authorization_and_publishes_nothing():
    room = session()
    sitting = candidate(room)
    sitting.link_to(USER, NOW)
    sitting.authorize(NOW)
    start(sitting, room)
    course = sitting.course
    with pytest.raises(e.Forbidden) as refused:
        start(sitting, room)
    assert refused.value.error_code == "CANDIDATE_NOT_AUTHORIZED_TO_RESUME_SESSION"
    sitting.authorize(NOW + timedelta(minutes=30))
    assert start(sitting, room, at=NOW + timedelta(minutes=31)) is False
    assert sitting.course is course and len(sitting.events) == 1


@pytest.mark.parametrize(("setup", "code"), [
    (lambda c, s: None, "ACCESS_CODE_INVALID"),
    (lambda c, s: setattr(s, "status", "FINALIZED"), "SESSION_NOT_ACCESSIBLE"),
])
def test_a_wrong_access_code_or_a_finalized_session_starts_nothing(setup, code):
    room = session()
    sitting = candidate(room)
    sitting.link_to(USER, NOW)
    sitting.authorize(NOW)
    setup(sitting, room)
    with pytest.raises(e.RuleBroken) as refused:
        start(sitting, room, code="BCDF24" if code == "ACCESS_CODE_INVALID" else "BCDF23")
    assert refused.value.error_code == code
    assert sitting.course is None and sitting.events == []


def test_another_account_cannot_start_the_candidates_course():
    room = session()
    sitting = candidate(room)
    sitting.link_to(USER, NOW)
    sitting.authorize(NOW)
    with pytest.raises(e.Forbidden) as refused:
        start(sitting, room, user=uuid.uuid4())
    assert refused.value.error_code == "NOT_THE_CANDIDATE"


def test_a_course_resumes_within_24_hours_only():
    room = session()
    sitting = candidate(room)
    sitting.link_to(USER, NOW)
    sitting.authorize(NOW)
    start(sitting, room)
    sitting.authorize(NOW + timedelta(hours=24))
    with pytest.raises(e.RuleBroken) as refused:
        start(sitting, room, at=NOW + timedelta(hours=24, minutes=1))
    assert refused.value.error_code == "CERTIFICATION_DURATION_EXCEEDED"


def test_the_invigilator_ends_a_started_course_once_and_it_cannot_resume():
    room, invigilator = session(), uuid.uuid4()
    sitting = candidate(room)
    with pytest.raises(e.RuleBroken):
        sitting.authorize(NOW)  # not joined yet
    sitting.link_to(USER, NOW)
    with pytest.raises(e.RuleBroken) as refused:
        sitting.end_by_invigilator(invigilator, NOW)
    assert refused.value.error_code == "CERTIFICATION_NOT_STARTED"
    sitting.authorize(NOW)
    start(sitting, room)
    sitting.end_by_invigilator(invigilator, NOW + timedelta(minutes=20))
    assert isinstance(sitting.events[-1], ev.CourseEndedByInvigilator)
    assert sitting.status(NOW) == "ENDED_BY_INVIGILATOR"
    with pytest.raises(e.Conflict):
        sitting.end_by_invigilator(invigilator, NOW)
    with pytest.raises(e.RuleBroken) as refused:
        sitting.authorize(NOW)
    assert refused.value.error_code == "CERTIFICATION_ENDED"


def test_what_the_invigilator_sees_follows_the_candidate():
    room = session()
    sitting = candidate(room)
    assert sitting.status(NOW) == "NOT_ARRIVED"
    sitting.link_to(USER, NOW)
    assert sitting.status(NOW) == "JOINED"
    sitting.authorize(NOW)
    assert sitting.status(NOW) == "AUTHORIZED"
    assert sitting.status(NOW + timedelta(minutes=16)) == "JOINED"
    start(sitting, room)
    assert sitting.status(NOW) == "STARTED"
