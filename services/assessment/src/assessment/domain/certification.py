"""The certification test: one candidate's adaptive test for one certification course.

A course (certification's) gets exactly one test here, whose identity is the course id. The
test is created from ``certification.course.started.v1`` with the configuration version the
course is sat under and the candidate's extra time, and its **item pool is frozen** then: the
release's challenges as IRT items with their parameters (derived from the skills' levels, or
fitted), so a release or a calibration published during the session changes nobody's test.

Each question is chosen by ``irt.next_item`` on that pool (one per tube, every competence
visited, spacing, the five most informative, 51 % for the first) and stored before it is
shown: a candidate who asks again, or comes back, gets the same question. The candidate sees
no right or wrong, no checkpoint: only "question n of 32". A skip counts as wrong. A timed
question keeps its timer, lengthened by the candidate's extra time (a third more for 33 %);
an answer after that time plus the grace is recorded as ``timed_out``, wrong whatever it says.

The test ends after its 32nd answer, or when the invigilator ends it (answers recorded after
the moment the invigilator gave do not count), or if the pool runs out (a content release too
small for the rules). Its end publishes every counted answer with its item, the capacity, and
the items the degradation rule would add as skips should the centre later say the candidate
abandoned: certification scores from that alone, never needing this pool.

**Live alerts.** A candidate who finds something wrong with the question on screen (it does
not display, a file is missing) signals it; the invigilator, in the room, decides. While the
alert is ongoing the candidate answers nothing and is shown the same question. Dismissed, the
candidate answers it as usual, and the time spent waiting for the invigilator is given back on
its timer. Validated, the question is withdrawn: it was never answered, so it is not among the
answers, not scored and not counted among the 32, and the next question is chosen anew among
items of *other skills* than the withdrawn one (the reference's rule: its siblings share its
flaw as often as not). One alert at a time; a decision is applied once (the first one wins);
a decision that arrives after the test ended is recorded and changes nothing else.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from assessment.domain import answers as checking
from assessment.domain.content import Challenge, LearningContent
from assessment.domain.exceptions import (
    CertificationTestEnded,
    ChallengeAlreadyAnswered,
    InvalidAnswerValue,
    LiveAlertAlreadyOngoing,
    LiveAlertNotFound,
    LiveAlertOngoing,
    NoCurrentChallenge,
    NoQuestionToSignal,
    UnknownConfiguration,
    WrongChallenge,
)
from assessment.domain.item_bank import item_bank
from irt import Estimate, Item, NoItemLeft, Response, TestComplete, TestRules, next_item, simulate_skips
from irt.selection import RandomSource

OK, KO, SKIPPED, TIMED_OUT = "ok", "ko", "skipped", "timed_out"
STARTED, ENDED = "STARTED", "ENDED"
COMPLETED, ENDED_BY_INVIGILATOR, NO_ITEM_LEFT = "COMPLETED", "ENDED_BY_INVIGILATOR", "NO_ITEM_LEFT"
ONGOING, VALIDATED, DISMISSED = "ONGOING", "VALIDATED", "DISMISSED"
DECISIONS = (VALIDATED, DISMISSED)


@dataclass(frozen=True)
class Configuration:
    """The rules a course is sat under; a version never changes once a course used it."""

    version: int
    rules: TestRules
    description: str


# New rules are a new version beside the old ones: a course started under version 1 ends under version 1.
CONFIGURATIONS: Mapping[int, Configuration] = {
    1: Configuration(1, TestRules(), "32 questions on the 16 competences, two-parameter IRT, the 0-895 scale"),
}


def configuration(version: int) -> Configuration:
    try:
        return CONFIGURATIONS[version]
    except KeyError:
        known = ", ".join(str(v) for v in sorted(CONFIGURATIONS))
        raise UnknownConfiguration(f"configuration version {version} is unknown here (known: {known})") from None


@dataclass(frozen=True)
class ItemPool:
    """The items a test may ask, frozen at its creation; identified by the digest of its contents, so the
    tests of one release and one set of parameters share one stored pool."""

    id: str
    content_version: int
    parameters: str  # "derived", or where the fitted parameters come from
    items: tuple[Item, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {item.id: item for item in self.items})

    def item(self, item_id: str) -> Item:
        return self._by_id[item_id]  # type: ignore[attr-defined]


def item_document(item: Item) -> list[Any]:
    return [item.id, item.discrimination, item.difficulty, item.tube, item.competence, item.skill]


def item_from_document(row: list[Any]) -> Item:
    return Item(id=row[0], discrimination=row[1], difficulty=row[2], tube=row[3], competence=row[4], skill=row[5])


def freeze_pool(content: LearningContent, parameters: Mapping[str, tuple[float, float]] | None = None,
                source: str = "derived") -> ItemPool:
    items = tuple(item_bank(content, parameters))
    digest = hashlib.sha256(json.dumps([content.version, source, [item_document(i) for i in items]],
                                       separators=(",", ":")).encode()).hexdigest()
    return ItemPool(digest, content.version, source, items)


@dataclass(frozen=True)
class CertificationAnswer:
    index: int  # 1 for the first
    challenge_id: str
    value: Any  # None when skipped
    status: str  # ok, ko, skipped, timed_out
    answered_at: datetime
    elapsed_ms: int | None


@dataclass
class LiveAlert:
    """A problem the candidate signalled on a question, and the invigilator's decision."""

    id: UUID
    number: int  # 1 for the test's first alert
    challenge_id: str
    question_number: int  # n of "question n of 32" when it was raised
    raised_at: datetime
    status: str = ONGOING
    decided_at: datetime | None = None
    decided_by: UUID | None = None


