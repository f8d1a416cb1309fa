from __future__ import annotations

from assessment.domain import exceptions as e
from svckit.uow import ConcurrentUpdate

ERRORS = {
    e.InvalidAnswerValue: (400, "INVALID_ANSWER"),
    e.AssessmentNotFound: (404, "ASSESSMENT_NOT_FOUND"),
    e.AssessmentNotOwned: (403, "ASSESSMENT_NOT_OWNED"),
    e.AssessmentCompleted: (409, "ASSESSMENT_COMPLETED"),
    e.NoCurrentChallenge: (409, "NO_CURRENT_CHALLENGE"),
    e.WrongChallenge: (409, "WRONG_CHALLENGE"),
    e.ChallengeAlreadyAnswered: (409, "CHALLENGE_ALREADY_ANSWERED"),
    e.CampaignArchived: (422, "CAMPAIGN_ARCHIVED"),
    e.ContentNotReleased: (503, "CONTENT_NOT_RELEASED"),
    e.CertificationTestNotFound: (404, "CERTIFICATION_TEST_NOT_FOUND"),
    e.CertificationTestEnded: (409, "CERTIFICATION_TEST_ENDED"),
    e.LiveAlertAlreadyOngoing: (409, "LIVE_ALERT_ALREADY_ONGOING"),
    e.LiveAlertOngoing: (409, "LIVE_ALERT_ONGOING"),
    e.NoQuestionToSignal: (409, "NO_QUESTION_TO_SIGNAL"),
    ConcurrentUpdate: (409, "CONCURRENT_UPDATE"),
}
