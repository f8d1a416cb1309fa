"""certification's routes: each builds a command, the runtime runs its handler, a view answers."""

from __future__ import annotations

from uuid import UUID

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from certification import views
from certification.adapters.candidate_files import read_candidates
from certification.domain import attestations
from certification.domain import commands as c
from certification.domain.finalization import catalogue
from certification.entrypoints.api import downloads, live
from certification.entrypoints.api import schemas as s
from svckit.auth import auth_required, current_principal
from svckit.errors import ApiError
from svckit.live import EVENT_STREAM, message_schema
from svckit.openapi import errors
from svckit.pagination import PageArgsSchema, page_of

admin = Blueprint("certification-admin", __name__, url_prefix="/api/admin",
                  description="Platform administration of certification: PRO/SUP centres, schools' kinds, windows")
centers = Blueprint("certification-centers", __name__, url_prefix="/api/certification-centers",
                    description="Certification centres and their sessions")
invitations = Blueprint("certification-center-invitations", __name__,
                        url_prefix="/api/certification-center-invitations", description="Joining a centre")
windows = Blueprint("certification-windows", __name__, url_prefix="/api/certification-windows",
                    description="National windows of schools")
sessions = Blueprint("certification-sessions", __name__, url_prefix="/api/certification-sessions",
                     description="A session, its candidates and their enrolment")
candidates = Blueprint("certification-candidates", __name__, url_prefix="/api/certification-candidates",
                       description="A candidate: extra time, removal, invigilation")
jury = Blueprint("certification-jury", __name__, url_prefix="/api/admin/certification-sessions",
                 description="Platform admins review finalized sessions and publish their results")
certificates = Blueprint("certificates", __name__, url_prefix="/api",
                         description="Certificates: the candidate's own, and anyone's check by verification code")
taking = Blueprint("certification-taking", __name__, url_prefix="/api",
                   description="Candidates joining and starting; invigilators opening a session")


def _runtime():
    return current_app.extensions["certification"]


def _actor() -> c.Actor:
    principal = current_principal()
    return c.Actor(UUID(principal.user_id), principal.claims.get("email"), frozenset(principal.roles))


# -- platform administration --------------------------------------------------------------------

@admin.route("/certification-centers")
class AdminCenters(MethodView):
    @auth_required
    @admin.arguments(s.CreateCenterSchema)
    @admin.response(201, s.CenterSchema)
    def post(self, data: dict):
        """Create a PRO or SUP centre; its first admin is invited by mail"""
        runtime, actor = _runtime(), _actor()
        center_id = runtime.handle(c.CreateCenter(actor, **data))
        return views.center(runtime.uow(), center_id, actor)

    @auth_required
    @admin.arguments(s.CenterFilterSchema, location="query")
    @admin.response(200, s.CenterPageSchema)
    def get(self, args: dict):
        """Every centre, by name: schools, PRO and SUP centres; the schools whose kind is still to set"""
        items, total = views.centers_page(_runtime().engine, _actor(), args)
        return page_of(items, total, args)


@admin.route("/certification-centers/<uuid:center_id>")
class AdminCenter(MethodView):
    @auth_required
    @admin.arguments(s.SchoolKindSchema)
    @admin.response(200, s.CenterSchema)
    def patch(self, data: dict, center_id: UUID):
        """Set a school's kind (COLLEGE or LYCEE): which national windows it schedules in"""
        runtime, actor = _runtime(), _actor()
        runtime.handle(c.SetSchoolKind(actor, center_id, data["school_kind"]))
        return views.center(runtime.uow(), center_id, actor)


@admin.route("/certification-windows")
class AdminWindows(MethodView):
    @auth_required
    @admin.arguments(s.OpenWindowSchema)
    @admin.response(201, s.WindowSchema)
    def post(self, data: dict):
        """Open a national window for one kind of school (dates included)"""
        runtime = _runtime()
        window_id = runtime.handle(c.OpenWindow(_actor(), **data))
        return next(w for w in views.windows(runtime.engine) if w["id"] == window_id)


@windows.route("")
class Windows(MethodView):
    @auth_required
    @windows.response(200, s.WindowListSchema)
    def get(self):
        """The national windows, earliest first"""
        return {"items": views.windows(_runtime().engine)}


# -- centres --------------------------------------------------------------------------------------