@dataclass(frozen=True)
class LiveAlertRaised:
    course_id: UUID
    version: int
    alert_id: UUID
    challenge_id: str
    question_number: int
    raised_at: datetime


@dataclass(frozen=True)
class PendingEnd:
    """An invigilator's end that arrived before the course's start: applied when the test is created."""

    course_id: UUID
    ended_at: datetime


@dataclass(frozen=True)
class CertificationTestProgressed:
    course_id: UUID
    version: int
    user_id: UUID
    answers_count: int
    length: int
    answered_at: datetime


@dataclass(frozen=True)
class CertificationTestCompleted:
    course_id: UUID
    version: int
    user_id: UUID
    configuration_version: int
    content_version: int
    started_at: datetime
    ended_at: datetime
    end_reason: str
    answers: tuple[tuple[CertificationAnswer, Item], ...]
    estimate: Estimate
    skips_if_abandoned: tuple[Item, ...]


@dataclass
class CertificationTest:
    course_id: UUID
    user_id: UUID
    configuration_version: int
    extra_time_percentage: int
    pool: ItemPool
    started_at: datetime
    state: str = STARTED
    end_reason: str | None = None
    ended_at: datetime | None = None
    current_challenge_id: str | None = None
    current_served_at: datetime | None = None
    answers: list[CertificationAnswer] = field(default_factory=list)
    alerts: list[LiveAlert] = field(default_factory=list)  # in the order they were raised
    version: int = 1
    events: list[Any] = field(default_factory=list)
    new_answers: list[CertificationAnswer] = field(default_factory=list)
    changed_alerts: list[LiveAlert] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.loaded_version = self.version

    # -- reading -----------------------------------------------------------------------

    @property
    def rules(self) -> TestRules:
        return configuration(self.configuration_version).rules

    @property
    def length(self) -> int:
        return self.rules.length

    @property
    def ended(self) -> bool:
        return self.state == ENDED

    def timer(self, challenge: Challenge) -> int | None:
        """The question's timer lengthened by the candidate's extra time (whole seconds, rounded up)."""
        if challenge.timer is None:
            return None
        return math.ceil(challenge.timer * (100 + self.extra_time_percentage) / 100)

    def counted(self) -> list[CertificationAnswer]:
        """The answers that count: all of them, but those recorded after the moment the invigilator ended it."""
        if self.end_reason == ENDED_BY_INVIGILATOR and self.ended_at is not None:
            return [a for a in self.answers if a.answered_at <= self.ended_at]
        return list(self.answers)

    @property
    def live_alert(self) -> LiveAlert | None:
        """The latest alert, whatever its status (what the candidate's screen shows)."""
        return self.alerts[-1] if self.alerts else None

    @property
    def ongoing_alert(self) -> LiveAlert | None:
        return next((alert for alert in self.alerts if alert.status == ONGOING), None)

    def withdrawn_skills(self) -> set[str]:
        """The skills of the questions withdrawn by a validated alert: none of their items is asked again."""
        return {self.pool.item(alert.challenge_id).skill for alert in self.alerts if alert.status == VALIDATED}

    def askable(self, items: Iterable[Item]) -> list[Item]:
        withdrawn = self.withdrawn_skills()
        return [item for item in items if item.skill not in withdrawn]

    def responses(self, answers: Iterable[CertificationAnswer] | None = None) -> list[Response]:
        return [Response(self.pool.item(a.challenge_id), a.status == OK)
                for a in (self.answers if answers is None else answers)]

    # -- changing ----------------------------------------------------------------------

    def _touch(self) -> None:
        self.version += 1

    def _refuse_if_ended(self) -> None:
        if self.ended:
            raise CertificationTestEnded("this certification test is over: it takes no more answers")

    def current_question(self, content: LearningContent, rng: RandomSource, now: datetime) -> Challenge | None:
        """The question being asked: the stored one when the candidate asks again, else the next one chosen."""
        if self.ended:
            return None
        if self.current_challenge_id is not None and self.current_challenge_id in content.challenges:
            return content.challenges[self.current_challenge_id]
        # A challenge a later release withdrew cannot be shown: the choice is among those still there, but for
        # the skills of a question withdrawn by a validated alert.
        available = self.askable(item for item in self.pool.items if item.id in content.challenges)
        try:
            item = next_item(available, self.responses(), self.rules, rng)
        except TestComplete:  # only if the end was not recorded with the last answer; kept for safety
            self._end(COMPLETED, now)
            return None
        except NoItemLeft:
            self._end(NO_ITEM_LEFT, now)
            return None
        self.current_challenge_id, self.current_served_at = item.id, now
        self._touch()
        return content.challenges[item.id]

    def answer(self, content: LearningContent, *, challenge_id: str, value: Any, skipped: bool, now: datetime,
               grace: timedelta) -> tuple[CertificationAnswer, bool]:
        """Records the answer to the question being asked, and whether it is new. The same answer sent again
        (its reply was lost) gives back the recorded one and changes nothing."""
        recorded = next((a for a in self.answers if a.challenge_id == challenge_id), None)
        if recorded is not None and _same(content, recorded, value, skipped):
            return recorded, False
        self._refuse_if_ended()
        if self.ongoing_alert is not None:
            raise LiveAlertOngoing("a problem with the question is signalled: the invigilator decides before any "
                                   "answer")
        if recorded is not None:
            raise ChallengeAlreadyAnswered(f"challenge {challenge_id} is already answered")
        if self.current_challenge_id is None:
            raise NoCurrentChallenge("no question is being asked: ask for the next challenge first")
        if challenge_id != self.current_challenge_id:
            raise WrongChallenge(f"the question being asked is {self.current_challenge_id}, not {challenge_id}")
        challenge = content.challenges.get(challenge_id)
        if challenge is None:  # withdrawn by a newer release while it was on screen
            raise WrongChallenge(f"challenge {challenge_id} is no longer in the content: ask for the next challenge")
        status, value = self._status(challenge, value, skipped, now, grace)
        elapsed = now - self.current_served_at if self.current_served_at else None
        answer = CertificationAnswer(index=len(self.answers) + 1, challenge_id=challenge_id, value=value,
                                     status=status, answered_at=now,
                                     elapsed_ms=int(elapsed.total_seconds() * 1000) if elapsed is not None else None)
        self.answers.append(answer)
        self.new_answers.append(answer)
        self.current_challenge_id = self.current_served_at = None
        self._touch()
        self.events.append(CertificationTestProgressed(self.course_id, self.version, self.user_id, len(self.answers),
                                                       self.length, now))
        if self.rules.is_complete(len(self.answers)):
            self._end(COMPLETED, now)
        return answer, True

    def _status(self, challenge: Challenge, value: Any, skipped: bool, now: datetime,
                grace: timedelta) -> tuple[str, Any]:
        if skipped:
            return SKIPPED, None
        value = checking.read_value(challenge, value)
        timer = self.timer(challenge)
        if timer is not None and self.current_served_at is not None:
            if now - self.current_served_at > timedelta(seconds=timer) + grace:
                return TIMED_OUT, value
        return (OK if checking.is_right(challenge, value) else KO), value

    def raise_alert(self, alert_id: UUID, now: datetime) -> LiveAlert:
        """The candidate signals a problem with the question being asked."""
        self._refuse_if_ended()
        if self.ongoing_alert is not None:
            raise LiveAlertAlreadyOngoing("a problem is already signalled: the invigilator has not decided yet")
        if self.current_challenge_id is None:
            raise NoQuestionToSignal("no question is being asked: there is nothing to signal")
        alert = LiveAlert(id=alert_id, number=len(self.alerts) + 1, challenge_id=self.current_challenge_id,
                          question_number=len(self.answers) + 1, raised_at=now)
        self.alerts.append(alert)
        self.changed_alerts.append(alert)
        self._touch()
        self.events.append(LiveAlertRaised(self.course_id, self.version, alert.id, alert.challenge_id,
                                           alert.question_number, now))
        return alert

    def decide_alert(self, alert_id: UUID, decision: str, *, by: UUID | None, at: datetime) -> bool:
        """Applies the invigilator's decision; False when the alert was decided already (the first one stands)."""
        if decision not in DECISIONS:
            raise ValueError(f"a decision is {' or '.join(DECISIONS)}, not {decision}")
        alert = next((a for a in self.alerts if a.id == alert_id), None)
        if alert is None:
            raise LiveAlertNotFound(f"no alert {alert_id} in the test of course {self.course_id}")
        if alert.status != ONGOING:
            return False
        alert.status, alert.decided_at, alert.decided_by = decision, at, by
        self.changed_alerts.append(alert)
        self._touch()
        if self.ended or self.current_challenge_id != alert.challenge_id:
            return True  # recorded; the test it concerned is over (or moved on): nothing else changes
        if decision == VALIDATED:
            self.current_challenge_id = self.current_served_at = None  # withdrawn: another is chosen when asked
        elif self.current_served_at is not None:
            waited = max(at - alert.raised_at, timedelta(0))
            self.current_served_at += waited  # the wait for the invigilator is not taken from the timer
        return True

    def end_by_invigilator(self, ended_at: datetime) -> bool:
        """Ends the test at the invigilator's moment; False when it had already ended (nothing changes)."""
        if self.ended:
            return False
        self._end(ENDED_BY_INVIGILATOR, ended_at)
        return True

    def _end(self, reason: str, at: datetime) -> None:
        self.state, self.end_reason, self.ended_at = ENDED, reason, at
        self.current_challenge_id = self.current_served_at = None
        self._touch()
        counted = self.counted()
        responses = self.responses(counted)
        rules = self.rules
        # The degradation rule (irt.scoring): an abandoned test's missing answers are skips on the best next
        # items. Computed here, on the frozen pool, so certification never needs the pool to score.
        skips = simulate_skips(self.askable(self.pool.items), responses, rules)[len(responses):]
        self.events.append(CertificationTestCompleted(
            course_id=self.course_id, version=self.version, user_id=self.user_id,
            configuration_version=self.configuration_version, content_version=self.pool.content_version,
            started_at=self.started_at, ended_at=at, end_reason=reason,
            answers=tuple((a, self.pool.item(a.challenge_id)) for a in counted),
            estimate=rules.estimate(responses), skips_if_abandoned=tuple(r.item for r in skips)))


def _same(content: LearningContent, recorded: CertificationAnswer, value: Any, skipped: bool) -> bool:
    if skipped or recorded.status == SKIPPED:
        return skipped and recorded.status == SKIPPED
    challenge = content.challenges.get(recorded.challenge_id)
    try:
        return recorded.value == (checking.read_value(challenge, value) if challenge else value)
    except InvalidAnswerValue:
        return False


def new_certification_test(*, course_id: UUID, user_id: UUID, configuration_version: int,
                           extra_time_percentage: int, pool: ItemPool, started_at: datetime,
                           pending_end: PendingEnd | None = None) -> CertificationTest:
    """A course's test; refused (``UnknownConfiguration``) when its configuration version is unknown here."""
    configuration(configuration_version)
    test = CertificationTest(course_id=course_id, user_id=user_id, configuration_version=configuration_version,
                             extra_time_percentage=extra_time_percentage, pool=pool, started_at=started_at)
    if pending_end is not None:
        test.end_by_invigilator(pending_end.ended_at)
    return test

