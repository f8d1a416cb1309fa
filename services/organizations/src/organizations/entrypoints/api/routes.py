from __future__ import annotations

from uuid import UUID

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from organizations import views
from organizations.adapters.learner_files import siecle_csv_template, university_csv_template
from organizations.domain import commands
from organizations.domain.exceptions import PlatformAdminRequired
from organizations.domain.model import SCO
from organizations.entrypoints.api import schemas as s
from organizations.service_layer import handlers
from svckit.auth import auth_required, current_principal, verify_gar_arrival
from svckit.errors import ApiError
from svckit.openapi import errors
from svckit.pagination import PageArgsSchema, page_of

admin = Blueprint("admin-organizations", __name__, url_prefix="/api/admin/organizations",
                  description="Platform administration of organizations")
orga = Blueprint("organizations", __name__, url_prefix="/api/organizations", description="An organization and its team")
learners = Blueprint("learners", __name__, url_prefix="/api/organizations", description="Learner lists and imports")
invitations = Blueprint("invitations", __name__, url_prefix="/api/invitations", description="Accepting an invitation")
gar = Blueprint("gar", __name__, url_prefix="/api/gar", description="A pupil arriving from the GAR")


def _runtime():
    return current_app.extensions["organizations"]


def _actor() -> commands.Actor:
    principal = current_principal()
    return commands.Actor(user_id=UUID(principal.user_id), email=principal.claims.get("email"),
                          platform_admin=principal.has_role("SUPER_ADMIN"))


def _require_platform_admin() -> commands.Actor:
    actor = _actor()
    if not actor.platform_admin:
        raise PlatformAdminRequired("Only a platform administrator can do this.")
    return actor


# -- platform administration --------------------------------------------------------------------


@admin.route("")
class AdminOrganizations(MethodView):
    @auth_required
    @admin.arguments(s.CreateOrganizationSchema)
    @admin.response(201, s.OrganizationSchema)
    def post(self, data: dict):
        """Create an organization; its first admin is invited by email"""
        runtime = _runtime()
        organization_id = handlers.create_organization(commands.CreateOrganization(actor=_actor(), **data),
                                                       runtime.uow(), runtime.now)
        return views.organization(runtime.engine, organization_id)

    @auth_required
    @admin.arguments(s.OrganizationFilterSchema, location="query")
    @admin.response(200, s.OrganizationPageSchema)
    def get(self, args: dict):
        """All organizations, filtered by name, type or external id"""
        _require_platform_admin()
        items, total = views.organizations_page(_runtime().engine, args)
        return page_of(items, total, args)


@admin.route("/<uuid:organization_id>/archive")
class ArchiveOrganization(MethodView):
    @auth_required
    @admin.response(200, s.OrganizationSchema)
    def post(self, organization_id: UUID):
        """Archive an organization: no more invitations, imports or campaigns"""
        runtime = _runtime()
        handlers.archive_organization(commands.ArchiveOrganization(_actor(), organization_id), runtime.uow(), runtime.now)
        return views.organization(runtime.engine, organization_id)


@admin.route("/<uuid:organization_id>/features")
class OrganizationFeatures(MethodView):
    @auth_required
    @admin.arguments(s.OrganizationFeaturesSchema)
    @admin.response(200, s.OrganizationSchema)
    def patch(self, data: dict, organization_id: UUID):
        """Switch features on or off: whether assessment campaigns may take results several times"""
        runtime = _runtime()
        handlers.set_organization_features(commands.SetOrganizationFeatures(_actor(), organization_id, **data),
                                           runtime.uow(), runtime.now)
        return views.organization(runtime.engine, organization_id)


# -- an organization and its team ---------------------------------------------------------------


@orga.route("/<uuid:organization_id>")
class OrganizationDetails(MethodView):
    @auth_required
    @orga.response(200, s.OrganizationSchema)
    def get(self, organization_id: UUID):
        """The organization, for its members"""
        role = views.check_orga_access(_runtime().engine, organization_id, _actor())
        return views.organization(_runtime().engine, organization_id, role)


@orga.route("/<uuid:organization_id>/members")
class Members(MethodView):
    @auth_required
    @orga.arguments(PageArgsSchema, location="query")
    @orga.response(200, s.MemberPageSchema)
    def get(self, args: dict, organization_id: UUID):
        """The members and their roles"""
        views.check_orga_access(_runtime().engine, organization_id, _actor())
        items, total = views.members_page(_runtime().engine, organization_id, args)
        return page_of(items, total, args)


@orga.route("/<uuid:organization_id>/members/<uuid:user_id>")
class Member(MethodView):
    @auth_required
    @orga.arguments(s.ChangeRoleSchema)
    @orga.response(200, s.MemberSchema)
    def patch(self, data: dict, organization_id: UUID, user_id: UUID):
        """Change a member's role (admins; the last admin cannot be demoted)"""
        runtime = _runtime()
        handlers.change_member_role(commands.ChangeMemberRole(_actor(), organization_id, user_id, data["role"]),
                                    runtime.uow(), runtime.now)
        return views.member(runtime.engine, organization_id, user_id)

    @auth_required
    @orga.response(204)
    def delete(self, organization_id: UUID, user_id: UUID):
        """Remove a member (admins), or leave (yourself); the last admin cannot go"""
        runtime = _runtime()
        handlers.remove_member(commands.RemoveMember(_actor(), organization_id, user_id), runtime.uow(), runtime.now)


