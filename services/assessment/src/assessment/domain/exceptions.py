"""What the assessment domain refuses, each mapped to one error code by the API's error table."""

from __future__ import annotations


class AssessmentError(Exception):
    pass


class InvalidAnswerValue(AssessmentError):
    """The answer's shape does not fit the challenge (nothing is recorded)."""


class AssessmentNotFound(AssessmentError):
    pass


class AssessmentNotOwned(AssessmentError):
    """Someone else's assessment."""


class AssessmentCompleted(AssessmentError):
    """The assessment has ended: no more question, no more answer."""


class NoCurrentChallenge(AssessmentError):
    """An answer arrived while no question is being asked (ask for the next challenge first)."""


class WrongChallenge(AssessmentError):
    """The answer is for another challenge than the one being asked."""


class ChallengeAlreadyAnswered(AssessmentError):
    pass


class CampaignArchived(AssessmentError):
    """An archived campaign accepts no answer."""


class ContentNotReleased(AssessmentError):
    """No content release is loaded yet: nothing can be asked."""


class CertificationTestNotFound(AssessmentError):
    """No certification test for this course (not yet: the course's start is still on its way), or not the
    caller's: a candidate cannot tell another's course from one that does not exist."""


class CertificationTestEnded(AssessmentError):
    """The certification test is over (32 answers, or ended by the invigilator): it takes no more answers."""


class UnknownConfiguration(AssessmentError):
    """A course asks for a version of the test's configuration this service does not have."""


class LiveAlertAlreadyOngoing(AssessmentError):
    """The candidate signalled a problem already; the invigilator has not decided yet."""


class LiveAlertOngoing(AssessmentError):
    """An answer while a signalled problem awaits the invigilator's decision (nothing is recorded)."""


class NoQuestionToSignal(AssessmentError):
    """A problem signalled while no question is being asked (none served yet, or the last one withdrawn)."""


class LiveAlertNotFound(AssessmentError):
    """A decision names an alert this test never had (the consumer dead-letters it)."""
