"""A certification session: where and when a centre's candidates sit the test, under invigilation.

Its number (what candidates and invigilators type) comes from a sequence; its access code and
invigilator password are drawn at creation (domain/codes.py). Dates and times are the centre's
wall clock in France (Europe/Paris): a session is never scheduled in the past.

Statuses: CREATED until the centre finalizes it (FINALIZED), then IN_PROCESS while the jury
works on it, then PUBLISHED with its results. Only CREATED sessions are joined, edited or
started. The candidates may change until 24 hours after the first candidate started (a
session lasts a day at most); the session's details only until the first start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from certification.domain import events as ev
from certification.domain import exceptions as e

CREATED, FINALIZED, IN_PROCESS, PUBLISHED = "CREATED", "FINALIZED", "IN_PROCESS", "PUBLISHED"
STATUSES = (CREATED, FINALIZED, IN_PROCESS, PUBLISHED)
CENTER_TIME_ZONE = ZoneInfo("Europe/Paris")
CANDIDATES_CHANGEABLE_FOR = timedelta(hours=24)
TIME = re.compile(r"(0[0-9]|1[0-9]|2[0-3]):[0-5][0-9]")
EDITABLE = ("address", "room", "date", "time", "examiner", "description")


@dataclass(frozen=True)
class SessionDetails:
    address: str
    room: str
    date: date
    time: str
    examiner: str
    description: str | None

    @classmethod
    def checked(cls, *, address: str | None, room: str | None, date: date | None, time: str | None,
                examiner: str | None, description: str | None = None) -> SessionDetails:
        address, room, examiner = _trimmed(address), _trimmed(room), _trimmed(examiner)
        if not address:
            raise e.Invalid("SESSION_ADDRESS_REQUIRED", "A session needs its address.", field="address")
        if not room:
            raise e.Invalid("SESSION_ROOM_REQUIRED", "A session needs its room.", field="room")
        if not examiner:
            raise e.Invalid("SESSION_EXAMINER_REQUIRED", "A session needs its examiner.", field="examiner")
        for value, name in ((address, "address"), (room, "room"), (examiner, "examiner")):
            if len(value) > 255:
                raise e.Invalid("SESSION_FIELD_TOO_LONG", f"The {name} has 255 characters at most.", field=name)
        if date is None:
            raise e.Invalid("SESSION_DATE_REQUIRED", "A session needs a date.", field="date")
        if not time:
            raise e.Invalid("SESSION_TIME_REQUIRED", "A session needs a start time.", field="time")
        if not TIME.fullmatch(time):
            raise e.Invalid("SESSION_TIME_NOT_VALID", "The start time is HH:MM (00:00 to 23:59).", field="time")
        description = (description or "").strip() or None
        if description is not None and len(description) > 2000:
            raise e.Invalid("SESSION_DESCRIPTION_TOO_LONG", "The description has 2,000 characters at most.",
                            field="description")
        return cls(address, room, date, time, examiner, description)

    def starts_at(self) -> datetime:
        hours, minutes = (int(part) for part in self.time.split(":"))
        return datetime.combine(self.date, time(hours, minutes), CENTER_TIME_ZONE)

    def require_future(self, now: datetime) -> None:
        if self.starts_at() < now:
            raise e.RuleBroken("SESSION_SCHEDULED_IN_THE_PAST", "A session cannot be scheduled in the past.",
                               field="date")


def _trimmed(value: str | None) -> str:
    return (value or "").strip()


@dataclass
class Session:
    id: UUID
    center_id: UUID
    number: int
    details: SessionDetails
    access_code: str
    invigilator_password: str
    status: str
    created_by: UUID
    created_at: datetime
    first_started_at: datetime | None = None
    finalized_at: datetime | None = None
    finalized_by: UUID | None = None
    global_comment: str | None = None
    has_incident: bool | None = None
    has_joining_issue: bool | None = None
    assigned_to: UUID | None = None
    jury_comment: str | None = None
    published_at: datetime | None = None
    version: int = 0
    events: list[Any] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def schedule(cls, session_id: UUID, center_id: UUID, number: int, details: SessionDetails, *, access_code: str,
                 invigilator_password: str, by: UUID, now: datetime) -> Session:
        details.require_future(now)
        session = cls(session_id, center_id, number, details, access_code, invigilator_password, CREATED, by, now,
                      version=1)
        session.events.append(ev.SessionScheduled(session_id, 1, center_id, number, details.date, details.time, by,
                                                  now))
        return session

    def edit(self, details: SessionDetails, now: datetime) -> None:
        self.require_open()
        if self.first_started_at is not None:
            raise e.RuleBroken("SESSION_ALREADY_STARTED", "A candidate has started: the session's details are kept.")
        if (details.date, details.time) != (self.details.date, self.details.time):
            details.require_future(now)
        self.details = details
        self.version += 1

    @property
    def joinable(self) -> bool:
        return self.status == CREATED

    def require_open(self) -> None:
        if self.status != CREATED:
            raise e.RuleBroken("SESSION_NOT_ACCESSIBLE", "This session is finalized: it changes no more.",
                               status=self.status)

    def require_candidates_changeable(self, now: datetime) -> None:
        self.require_open()
        if self.first_started_at is not None and now >= self.first_started_at + CANDIDATES_CHANGEABLE_FOR:
            raise e.RuleBroken("SESSION_EXPIRED", "The candidates of a session change until 24 hours after the "
                               "first start.")

    # -- after the test: finalization by the centre, review and publication by a platform admin --------

    def finalize(self, by: UUID, now: datetime, *, global_comment: str | None, has_incident: bool,
                 has_joining_issue: bool) -> None:
        if self.status != CREATED:
            raise e.Conflict("SESSION_ALREADY_FINALIZED", "This session is already finalized.", status=self.status)
        if self.first_started_at is None:
            raise e.RuleBroken("SESSION_WITHOUT_STARTED_CERTIFICATION", "No candidate started: there is nothing to "
                               "finalize.")
        self.status, self.finalized_at, self.finalized_by = FINALIZED, now, by
        self.global_comment, self.has_incident, self.has_joining_issue = global_comment, has_incident, \
            has_joining_issue
        self.version += 1

    def require_reviewable(self) -> None:
        if self.status == PUBLISHED:
            raise e.Conflict("SESSION_ALREADY_PUBLISHED", "This session's results are published: they change no "
                             "more.")
        if self.status not in (FINALIZED, IN_PROCESS):
            raise e.RuleBroken("SESSION_NOT_FINALIZED", "The centre has not finalized this session yet.",
                               status=self.status)

    def take_for_review(self, admin: UUID) -> None:
        """A platform admin takes the session: IN_PROCESS (the centre still reads FINALIZED: nothing to do)."""
        self.require_reviewable()
        if self.status != IN_PROCESS or self.assigned_to != admin:
            self.status, self.assigned_to = IN_PROCESS, admin
            self.version += 1

    def comment_as_jury(self, admin: UUID, comment: str | None) -> None:
        self.take_for_review(admin)
        comment = (comment or "").strip() or None
        if comment is not None and len(comment) > 2000:
            raise e.Invalid("JURY_COMMENT_TOO_LONG", "The jury's comment has 2,000 characters at most.",
                            field="comment")
        self.jury_comment = comment
        self.version += 1

    def publish(self, admin: UUID, now: datetime) -> None:
        self.require_reviewable()
        self.status, self.published_at = PUBLISHED, now
        self.assigned_to = self.assigned_to or admin
        self.version += 1