@centers.route("")
class MyCenters(MethodView):
    @auth_required
    @centers.response(200, s.CenterListSchema)
    def get(self):
        """The centres the caller is a member of (a school's Orga admins are its centre's)"""
        return {"items": views.my_centers(_runtime().engine, _actor().user_id)}


@centers.route("/<uuid:center_id>")
class CenterDetails(MethodView):
    @auth_required
    @centers.response(200, s.CenterSchema)
    def get(self, center_id: UUID):
        """A centre, for its members"""
        return views.center(_runtime().uow(), center_id, _actor())


@centers.route("/<uuid:center_id>/sessions")
class CenterSessions(MethodView):
    @auth_required
    @centers.arguments(s.SessionInputSchema)
    @centers.response(201, s.SessionSchema)
    def post(self, data: dict, center_id: UUID):
        """Schedule a session (a school: inside an open window of its kind); never in the past"""
        runtime, actor = _runtime(), _actor()
        session_id = runtime.handle(c.ScheduleSession(actor, center_id, data))
        return views.session(runtime.uow(), runtime.engine, session_id, actor)

    @auth_required
    @centers.arguments(PageArgsSchema, location="query")
    @centers.response(200, s.SessionPageSchema)
    def get(self, args: dict, center_id: UUID):
        """The centre's sessions, latest date first"""
        runtime = _runtime()
        items, total = views.sessions_page(runtime.uow(), runtime.engine, center_id, _actor(), args)
        return page_of(items, total, args)


ATTESTATIONS_PDF = ("A PDF, one A4 page per attestation (Content-Disposition: attachment). It shows exactly what "
                    "the certificate's view shows: names, birth date and place, the certification's date, the centre, "
                    "the delivery date, the score out of 895 and the global level, the 16 competences' names and "
                    "levels, the verification code")


def _file(content_type: str, description: str):
    """A 200 whose body is a file (flask-smorest documents no content without a schema)."""
    return Blueprint.doc(responses={"200": {"description": description, "content": {
        content_type: {"schema": {"type": "string", "format": "binary"}}}}})


@centers.route("/<uuid:center_id>/result-divisions")
class ResultDivisions(MethodView):
    @auth_required
    @errors(422)  # NOT_A_SCHOOL
    @centers.response(200, s.ResultDivisionListSchema)
    def get(self, center_id: UUID):
        """A school's classes that have published certification results, with how many give an attestation"""
        runtime = _runtime()
        return {"items": views.result_divisions(runtime.uow(), runtime.engine, center_id, _actor())}


@centers.route("/<uuid:center_id>/attestations")
class ClassAttestations(MethodView):
    @auth_required
    @errors(422)  # NOT_A_SCHOOL; 404 NO_ATTESTATION_IN_DIVISION: never an empty file
    @centers.arguments(s.DivisionArgsSchema, location="query")
    @_file(downloads.PDF, ATTESTATIONS_PDF + "; the class's pupils by name, each validated, published "
           "certification of the school's sessions")
    @centers.response(200, content_type=downloads.PDF)
    def get(self, args: dict, center_id: UUID):
        """A class's attestations in one PDF, for the school's admins (404 NO_ATTESTATION_IN_DIVISION: none)"""
        runtime = _runtime()
        actor = _actor()
        found = views.class_results(runtime.uow(), runtime.engine, center_id, actor, args["division"],
                                    attestations_only=True)
        # The school has saved them once the whole file went out: a download cut halfway records nothing.
        recorded = c.RecordAttestationDownloads(actor, center_id, tuple(item["id"] for item in found))
        return downloads.pdf(found, attestations.class_file_name(args["division"], runtime.now()),
                             f"{attestations.TITLE} - {args['division']}", on_sent=lambda: runtime.handle(recorded))


@centers.route("/<uuid:center_id>/undownloaded-attestations")
class UndownloadedAttestations(MethodView):
    @auth_required
    @errors(422)  # NOT_A_SCHOOL
    @centers.response(200, s.UndownloadedAttestationListSchema)
    def get(self, center_id: UUID):
        """The school's pupils whose attestation it never downloaded (the class's PDF), by class and name: to save
        before a new year's import takes the pupils who left off the classes"""
        runtime = _runtime()
        return {"items": views.undownloaded_attestations(runtime.uow(), runtime.engine, center_id, _actor())}


