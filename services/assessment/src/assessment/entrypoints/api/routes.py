from __future__ import annotations

from uuid import UUID

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from assessment import views
from assessment.domain import commands
from assessment.entrypoints.api import schemas as s
from assessment.service_layer import certification, handlers
from svckit.auth import auth_required, current_principal
from svckit.errors import ApiError
from svckit.openapi import errors

learner = Blueprint("assessments", __name__, url_prefix="/api", description="The learner's adaptive test")
admin = Blueprint("admin-content", __name__, url_prefix="/api/admin/content",
                  description="Platform administration of the learning content")


def _runtime():
    return current_app.extensions["assessment"]


def _user_id() -> UUID:
    return UUID(current_principal().user_id)


def _locale(args: dict) -> str:
    return args.get("locale") or request.accept_languages.best_match(["fr", "en"], default="fr")


@learner.route("/campaign-participations/<uuid:participation_id>/assessment")
class ParticipationAssessment(MethodView):
    @auth_required
    @learner.response(200, s.AssessmentSchema)
    def get(self, participation_id: UUID):
        """The assessment of one of my participations (404 for a moment after joining, until it is created)"""
        runtime = _runtime()
        assessment = handlers.own_for_participation(participation_id, _user_id(), runtime.uow())
        return views.summary(assessment, runtime.settings.rules)


@learner.route("/assessments/<uuid:assessment_id>/next-challenge")
class NextChallenge(MethodView):
    @auth_required
    @errors(409, 422)  # the first choice of a question is stored: CONCURRENT_UPDATE; CAMPAIGN_ARCHIVED
    @learner.arguments(s.LocaleArgsSchema, location="query")
    @learner.response(200, s.NextChallengeSchema)
    def get(self, args: dict, assessment_id: UUID):
        """The question being asked (the same one until it is answered), or none when the test is over"""
        runtime = _runtime()
        content = runtime.content()
        assessment, challenge = handlers.current_challenge(assessment_id, _user_id(), runtime.uow, content,
                                                           runtime.settings.rules, runtime.now())
        return views.next_challenge(content, assessment, challenge, runtime.settings.rules, _locale(args))


@learner.route("/assessments/<uuid:assessment_id>/answers")
class Answers(MethodView):
    @auth_required
    @learner.arguments(s.AnswerSchema)
    @learner.response(201, s.AnswerRecordedSchema)
    @learner.alt_response(200, schema=s.AnswerRecordedSchema,
                          description="the same answer was recorded before (its reply was lost): the recorded one")
    def post(self, data: dict, assessment_id: UUID):
        """Answer (or skip) the question being asked; the same answer sent again gives back the recorded one"""
        runtime = _runtime()
        assessment, answer, new = handlers.answer(
            commands.AnswerChallenge(assessment_id=assessment_id, user_id=_user_id(), challenge_id=data["challenge_id"],
                                     value=data.get("value"), skipped=data["skipped"]),
            runtime.uow(), runtime.content(), runtime.settings.rules, runtime.now(), runtime.new_id)
        return {"answer_id": answer.id, "assessment": views.summary(assessment, runtime.settings.rules)}, 201 if new else 200


@learner.route("/assessments/<uuid:assessment_id>/checkpoint")
class Checkpoint(MethodView):
    @auth_required
    @learner.arguments(s.LocaleArgsSchema, location="query")
    @learner.response(200, s.CheckpointSchema)
    def get(self, args: dict, assessment_id: UUID):
        """The last block of (up to) five answers, with the right answers, explanations and tutorials"""
        runtime = _runtime()
        assessment = handlers.load_own(assessment_id, _user_id(), runtime.uow())
        return views.checkpoint(runtime.content(), assessment, _locale(args))


@learner.route("/assessments/<uuid:assessment_id>/results")
class Results(MethodView):
    @auth_required
    @learner.arguments(s.LocaleArgsSchema, location="query")
    @learner.response(200, s.ResultsSchema)
    def get(self, args: dict, assessment_id: UUID):
        """Mastery per competence of the target: validated target skills / target skills"""
        runtime = _runtime()
        assessment = handlers.load_own(assessment_id, _user_id(), runtime.uow())
        return views.results(runtime.content(), assessment, runtime.settings.rules, _locale(args))


