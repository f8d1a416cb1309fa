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