@centers.route("/<uuid:center_id>/results.csv")
class ClassResults(MethodView):
    @auth_required
    @errors(422)  # NOT_A_SCHOOL; 404 NO_RESULT_IN_DIVISION
    @centers.arguments(s.DivisionArgsSchema, location="query")
    @_file("text/csv", "UTF-8 with BOM, ';' separated, one line per published result of the class's pupils, by "
           "name: status, score, global level, the 16 competences' levels, verification code, session, date ('-' "
           "where a value does not apply)")
    @centers.response(200, content_type="text/csv")
    def get(self, args: dict, center_id: UUID):
        """A class's published certification results as CSV, for the school's admins"""
        runtime = _runtime()
        found = views.class_results(runtime.uow(), runtime.engine, center_id, _actor(), args["division"])
        return downloads.csv(found, attestations.class_file_name(args["division"], runtime.now(), "csv"))


@invitations.route("/<uuid:invitation_id>/accept")
class AcceptInvitation(MethodView):
    @auth_required
    @invitations.arguments(s.AcceptInvitationSchema)
    @invitations.response(200, s.AcceptedSchema)
    def post(self, data: dict, invitation_id: UUID):
        """Accept an invitation to a centre, with the code of the mail"""
        return {"center_id": _runtime().handle(c.AcceptInvitation(_actor(), invitation_id, data["code"]))}


# -- sessions and candidates ------------------------------------------------------------------------

@sessions.route("/<uuid:session_id>")
class SessionDetails(MethodView):
    @auth_required
    @sessions.response(200, s.SessionSchema)
    def get(self, session_id: UUID):
        """A session, for the centre's members (with its access code and invigilator password)"""
        runtime = _runtime()
        return views.session(runtime.uow(), runtime.engine, session_id, _actor())

    @auth_required
    @sessions.arguments(s.EditSessionSchema)
    @sessions.response(200, s.SessionSchema)
    def patch(self, data: dict, session_id: UUID):
        """Change the address, room, date, time, examiner or description (until a candidate starts)"""
        runtime, actor = _runtime(), _actor()
        runtime.handle(c.EditSession(actor, session_id, data))
        return views.session(runtime.uow(), runtime.engine, session_id, actor)


@sessions.route("/<uuid:session_id>/candidates")
class SessionCandidates(MethodView):
    @auth_required
    @sessions.response(200, s.CandidateListSchema)
    def get(self, session_id: UUID):
        """The session's candidates, by name"""
        runtime = _runtime()
        return {"items": views.candidates(runtime.uow(), runtime.engine, session_id, _actor())}

    @auth_required
    @sessions.arguments(s.CandidateInputSchema)
    @sessions.response(201, s.CandidateSchema)
    def post(self, data: dict, session_id: UUID):
        """Enrol one candidate (PRO and SUP centres; a school enrols its pupils by class)"""
        runtime = _runtime()
        candidate_id = runtime.handle(c.EnrolCandidate(_actor(), session_id, data))
        return views.candidate(runtime.engine, candidate_id)


@sessions.route("/<uuid:session_id>/candidates/imports")
class CandidateImports(MethodView):
    @auth_required
    @sessions.arguments(s.CandidateFileSchema, location="files")
    @sessions.response(201, s.ImportOutcomeSchema)
    def post(self, files: dict, session_id: UUID):
        """Enrol the candidates of a CSV file: all, or none with every line's error"""
        runtime = _runtime()
        limit = runtime.settings.max_import_bytes
        data = files["file"].stream.read(limit + 1)
        if len(data) > limit:
            raise ApiError(413, "FILE_TOO_LARGE", f"The file is larger than {limit // 1024} KB.")
        return {"enrolled": runtime.handle(c.ImportCandidates(_actor(), session_id, read_candidates(data)))}


@sessions.route("/<uuid:session_id>/divisions")
class Divisions(MethodView):
    @auth_required
    @sessions.response(200, s.DivisionListSchema)
    def get(self, session_id: UUID):
        """A school's classes, to enrol one"""
        runtime = _runtime()
        return {"items": views.divisions(runtime.uow(), runtime.engine, session_id, _actor())}


