"""The certification test's use cases: created and ended from certification's events, taken by the candidate.

The candidate's two use cases hold the test's row (``SELECT ... FOR UPDATE``) for their short
transaction: two requests for the next question at once are served one after the other, and
the second finds the question the first stored. Everything lives in the database, so any api
process (a new one after a rollout, mid-test) serves the next request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from uuid import UUID

from assessment.domain import commands
from assessment.domain.certification import (
    CertificationAnswer,
    CertificationTest,
    LiveAlert,
    PendingEnd,
    freeze_pool,
    new_certification_test,
)
from assessment.domain.content import Challenge, LearningContent
from assessment.domain.exceptions import CertificationTestNotFound, LiveAlertNotFound
from assessment.service_layer.unit_of_work import AssessmentUnitOfWork
from irt.selection import RandomSource

# (challenge id -> (a, b)) fitted by ``assessment calibration fit``, and a line saying where they come from.
ItemParameters = tuple[Mapping[str, tuple[float, float]], str]


def on_course_started(command: commands.StartCertificationTest, uow: AssessmentUnitOfWork,
                      content: Callable[[], LearningContent], item_parameters: Callable[[], ItemParameters]) -> None:
    """The course's test, created once, its pool frozen from the current release; an invigilator's end that
    came first is applied at once. An unknown configuration version raises (the message is dead-lettered)."""
    uow.certification_tests.lock_course(command.course_id)
    if uow.certification_tests.get(command.course_id) is not None:
        return  # created by an earlier delivery
    parameters, source = item_parameters()
    pending = uow.certification_tests.pending_end(command.course_id)
    test = new_certification_test(
        course_id=command.course_id, user_id=command.user_id, configuration_version=command.configuration_version,
        extra_time_percentage=command.extra_time_percentage, pool=freeze_pool(content(), parameters, source),
        started_at=command.started_at, pending_end=pending)
    uow.certification_tests.add(test)
    if pending is not None:
        uow.certification_tests.forget_pending_end(command.course_id)


def on_course_ended_by_invigilator(command: commands.EndCertificationTest, uow: AssessmentUnitOfWork) -> None:
    """Ends the test; kept for later when the course's start has not arrived yet."""
    uow.certification_tests.lock_course(command.course_id)
    test = uow.certification_tests.get(command.course_id, for_update=True)
    if test is None:
        uow.certification_tests.keep_pending_end(PendingEnd(command.course_id, command.ended_at))
        return
    if test.end_by_invigilator(command.ended_at):
        uow.certification_tests.save(test)


def on_live_alert_decided(command: commands.DecideLiveAlert, uow: AssessmentUnitOfWork) -> None:
    """Applies the invigilator's decision once; a second decision of the same alert changes nothing. A test or
    an alert unknown here raises (the message is dead-lettered: certification only decides alerts it heard of
    from this service)."""
    test = uow.certification_tests.get(command.course_id, for_update=True)
    if test is None:
        raise LiveAlertNotFound(f"no certification test for course {command.course_id}")
    if test.decide_alert(command.alert_id, command.decision, by=command.decided_by, at=command.decided_at):
        uow.certification_tests.save(test)


def _own(uow: AssessmentUnitOfWork, course_id: UUID, user_id: UUID, *, for_update: bool = False) -> CertificationTest:
    test = uow.certification_tests.get(course_id, for_update=for_update)
    if test is None or test.user_id != user_id:
        raise CertificationTestNotFound(f"no certification test of yours for course {course_id} (yet)")
    return test


def load_own(course_id: UUID, user_id: UUID, uow: AssessmentUnitOfWork) -> CertificationTest:
    with uow:
        return _own(uow, course_id, user_id)


def current_question(course_id: UUID, user_id: UUID, uow: AssessmentUnitOfWork, content: LearningContent,
                     rng: RandomSource, now: datetime) -> tuple[CertificationTest, Challenge | None]:
    with uow:
        test = _own(uow, course_id, user_id, for_update=True)
        challenge = test.current_question(content, rng, now)
        if test.version != test.loaded_version:
            uow.certification_tests.save(test)
            uow.commit()
        return test, challenge


def answer(command: commands.AnswerCertificationChallenge, uow: AssessmentUnitOfWork, content: LearningContent,
           grace: timedelta, now: datetime) -> tuple[CertificationTest, CertificationAnswer, bool]:
    """The answer recorded, and whether it is new (False: the same answer was recorded before)."""
    with uow:
        test = _own(uow, command.course_id, command.user_id, for_update=True)
        recorded, new = test.answer(content, challenge_id=command.challenge_id, value=command.value,
                                    skipped=command.skipped, now=now, grace=grace)
        if new:
            uow.certification_tests.save(test)
            uow.commit()
        return test, recorded, new


def raise_live_alert(command: commands.RaiseLiveAlert, uow: AssessmentUnitOfWork, new_id: Callable[[], UUID],
                     now: datetime) -> tuple[CertificationTest, LiveAlert]:
    """The alert on the question being asked, published for the invigilator."""
    with uow:
        test = _own(uow, command.course_id, command.user_id, for_update=True)
        alert = test.raise_alert(new_id(), now)
        uow.certification_tests.save(test)
        uow.commit()
        return test, alert
