import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from certification.domain import exceptions as e
from certification.domain.sessions import Session, SessionDetails

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)  # 10:00 in Paris


def details(**changes):
    fields = {"address": "1 rue de l'École", "room": "B12", "date": date(2026, 11, 24), "time": "09:00",
              "examiner": "M. Martin", "description": None, **changes}
    return SessionDetails.checked(**fields)


def session():
    return Session.schedule(uuid.uuid4(), uuid.uuid4(), 1001, details(), access_code="BCDF23",
                            invigilator_password="ab3?Kx", by=uuid.uuid4(), now=NOW)


@pytest.mark.parametrize(("changes", "code"), [
    ({"address": " "}, "SESSION_ADDRESS_REQUIRED"),
    ({"room": None}, "SESSION_ROOM_REQUIRED"),
    ({"examiner": ""}, "SESSION_EXAMINER_REQUIRED"),
    ({"date": None}, "SESSION_DATE_REQUIRED"),
    ({"time": None}, "SESSION_TIME_REQUIRED"),
    ({"time": "24:00"}, "SESSION_TIME_NOT_VALID"),
    ({"time": "9:00"}, "SESSION_TIME_NOT_VALID"),
    ({"room": "x" * 256}, "SESSION_FIELD_TOO_LONG"),
    ({"description": "x" * 2001}, "SESSION_DESCRIPTION_TOO_LONG"),
])
def test_a_session_with_a_wrong_field_is_refused_with_its_code(changes, code):
    with pytest.raises(e.Invalid) as refused:
        details(**changes)
    assert refused.value.error_code == code


def test_a_session_is_never_scheduled_in_the_past_by_the_centres_clock():
    # 09:59 in Paris is 08:59 UTC: already past at 09:00 UTC.
    with pytest.raises(e.RuleBroken) as refused:
        Session.schedule(uuid.uuid4(), uuid.uuid4(), 1, details(date=date(2026, 11, 23), time="09:59"),
                         access_code="BCDF23", invigilator_password="ab3?Kx", by=uuid.uuid4(), now=NOW)
    assert refused.value.error_code == "SESSION_SCHEDULED_IN_THE_PAST"
    later = Session.schedule(uuid.uuid4(), uuid.uuid4(), 1, details(date=date(2026, 11, 23), time="10:01"),
                             access_code="BCDF23", invigilator_password="ab3?Kx", by=uuid.uuid4(), now=NOW)
    assert later.status == "CREATED" and later.version == 1


def test_a_session_is_edited_until_its_first_start_and_not_into_the_past():
    scheduled = session()
    scheduled.edit(details(room="C4"), NOW)
    assert scheduled.details.room == "C4" and scheduled.version == 2
    with pytest.raises(e.RuleBroken):
        scheduled.edit(details(date=date(2026, 11, 1)), NOW)
    scheduled.first_started_at = NOW
    with pytest.raises(e.RuleBroken) as refused:
        scheduled.edit(details(room="D1"), NOW)
    assert refused.value.error_code == "SESSION_ALREADY_STARTED"


def test_candidates_change_until_24_hours_after_the_first_start_and_never_once_finalized():
    scheduled = session()
    scheduled.require_candidates_changeable(NOW)
    scheduled.first_started_at = NOW
    scheduled.require_candidates_changeable(NOW + timedelta(hours=23, minutes=59))
    with pytest.raises(e.RuleBroken) as refused:
        scheduled.require_candidates_changeable(NOW + timedelta(hours=24))
    assert refused.value.error_code == "SESSION_EXPIRED"
    scheduled.status = "FINALIZED"
    with pytest.raises(e.RuleBroken) as refused:
        scheduled.require_candidates_changeable(NOW)
    assert refused.value.error_code == "SESSION_NOT_ACCESSIBLE"


def test_a_session_goes_from_created_to_finalized_in_process_and_published_and_then_changes_no_more():
    found, centre_member, admin = session(), uuid.uuid4(), uuid.uuid4()
    with pytest.raises(e.RuleBroken, match="nothing to finalize"):
        found.finalize(centre_member, NOW, global_comment=None, has_incident=False, has_joining_issue=False)
    with pytest.raises(e.RuleBroken) as not_yet:
        found.publish(admin, NOW)
    assert not_yet.value.error_code == "SESSION_NOT_FINALIZED"
    found.first_started_at = NOW
    found.finalize(centre_member, NOW, global_comment="Panne", has_incident=True, has_joining_issue=False)
    assert (found.status, found.finalized_by, found.global_comment) == ("FINALIZED", centre_member, "Panne")
    with pytest.raises(e.Conflict) as twice:
        found.finalize(centre_member, NOW, global_comment=None, has_incident=False, has_joining_issue=False)
    assert twice.value.error_code == "SESSION_ALREADY_FINALIZED"
    with pytest.raises(e.RuleBroken):
        found.require_open()  # no more joining, authorizing or starting
    found.take_for_review(admin)
    assert (found.status, found.assigned_to) == ("IN_PROCESS", admin)
    found.comment_as_jury(admin, "  Vu avec le centre  ")
    assert found.jury_comment == "Vu avec le centre"
    found.publish(admin, NOW)
    assert (found.status, found.published_at) == ("PUBLISHED", NOW)
    for action in (lambda: found.take_for_review(admin), lambda: found.publish(admin, NOW),
                   lambda: found.comment_as_jury(admin, "late")):
        with pytest.raises(e.Conflict) as published:
            action()
        assert published.value.error_code == "SESSION_ALREADY_PUBLISHED"