@sessions.route("/<uuid:session_id>/students")
class Students(MethodView):
    @auth_required
    @errors(422)  # NOT_A_SCHOOL
    @sessions.arguments(s.DivisionArgsSchema, location="query")
    @sessions.response(200, s.StudentListSchema)
    def get(self, args: dict, session_id: UUID):
        """A class of the school's list, each pupil eligible or not, and why"""
        return {"items": views.students(_runtime().uow(), session_id, _actor(), args["division"])}


@sessions.route("/<uuid:session_id>/student-enrolments")
class StudentEnrolments(MethodView):
    @auth_required
    @sessions.arguments(s.DivisionArgsSchema)
    @sessions.response(201, s.EnrolmentOutcomeSchema)
    def post(self, data: dict, session_id: UUID):
        """Enrol a class: its eligible pupils; the others are listed with the reason"""
        outcome = _runtime().handle(c.EnrolStudents(_actor(), session_id, data["division"]))
        return {"enrolled": outcome.enrolled, "not_enrolled": outcome.not_enrolled}


@sessions.route("/<uuid:session_id>/invigilation")
class Invigilation(MethodView):
    @auth_required
    @sessions.response(200, s.InvigilationSchema)
    def get(self, session_id: UUID):
        """What the invigilator sees: each candidate and where they are"""
        runtime = _runtime()
        return views.invigilation(runtime.engine, session_id, _actor(), runtime.now())


LIVE_EVENT = message_schema(live.EVENT, "the JSON of GET /api/certification-sessions/{session_id}/invigilation")


@sessions.route("/<uuid:session_id>/invigilation/events")
class InvigilationEvents(MethodView):
    @auth_required
    @sessions.response(200, LIVE_EVENT, content_type=EVENT_STREAM, description=(
        "Server-sent events: `event: invigilation`, an increasing `id`, and as `data` the JSON of GET "
        "/invigilation; one at once, then one whenever the page changes (at most one every 100 ms) or an "
        "authorization expires, and `: keep-alive` after 15 s of silence. The stream ends after at most "
        "5 minutes (at the token's expiry at the latest, or when the server drains): EventSource reconnects "
        "by itself. 503 LIVE_STREAMS_FULL (Retry-After) when this server holds as many streams as it may."))
    def get(self, session_id: UUID):
        """What the invigilator sees, pushed live as server-sent events"""
        return live.invigilation_events(_runtime(), session_id, _actor(), current_principal().expires_at)


@candidates.route("/<uuid:candidate_id>")
class CandidateDetails(MethodView):
    @auth_required
    @candidates.arguments(s.ChangeCandidateSchema)
    @candidates.response(200, s.CandidateSchema)
    def patch(self, data: dict, candidate_id: UUID):
        """Change a candidate's extra time (until 24 hours after the session's first start)"""
        runtime = _runtime()
        runtime.handle(c.ChangeCandidate(_actor(), candidate_id, data["extra_time_percentage"]))
        return views.candidate(runtime.engine, candidate_id)

    @auth_required
    @candidates.response(204)
    def delete(self, candidate_id: UUID):
        """Remove a candidate who has not started"""
        _runtime().handle(c.RemoveCandidate(_actor(), candidate_id))


@candidates.route("/<uuid:candidate_id>/authorization")
class Authorization(MethodView):
    @auth_required
    @candidates.response(204)
    def post(self, candidate_id: UUID):
        """The invigilator lets the candidate start or resume, for 15 minutes"""
        _runtime().handle(c.AuthorizeCandidate(_actor(), candidate_id))


@candidates.route("/<uuid:candidate_id>/end-by-invigilator")
class EndByInvigilator(MethodView):
    @auth_required
    @candidates.response(204)
    def post(self, candidate_id: UUID):
        """The invigilator ends the candidate's test"""
        _runtime().handle(c.EndCourse(_actor(), candidate_id))


@candidates.route("/<uuid:candidate_id>/live-alert/validation")
class LiveAlertValidation(MethodView):
    @auth_required
    @candidates.response(204)
    def post(self, candidate_id: UUID):
        """The invigilator validates the problem the candidate signalled: the question is withdrawn, another is
        served (404 LIVE_ALERT_NOT_FOUND: none awaits a decision)"""
        _runtime().handle(c.ValidateLiveAlert(_actor(), candidate_id))


