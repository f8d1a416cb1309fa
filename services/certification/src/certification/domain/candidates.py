"""Candidates: who is enrolled in a session, who they turn out to be, and their course.

**Enrolment.** A school enrols its own pupils (organizations' list), and only those eligible; other
centres type their candidates in, or load a file. Extra time is a percentage (0 to 100: a third
more, 33, is the usual adjustment) lengthening the timed questions.

**Eligibility.** Level 1 or more in at least 5 of the 16 competences, in the learner's profile as
assessment last reported it. A pupil with no account known, or no profile yet, is not eligible
either: nothing says they are.

**Joining.** The candidate, logged in, types the session number, their names and birth date.
Names match once normalized (no case, accents, spaces or punctuation: svckit.names) and
exactly: unlike a school's list, an enrolment was typed for this day, and a near match here
would let one candidate sit as another. The birth date is exact. One enrolment, one account.

**Starting.** The invigilator authorizes a candidate present in the room, for 15 minutes; the
candidate then types the access code and the course starts, with its verification code. The
authorization is spent by the start: resuming after leaving needs a new one. A course lasts
24 hours at most.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from certification.domain import events as ev
from certification.domain import exceptions as e
from certification.domain.addresses import looks_like_email
from certification.domain.codes import same_secret
from certification.domain.sessions import Session
from svckit.names import normalize_name

SEXES = ("M", "F")
MAX_EXTRA_TIME = 100
AUTHORIZATION_LASTS = timedelta(minutes=15)
COURSE_LASTS_AT_MOST = timedelta(hours=24)
MINIMUM_BIRTHDATE = date(1900, 1, 2)
CERTIFIABLE_COMPETENCES, CERTIFIABLE_LEVEL = 5, 1

# Not eligible, and why (the list a school reads when it enrols a class).
NO_ACCOUNT, NO_PROFILE, NOT_ENOUGH_COMPETENCES, ALREADY_ENROLLED = (
    "NO_ACCOUNT", "NO_PROFILE", "NOT_ENOUGH_COMPETENCES", "ALREADY_ENROLLED")


def competences_at_level(profile: dict[str, Any] | None) -> int:
    if not profile:
        return 0
    return sum(1 for competence in profile.get("competences", ()) if competence.get("level", 0) >= CERTIFIABLE_LEVEL)


def ineligibility(user_id: UUID | None, profile: dict[str, Any] | None) -> str | None:
    """None when eligible, else the reason."""
    if user_id is None:
        return NO_ACCOUNT
    if profile is None:
        return NO_PROFILE
    if competences_at_level(profile) < CERTIFIABLE_COMPETENCES:
        return NOT_ENOUGH_COMPETENCES
    return None


@dataclass(frozen=True)
class Identity:
    first_name: str
    last_name: str
    birthdate: date
    sex: str | None = None
    birthplace: str | None = None
    result_email: str | None = None
    external_id: str | None = None

    @classmethod
    def checked(cls, *, first_name: str | None, last_name: str | None, birthdate: date | None, sex: str | None = None,
                birthplace: str | None = None, result_email: str | None = None, external_id: str | None = None,
                school_pupil: bool = False) -> Identity:
        first, last = _collapsed(first_name), _collapsed(last_name)
        if not first:
            raise e.Invalid("CANDIDATE_FIRST_NAME_REQUIRED", "A candidate needs a first name.", field="first_name")
        if not last:
            raise e.Invalid("CANDIDATE_LAST_NAME_REQUIRED", "A candidate needs a last name.", field="last_name")
        for value, name in ((first, "first_name"), (last, "last_name")):
            if len(value) > 255 or not normalize_name(value):
                raise e.Invalid("CANDIDATE_NAME_NOT_VALID", f"The {name.replace('_', ' ')} is not a name.",
                                field=name)
        if birthdate is None:
            raise e.Invalid("CANDIDATE_BIRTHDATE_REQUIRED", "A candidate needs a birth date.", field="birthdate")
        if birthdate < MINIMUM_BIRTHDATE:
            raise e.Invalid("CANDIDATE_BIRTHDATE_MUST_BE_GREATER", "The birth date is after 1900-01-01.",
                            field="birthdate")
        sex = (sex or "").strip().upper() or None
        # A school's pupil comes from its list, which gives neither; a centre types both in (the certificate shows them).
        if sex is None and not school_pupil:
            raise e.Invalid("CANDIDATE_SEX_REQUIRED", "A candidate's sex is M or F.", field="sex")
        if sex is not None and sex not in SEXES:
            raise e.Invalid("CANDIDATE_SEX_NOT_VALID", "A candidate's sex is M or F.", field="sex")
        birthplace = (birthplace or "").strip() or None
        if birthplace is None and not school_pupil:
            raise e.Invalid("CANDIDATE_BIRTHPLACE_REQUIRED", "A candidate needs a birthplace (printed on the "
                            "certificate).", field="birthplace")
        email = (result_email or "").strip().lower() or None
        if email is not None and not looks_like_email(email):
            raise e.Invalid("CANDIDATE_RESULT_RECIPIENT_EMAIL_NOT_VALID", "The results' email is not an address.",
                            field="result_email")
        external_id = (external_id or "").strip() or None
        if birthplace is not None and len(birthplace) > 255:
            raise e.Invalid("CANDIDATE_BIRTHPLACE_TOO_LONG", "The birthplace has 255 characters at most.",
                            field="birthplace")
        if external_id is not None and len(external_id) > 255:
            raise e.Invalid("CANDIDATE_EXTERNAL_ID_TOO_LONG", "The external id has 255 characters at most.",
                            field="external_id")
        return cls(first, last, birthdate, sex, birthplace, email, external_id)

    def same_person(self, first_name: str, last_name: str, birthdate: date) -> bool:
        return (self.birthdate == birthdate and normalize_name(self.first_name) == normalize_name(first_name)
                and normalize_name(self.last_name) == normalize_name(last_name))

    @property
    def key(self) -> tuple[str, str, date]:
        return normalize_name(self.first_name), normalize_name(self.last_name), self.birthdate


def _collapsed(value: str | None) -> str:
    return " ".join((value or "").split())


def checked_extra_time(value: int | None) -> int:
    value = 0 if value is None else value
    if not 0 <= value <= MAX_EXTRA_TIME:
        raise e.Invalid("CANDIDATE_EXTRA_TIME_OUT_OF_RANGE", f"Extra time is a percentage from 0 to {MAX_EXTRA_TIME}.",
                        field="extra_time_percentage")
    return value


@dataclass
class Course:
    id: UUID
    verification_code: str
    started_at: datetime
    ended_by_invigilator_at: datetime | None = None


@dataclass
class Candidate:
    id: UUID
    session_id: UUID
    center_id: UUID
    identity: Identity
    extra_time_percentage: int
    organization_learner_id: UUID | None
    created_at: datetime
    user_id: UUID | None = None
    reconciled_at: datetime | None = None
    authorized_until: datetime | None = None
    course: Course | None = None
    version: int = 0
    events: list[Any] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def enrol(cls, candidate_id: UUID, session: Session, identity: Identity, *, extra_time_percentage: int | None,
              organization_learner_id: UUID | None, now: datetime) -> Candidate:
        return cls(candidate_id, session.id, session.center_id, identity, checked_extra_time(extra_time_percentage),
                   organization_learner_id, now, version=1)

    def set_extra_time(self, percentage: int | None) -> None:
        self.extra_time_percentage = checked_extra_time(percentage)
        self.version += 1

    def require_removable(self) -> None:
        if self.course is not None:
            raise e.RuleBroken("CANDIDATE_ALREADY_STARTED", "This candidate has started: they stay enrolled.")

    def link_to(self, user_id: UUID, now: datetime) -> None:
        if self.user_id == user_id:
            return
        if self.user_id is not None:
            raise e.Conflict("UNEXPECTED_USER_ACCOUNT", "This candidate joined with another account.")
        self.user_id, self.reconciled_at = user_id, now
        self.version += 1

    def authorize(self, now: datetime) -> None:
        """The invigilator saw the candidate in the room: they may start (or resume) within 15 minutes."""
        if self.user_id is None:
            raise e.RuleBroken("CANDIDATE_NOT_JOINED", "This candidate has not joined the session yet.")
        if self.course is not None and self.course.ended_by_invigilator_at is not None:
            raise e.RuleBroken("CERTIFICATION_ENDED", "The invigilator ended this candidate's test.")
        self.authorized_until = now + AUTHORIZATION_LASTS
        self.version += 1

    def start(self, session: Session, access_code: str, *, user_id: UUID, course_id: UUID, verification_code: str,
              configuration_version: int, now: datetime) -> bool:
        """Start the course, or resume it; True when it starts now. Spends the authorization either way."""
        if self.user_id != user_id:
            raise e.Forbidden("NOT_THE_CANDIDATE", "This enrolment is another person's.")
        if not same_secret(session.access_code, (access_code or "").strip().upper()):
            raise e.RuleBroken("ACCESS_CODE_INVALID", "This is not the session's access code.")
        if not session.joinable:
            raise e.RuleBroken("SESSION_NOT_ACCESSIBLE", "This session is finalized.", status=session.status)
        if self.course is not None and self.course.ended_by_invigilator_at is not None:
            raise e.RuleBroken("CERTIFICATION_ENDED", "The invigilator ended this candidate's test.")
        if self.authorized_until is None or now >= self.authorized_until:
            if self.course is None:
                raise e.Forbidden("CANDIDATE_NOT_AUTHORIZED_TO_JOIN_SESSION", "The invigilator has not authorized you "
                                  "yet: tell them you are ready.")
            raise e.Forbidden("CANDIDATE_NOT_AUTHORIZED_TO_RESUME_SESSION", "Ask the invigilator to authorize you to "
                              "resume.")
        if self.course is not None and now >= self.course.started_at + COURSE_LASTS_AT_MOST:
            raise e.RuleBroken("CERTIFICATION_DURATION_EXCEEDED", "This test started more than 24 hours ago.")
        self.authorized_until = None
        self.version += 1
        if self.course is not None:
            return False
        self.course = Course(course_id, verification_code, now)
        self.events.append(ev.CourseStarted(course_id, self.id, user_id, self.session_id, self.center_id,
                                            self.extra_time_percentage, verification_code, configuration_version, now))
        return True

    def end_by_invigilator(self, by: UUID, now: datetime) -> None:
        if self.course is None:
            raise e.RuleBroken("CERTIFICATION_NOT_STARTED", "This candidate has not started a test.")
        if self.course.ended_by_invigilator_at is not None:
            raise e.Conflict("CERTIFICATION_ALREADY_ENDED", "This candidate's test was already ended.")
        self.course.ended_by_invigilator_at = now
        self.authorized_until = None
        self.version += 1
        assert self.user_id is not None  # a course is started by its linked account
        self.events.append(ev.CourseEndedByInvigilator(self.course.id, self.id, self.user_id, self.session_id,
                                                       self.center_id, by, now))

    def status(self, now: datetime) -> str:
        """What the invigilator sees."""
        return invigilation_status(self.course is not None, self.course.ended_by_invigilator_at if self.course else None,
                                   self.authorized_until, self.user_id is not None, now)


def invigilation_status(started: bool, ended_by_invigilator_at: datetime | None, authorized_until: datetime | None,
                        joined: bool, now: datetime) -> str:
    """Where a candidate is, as the invigilator sees it (also read straight from a row by the live page)."""
    if started:
        return "ENDED_BY_INVIGILATOR" if ended_by_invigilator_at else "STARTED"
    if authorized_until is not None and now < authorized_until:
        return "AUTHORIZED"
    return "JOINED" if joined else "NOT_ARRIVED"


def find_enrolment(candidates: list[Candidate], first_name: str, last_name: str, birthdate: date) -> Candidate:
    """The one enrolment these names and birth date designate."""
    matches = [c for c in candidates if c.identity.same_person(first_name, last_name, birthdate)]
    if not matches:
        raise e.NotFound("CANDIDATE_NOT_FOUND", "No candidate of this session has these names and birth date.")
    if len(matches) > 1:
        raise e.Conflict("CANDIDATE_TOO_MANY_MATCHES", "Several candidates of this session have these names and "
                         "birth date; the invigilator will help you.")
    return matches[0]


def require_no_duplicate(existing: list[Candidate], identity: Identity, line: int | None = None) -> None:
    if any(candidate.identity.key == identity.key for candidate in existing):
        raise e.Conflict("DUPLICATE_CANDIDATE", "This person is already a candidate of this session.", line=line)
