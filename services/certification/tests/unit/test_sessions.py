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