@orga.route("/<uuid:organization_id>/invitations")
class Invitations(MethodView):
    @auth_required
    @orga.arguments(s.InviteSchema)
    @orga.response(200, s.InvitationResultsSchema)
    def post(self, data: dict, organization_id: UUID):
        """Invite one or several emails with a role; a pending invitation is sent again, not duplicated"""
        runtime = _runtime()
        outcomes = handlers.invite_members(
            commands.InviteMembers(_actor(), organization_id, tuple(data["emails"]), data["role"], data["locale"]),
            runtime.uow(), runtime.now)
        return {"results": [{"email": o.email, "outcome": o.outcome,
                             "invitation": views.invitation(runtime.engine, organization_id, o.invitation.id)
                             if o.invitation else None} for o in outcomes]}

    @auth_required
    @orga.response(200, s.InvitationListSchema)
    def get(self, organization_id: UUID):
        """Pending invitations (admins)"""
        views.check_orga_access(_runtime().engine, organization_id, _actor(), admin=True)
        return {"items": views.pending_invitations(_runtime().engine, organization_id)}


@orga.route("/<uuid:organization_id>/invitations/<uuid:invitation_id>")
class Invitation(MethodView):
    @auth_required
    @orga.response(204)
    def delete(self, organization_id: UUID, invitation_id: UUID):
        """Cancel a pending invitation (admins)"""
        runtime = _runtime()
        handlers.cancel_invitation(commands.CancelInvitation(_actor(), organization_id, invitation_id), runtime.uow(),
                                   runtime.now)


@orga.route("/<uuid:organization_id>/invitations/<uuid:invitation_id>/resend")
class ResendInvitation(MethodView):
    @auth_required
    @errors(429)  # INVITATION_RESEND_THROTTLED
    @orga.response(200, s.InvitationSchema)
    def post(self, organization_id: UUID, invitation_id: UUID):
        """Send a pending invitation again (admins; at most every 5 minutes)"""
        runtime = _runtime()
        handlers.resend_invitation(commands.ResendInvitation(_actor(), organization_id, invitation_id), runtime.uow(),
                                   runtime.now)
        return views.invitation(runtime.engine, organization_id, invitation_id)


# -- accepting an invitation ----------------------------------------------------------------------


@invitations.route("/<uuid:invitation_id>")
class InvitationSummary(MethodView):
    @invitations.arguments(s.CodeArgsSchema, location="query")
    @invitations.response(200, s.InvitationSummarySchema)
    def get(self, args: dict, invitation_id: UUID):
        """What an invitation is for (the code from the mail is required)"""
        return views.invitation_summary(_runtime().engine, invitation_id, args["code"])


@invitations.route("/<uuid:invitation_id>/accept")
class AcceptInvitation(MethodView):
    @auth_required
    @invitations.arguments(s.CodeArgsSchema)
    @invitations.response(200, s.AcceptedSchema)
    def post(self, data: dict, invitation_id: UUID):
        """Join the organization: the code must match and the invitation be for your account's email"""
        runtime = _runtime()
        organization_id = handlers.accept_invitation(commands.AcceptInvitation(_actor(), invitation_id, data["code"]),
                                                     runtime.uow(), runtime.now)
        return {"organization_id": organization_id}


# -- learners --------------------------------------------------------------------------------------


def _import_command(runtime, form: dict, files: dict, organization_id: UUID) -> commands.ImportLearners:
    """The uploaded file as an import (or its preview) reads it; a body over the limit is refused before."""
    upload = files["file"]
    limit = runtime.settings.max_import_bytes
    if request.content_length is not None and request.content_length > limit + 64 * 1024:
        raise ApiError(413, "FILE_TOO_LARGE", f"The file is larger than {limit // (1024 * 1024)} MB.")
    return commands.ImportLearners(_actor(), organization_id, upload.filename or "learners", upload.stream,
                                   form["mode"])


@learners.route("/<uuid:organization_id>/learners/imports")
class Imports(MethodView):
    @auth_required
    @learners.arguments(s.ImportFormSchema, location="form")
    @learners.arguments(s.ImportFileSchema, location="files")
    @learners.response(201, s.ImportSchema)
    def post(self, form: dict, files: dict, organization_id: UUID):
        """Import a learner file: SIECLE XML (plain or zipped) or CSV; all or nothing"""
        runtime = _runtime()
        result = handlers.import_learners(_import_command(runtime, form, files, organization_id), runtime.uow(),
                                          runtime.read_file, runtime.now)
        record = views.learner_import(runtime.engine, organization_id, result.learner_import.id)
        if not result.succeeded:
            status = 413 if record["error_code"] == "FILE_TOO_LARGE" else 422
            raise ApiError(status, record["error_code"], "The file was not imported; nothing changed.",
                           {"import": {**record, "id": str(record["id"]), "created_by": str(record["created_by"]),
                                       "created_at": record["created_at"].isoformat()}})
        return record

    @auth_required
    @learners.arguments(PageArgsSchema,
                        location="query")
    @learners.response(200, s.ImportPageSchema)
    def get(self, args: dict, organization_id: UUID):
        """Past imports, newest first (admins)"""
        views.check_orga_access(_runtime().engine, organization_id, _actor(), admin=True)
        items, total = views.imports_page(_runtime().engine, organization_id, args)
        return page_of(items, total, args)