@candidates.route("/<uuid:candidate_id>/live-alert/dismissal")
class LiveAlertDismissal(MethodView):
    @auth_required
    @candidates.response(204)
    def post(self, candidate_id: UUID):
        """The invigilator dismisses the problem the candidate signalled: the candidate answers the question
        (404 LIVE_ALERT_NOT_FOUND: none awaits a decision)"""
        _runtime().handle(c.DismissLiveAlert(_actor(), candidate_id))


# -- candidates and invigilators ----------------------------------------------------------------------

@taking.route("/certification-joinings")
class Joinings(MethodView):
    @auth_required
    @errors(404, 429)  # SESSION_NOT_FOUND, CANDIDATE_NOT_FOUND; TOO_MANY_ATTEMPTS
    @taking.arguments(s.JoinSchema)
    @taking.response(201, s.MyEnrolmentSchema)
    def post(self, data: dict):
        """Join a session: its number, your names and birth date find your enrolment"""
        runtime, actor = _runtime(), _actor()
        candidate_id = runtime.handle(c.JoinSession(actor, **data))
        return views.my_enrolment(runtime.engine, candidate_id, actor.user_id, runtime.now())


@taking.route("/certification-joinings/<uuid:candidate_id>")
class Joining(MethodView):
    @auth_required
    @taking.response(200, s.MyEnrolmentSchema)
    def get(self, candidate_id: UUID):
        """Your enrolment: whether the invigilator authorized you, your course"""
        runtime = _runtime()
        return views.my_enrolment(runtime.engine, candidate_id, _actor().user_id, runtime.now())


@taking.route("/certification-courses")
class Courses(MethodView):
    @auth_required
    @errors(404, 429)  # CANDIDATE_NOT_FOUND; TOO_MANY_ATTEMPTS
    @taking.arguments(s.StartSchema)
    @taking.response(201, s.MyEnrolmentSchema, description="the course started")
    @taking.alt_response(200, schema=s.MyEnrolmentSchema, description="the course resumed")
    def post(self, data: dict):
        """Type the access code: your test starts (or resumes), once the invigilator authorized you"""
        runtime, actor = _runtime(), _actor()
        _course_id, started = runtime.handle(c.StartCourse(actor, data["candidate_id"], data["access_code"]))
        return views.my_enrolment(runtime.engine, data["candidate_id"], actor.user_id, runtime.now()), (
            201 if started else 200)


@taking.route("/certification-invigilations")
class Invigilations(MethodView):
    @auth_required
    @errors(429)  # TOO_MANY_ATTEMPTS
    @taking.arguments(s.InvigilateSchema)
    @taking.response(200, s.InvigilationSchema)
    def post(self, data: dict):
        """Open a session as its invigilator, with its number and invigilator password"""
        runtime, actor = _runtime(), _actor()
        session_id = runtime.handle(c.OpenInvigilation(actor, data["session_number"], data["invigilator_password"]))
        return views.invigilation(runtime.engine, session_id, actor, runtime.now())



# -- finalization by the centre ----------------------------------------------------------------------

@sessions.route("/<uuid:session_id>/finalization")
class Finalization(MethodView):
    @auth_required
    @sessions.arguments(s.FinalizeSchema)
    @sessions.response(200, s.FinalizedSchema)
    def post(self, data: dict, session_id: UUID):
        """Finalize: each candidate's end screen and abort reason, incident reports, a global comment. The
        automatic jury and the scoring run; the session is FINALIZED"""
        runtime, actor = _runtime(), _actor()
        outcome = runtime.handle(c.FinalizeSession(actor, session_id, **data))
        return {"session": views.session(runtime.uow(), runtime.engine, session_id, actor), **outcome}


@taking.route("/certification-issue-report-categories")
class IssueCategories(MethodView):
    @auth_required
    @taking.response(200, s.IssueCatalogueSchema)
    def get(self):
        """The incident categories, subcategories and codes of the national guide, in French and English"""
        return catalogue()


# -- the jury: platform admins ---------------------------------------------------------------------------

@jury.route("")
class JurySessions(MethodView):
    @auth_required
    @jury.arguments(s.JurySessionFilterSchema, location="query")
    @jury.response(200, s.SessionPageSchema)
    def get(self, args: dict):
        """Sessions finalized by their centre, in review or published; oldest finalization first"""
        items, total = views.jury_sessions_page(_runtime().engine, _actor(), args)
        return page_of(items, total, args)