@learner.route("/users/me/profile")
class MyProfile(MethodView):
    @auth_required
    @learner.arguments(s.LocaleArgsSchema, location="query")
    @learner.response(200, s.ProfileSchema)
    def get(self, args: dict):
        """My pix and level in each of the 16 competences, from everything I answered"""
        runtime = _runtime()
        with runtime.uow() as uow:
            elements = uow.assessments.knowledge_of(_user_id())
        return views.user_profile(runtime.content(), elements, runtime.settings.rules, _locale(args))


@learner.route("/certification-courses/<uuid:course_id>/assessment")
class CertificationTest(MethodView):
    @auth_required
    @learner.response(200, s.CertificationTestSchema)
    def get(self, course_id: UUID):
        """The certification test of one of my courses (404 until certification's start of the course arrives)"""
        return views.certification_test(certification.load_own(course_id, _user_id(), _runtime().uow()))


@learner.route("/certification-courses/<uuid:course_id>/assessment/next-challenge")
class CertificationNextChallenge(MethodView):
    @auth_required
    @learner.arguments(s.LocaleArgsSchema, location="query")
    @learner.response(200, s.CertificationNextChallengeSchema)
    def get(self, args: dict, course_id: UUID):
        """The question being asked (the same one until it is answered), or none when the test is over"""
        runtime = _runtime()
        content = runtime.content()
        test, challenge = certification.current_question(course_id, _user_id(), runtime.uow(), content, runtime.rng,
                                                         runtime.now())
        return views.certification_next_challenge(content, test, challenge, _locale(args))


@learner.route("/certification-courses/<uuid:course_id>/assessment/answers")
class CertificationAnswers(MethodView):
    @auth_required
    @learner.arguments(s.AnswerSchema)
    @learner.response(201, s.CertificationAnswerRecordedSchema)
    @learner.alt_response(200, schema=s.CertificationAnswerRecordedSchema,
                          description="the same answer was recorded before (its reply was lost): the recorded one")
    def post(self, data: dict, course_id: UUID):
        """Answer (or skip) the question being asked: recorded, never corrected; the same answer sent again gives
        back the recorded one"""
        runtime = _runtime()
        test, answer, new = certification.answer(
            commands.AnswerCertificationChallenge(course_id=course_id, user_id=_user_id(),
                                                  challenge_id=data["challenge_id"], value=data.get("value"),
                                                  skipped=data["skipped"]),
            runtime.uow(), runtime.content(), runtime.settings.rules.timer_grace, runtime.now())
        return {"index": answer.index, "challenge_id": answer.challenge_id,
                "test": views.certification_test(test)}, 201 if new else 200


@learner.route("/certification-courses/<uuid:course_id>/live-alerts")
class CertificationLiveAlerts(MethodView):
    @auth_required
    @learner.response(201, s.LiveAlertSchema)
    def post(self, course_id: UUID):
        """Signal a problem with the question being asked: the invigilator validates it (another question is
        served) or dismisses it (answer it as usual); no answer is taken meanwhile (409: CERTIFICATION_TEST_ENDED,
        LIVE_ALERT_ALREADY_ONGOING, NO_QUESTION_TO_SIGNAL)"""
        runtime = _runtime()
        _test, alert = certification.raise_live_alert(
            commands.RaiseLiveAlert(course_id=course_id, user_id=_user_id()), runtime.uow(), runtime.new_id,
            runtime.now())
        return views.live_alert(alert)


@admin.route("/releases")
class Releases(MethodView):
    @auth_required
    @admin.response(200, s.ReleaseListSchema)
    def get(self):
        """Every content release, the latest (in use) first"""
        if not current_principal().has_role("SUPER_ADMIN"):
            raise ApiError(403, "PLATFORM_ADMIN_REQUIRED", "Only a platform administrator can do this.")
        return {"items": views.releases(_runtime().engine)}