@learners.route("/<uuid:organization_id>/learners/imports/preview")
class ImportPreview(MethodView):
    @auth_required
    @learners.arguments(s.ImportFormSchema, location="form")
    @learners.arguments(s.ImportFileSchema, location="files")
    @learners.response(200, s.ImportPreviewSchema)
    def post(self, form: dict, files: dict, organization_id: UUID):
        """What importing this file would change, changing nothing: who it would take off the list (admins)"""
        runtime = _runtime()
        preview = handlers.preview_import(_import_command(runtime, form, files, organization_id), runtime.uow(),
                                          runtime.read_file, runtime.now)
        return {"error_code": preview.error_code, "created_count": preview.created_count,
                "updated_count": preview.updated_count, "disabled_count": len(preview.disabled),
                "disabled": list(preview.disabled)}


@learners.route("/<uuid:organization_id>/learners/imports/template.csv")
class ImportTemplate(MethodView):
    @auth_required
    @learners.response(200, content_type="text/csv")
    def get(self, organization_id: UUID):
        """The CSV template of the organization's learner file (school or university format)"""
        engine = _runtime().engine
        views.check_orga_access(engine, organization_id, _actor(), admin=True)
        school = views.organization_type(engine, organization_id) == SCO
        body = siecle_csv_template() if school else university_csv_template()
        name = "modele-import-eleves.csv" if school else "modele-import-etudiants.csv"
        return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@learners.route("/<uuid:organization_id>/learners/reconciliation")
class Reconciliation(MethodView):
    @auth_required
    @errors(429)  # RECONCILIATION_THROTTLED
    @learners.arguments(s.ReconciliationSchema)
    @learners.response(200, s.ReconciledSchema)
    def post(self, data: dict, organization_id: UUID):
        """Find yourself in the organization's learner list (names and birth date) and link your account

        Failures are limited: 5 in 10 minutes and 20 in 24 hours per account, 500 in 10 minutes per
        organization; past them, 429 RECONCILIATION_THROTTLED with Retry-After."""
        runtime = _runtime()
        learner_id = handlers.reconcile_learner(commands.ReconcileLearner(_actor(), organization_id, **data),
                                                runtime.uow(), runtime.reconciliation_limits, runtime.now)
        return {"learner_id": learner_id, "organization_id": organization_id}


@gar.route("/learner-match")
class GarLearnerMatch(MethodView):
    @errors(404, 409, 429)  # GAR_SCHOOL_NOT_FOUND, NO_MATCHING_LEARNER; the account already there; throttled
    @gar.arguments(s.GarMatchRequestSchema)
    @gar.response(200, s.GarMatchSchema)
    def post(self, data: dict):
        """A pupil arriving from the GAR, with no account yet, finds themself in their school's list

        The arrival token (identity's, from the GAR's sign-in) names the pupil and the school; the pupil types
        their birth date. Answers the learner matched and free to link, before the pupil's account is made;
        or 409 with the account the pupil already has (Pix's codes R31, R32, R33 in the same school, R11, R12,
        R13 through another, the sign-in method and its masked value in ``details``), so that no second account
        is made. Failures count as a reconciliation's (429 RECONCILIATION_THROTTLED)."""
        claims = verify_gar_arrival(data["arrival_token"])
        match = handlers.match_gar_arrival(
            commands.MatchGarArrival(ido=str(claims["ido"]), uai=str(claims["uai"]),
                                     first_name=str(claims["first_name"]), last_name=str(claims["last_name"]),
                                     birthdate=data["birthdate"]),
            _runtime().uow(), _runtime().reconciliation_limits, _runtime().now)
        return match


@learners.route("/<uuid:organization_id>/learners/<uuid:learner_id>/account-link")
class AccountLink(MethodView):
    @auth_required
    @learners.response(200, s.LearnerAccountLinkSchema)
    def get(self, organization_id: UUID, learner_id: UUID):
        """The account linked to a learner, since when, and every earlier link (admins)"""
        engine = _runtime().engine
        views.check_orga_access(engine, organization_id, _actor(), admin=True)
        return views.learner_account_link(engine, organization_id, learner_id)

    @auth_required
    @learners.response(200, s.LearnerAccountLinkSchema)
    def delete(self, organization_id: UUID, learner_id: UUID):
        """Unlink the learner's account (admins): the account may find itself in the list again, the learner's
        participations stay, and the link stays in the history"""
        runtime = _runtime()
        handlers.unlink_learner(commands.UnlinkLearner(_actor(), organization_id, learner_id), runtime.uow(),
                                runtime.now)
        return views.learner_account_link(runtime.engine, organization_id, learner_id)