@jury.route("/<uuid:session_id>")
class JurySession(MethodView):
    @auth_required
    @jury.response(200, s.JurySessionSchema)
    def get(self, session_id: UUID):
        """A session to review: reports, each candidate's answers and result, whether it is publishable as is"""
        runtime = _runtime()
        return views.jury_session(runtime.uow(), runtime.engine, session_id, _actor())


@jury.route("/<uuid:session_id>/assignment")
class JuryAssignment(MethodView):
    @auth_required
    @jury.response(200, s.JurySessionSchema)
    def post(self, session_id: UUID):
        """Take the session for review: IN_PROCESS"""
        runtime, actor = _runtime(), _actor()
        runtime.handle(c.TakeSessionForReview(actor, session_id))
        return views.jury_session(runtime.uow(), runtime.engine, session_id, actor)


@jury.route("/<uuid:session_id>/comment")
class JuryComment(MethodView):
    @auth_required
    @jury.arguments(s.JuryCommentSchema)
    @jury.response(200, s.JurySessionSchema)
    def put(self, data: dict, session_id: UUID):
        """The jury's comment on the session (none: removed)"""
        runtime, actor = _runtime(), _actor()
        runtime.handle(c.CommentSession(actor, session_id, data["comment"]))
        return views.jury_session(runtime.uow(), runtime.engine, session_id, actor)


@jury.route("/<uuid:session_id>/courses/<uuid:course_id>/neutralizations")
class Neutralizations(MethodView):
    @auth_required
    @jury.arguments(s.NeutralizationSchema)
    @jury.response(200, s.JurySessionSchema)
    def post(self, data: dict, session_id: UUID, course_id: UUID):
        """Neutralize a question of a course (or de-neutralize it); the course is scored again"""
        runtime, actor = _runtime(), _actor()
        runtime.handle(c.NeutralizeChallenge(actor, session_id, course_id, data["challenge_id"], data["neutralized"]))
        return views.jury_session(runtime.uow(), runtime.engine, session_id, actor)


@jury.route("/<uuid:session_id>/publication")
class Publication(MethodView):
    @auth_required
    @jury.response(200, s.JurySessionSchema)
    def post(self, session_id: UUID):
        """Publish the session's results: PUBLISHED; each candidate's result is announced and mailed"""
        runtime, actor = _runtime(), _actor()
        runtime.handle(c.PublishSession(actor, session_id))
        return views.jury_session(runtime.uow(), runtime.engine, session_id, actor)


# -- certificates ------------------------------------------------------------------------------------------

@certificates.route("/certificates")
class MyCertificates(MethodView):
    @auth_required
    @certificates.response(200, s.CertificateListSchema)
    def get(self):
        """Your published certification results, latest first"""
        return {"items": views.my_certificates(_runtime().engine, _actor().user_id)}


@certificates.route("/certificates/<uuid:course_id>")
class MyCertificate(MethodView):
    @auth_required
    @certificates.response(200, s.CertificateSchema)
    def get(self, course_id: UUID):
        """One of your published certificates"""
        return views.my_certificate(_runtime().engine, course_id, _actor().user_id)


@certificates.route("/certificates/<uuid:course_id>/attestation")
class MyAttestation(MethodView):
    @auth_required
    @errors(409)  # CERTIFICATE_NOT_VALIDATED: rejected or cancelled
    @_file(downloads.PDF, ATTESTATIONS_PDF)
    @certificates.response(200, content_type=downloads.PDF)
    def get(self, course_id: UUID):
        """The attestation of one of your published, validated certificates, as PDF"""
        certificate = views.attestation(_runtime().engine, course_id, _actor().user_id)
        return downloads.pdf([certificate], attestations.file_name(certificate), attestations.TITLE)


@certificates.route("/certificate-verifications")
class Verification(MethodView):
    @errors(404)  # CERTIFICATE_NOT_FOUND
    @certificates.arguments(s.VerificationSchema)
    @certificates.response(200, s.CertificateSchema)
    def post(self, data: dict):
        """Anyone checks a certificate by its verification code (no account): what the certificate shows"""
        return views.certificate_by_code(_runtime().engine, data["verification_code"])
