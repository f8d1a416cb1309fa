"""organizations' use cases: each opens a unit of work, works through the domain, commits."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from msgkit import Envelope
from organizations.domain import commands
from organizations.domain import exceptions as e
from organizations.domain.imports import FAILED, SUCCEEDED, LearnerImport
from organizations.domain.learner_records import ImportedLearner, LearnerFileRejected, LineError
from organizations.domain.learners import MODES, REPLACE, OrganizationLearner, import_key, key_of, plan_import
from organizations.domain.model import PENDING, SCO, InvitationOutcome, KnownUser, Membership, Organization
from organizations.domain.reconciliation import find_match, is_same_person
from organizations.domain.reconciliation_limits import Limit, ReconciliationLimits
from organizations.domain.school_changes import NotCarriedOver, plan_carry_overs
from organizations.domain.sign_in_methods import ANOTHER_SCHOOL, SAME_SCHOOL, conflict
from organizations.service_layer.mails import invitation_mail
from organizations.service_layer.ports import LearnerFileReader
from organizations.service_layer.unit_of_work import OrganizationsUnitOfWork
from svckit.mail import Mailer
from svckit.uow import UniqueViolation

Clock = Callable[[], datetime]


def _organization(uow: OrganizationsUnitOfWork, organization_id: UUID, *, lock: bool = False) -> Organization:
    organization = uow.organizations.get(organization_id, lock=lock)
    if organization is None:
        raise e.OrganizationNotFound("This organization does not exist.")
    return organization


def require_orga_access(uow: OrganizationsUnitOfWork, organization: Organization, actor: commands.Actor) -> Membership:
    """The Orga face is for members who accepted its terms of use."""
    membership = organization.require_member(actor.user_id)
    user = uow.known_users.get(actor.user_id)
    if user is None or user.orga_terms_accepted_at is None:
        raise e.OrgaTermsNotAccepted("Accept the terms of use of the Orga dashboard first.")
    return membership


# -- organizations ------------------------------------------------------------------------------


def create_organization(cmd: commands.CreateOrganization, uow: OrganizationsUnitOfWork, now: Clock) -> UUID:
    if not cmd.actor.platform_admin:
        raise e.PlatformAdminRequired("Only a platform administrator can create an organization.")
    with uow:
        organization = Organization.create(name=cmd.name, type=cmd.type, external_id=cmd.external_id,
                                           manages_students=cmd.manages_students, admin_email=cmd.admin_email,
                                           created_by=cmd.actor.user_id, locale=cmd.locale, now=now())
        if organization.external_id and uow.organizations.external_id_taken(organization.type, organization.external_id):
            raise e.OrganizationAlreadyExists(f"A {organization.type} organization already has the id "
                                              f"{organization.external_id}.")
        uow.organizations.add(organization)
        try:
            uow.commit()
        except UniqueViolation as error:
            raise e.OrganizationAlreadyExists(f"A {organization.type} organization already has the id "
                                              f"{organization.external_id}.") from error
        return organization.id


def archive_organization(cmd: commands.ArchiveOrganization, uow: OrganizationsUnitOfWork, now: Clock) -> None:
    if not cmd.actor.platform_admin:
        raise e.PlatformAdminRequired("Only a platform administrator can archive an organization.")
    with uow:
        _organization(uow, cmd.organization_id).archive(now())
        uow.commit()


def set_organization_features(cmd: commands.SetOrganizationFeatures, uow: OrganizationsUnitOfWork,
                              now: Clock) -> None:
    if not cmd.actor.platform_admin:
        raise e.PlatformAdminRequired("Only a platform administrator changes an organization's features.")
    with uow:
        _organization(uow, cmd.organization_id).allow_multiple_sendings_for_assessments(
            cmd.multiple_sendings_for_assessments, now())
        uow.commit()


# -- team ----------------------------------------------------------------------------------------


def invite_members(cmd: commands.InviteMembers, uow: OrganizationsUnitOfWork, now: Clock) -> list[InvitationOutcome]:
    with uow:
        organization = _organization(uow, cmd.organization_id)
        require_orga_access(uow, organization, cmd.actor)
        organization.require_admin(cmd.actor.user_id)
        members = uow.known_users.emails_of(m.user_id for m in organization.active_memberships())
        outcomes = organization.invite(list(cmd.emails), cmd.role, locale=cmd.locale, now=now(),
                                       member_emails=frozenset(members.values()))
        uow.commit()
        return outcomes


def resend_invitation(cmd: commands.ResendInvitation, uow: OrganizationsUnitOfWork, now: Clock) -> None:
    with uow:
        organization = _organization(uow, cmd.organization_id)
        require_orga_access(uow, organization, cmd.actor)
        organization.resend_invitation(by=cmd.actor.user_id, invitation_id=cmd.invitation_id, now=now())
        uow.commit()


def cancel_invitation(cmd: commands.CancelInvitation, uow: OrganizationsUnitOfWork, now: Clock) -> None:
    with uow:
        organization = _organization(uow, cmd.organization_id)
        require_orga_access(uow, organization, cmd.actor)
        organization.cancel_invitation(by=cmd.actor.user_id, invitation_id=cmd.invitation_id, now=now())
        uow.commit()


def accept_invitation(cmd: commands.AcceptInvitation, uow: OrganizationsUnitOfWork, now: Clock) -> UUID:
    """Returns the organization joined."""
    with uow:
        organization = uow.organizations.get_by_invitation(cmd.invitation_id)
        if organization is None:
            raise e.InvitationNotFound("This invitation does not exist.")
        account = uow.known_users.get(cmd.actor.user_id)  # from identity's events: its verified address
        organization.accept_invitation(invitation_id=cmd.invitation_id, code=cmd.code, user_id=cmd.actor.user_id,
                                       user_email=cmd.actor.email or "",
                                       verified_email=account.verified_email if account else None, now=now())
        uow.commit()
        return organization.id


def change_member_role(cmd: commands.ChangeMemberRole, uow: OrganizationsUnitOfWork, now: Clock) -> Membership:
    with uow:
        organization = _organization(uow, cmd.organization_id)
        require_orga_access(uow, organization, cmd.actor)
        membership = organization.change_role(by=cmd.actor.user_id, user_id=cmd.user_id, role=cmd.role, now=now())
        uow.commit()
        return membership


def remove_member(cmd: commands.RemoveMember, uow: OrganizationsUnitOfWork, now: Clock) -> None:
    """An admin removes a member; a member removing themself leaves."""
    with uow:
        organization = _organization(uow, cmd.organization_id)
        if cmd.actor.user_id != cmd.user_id:
            require_orga_access(uow, organization, cmd.actor)
        organization.remove_member(by=cmd.actor.user_id, user_id=cmd.user_id, now=now())
        uow.commit()


# -- learners ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    learner_import: LearnerImport

    @property
    def succeeded(self) -> bool:
        return self.learner_import.status == SUCCEEDED


def import_learners(cmd: commands.ImportLearners, uow: OrganizationsUnitOfWork, read_file: LearnerFileReader,
                    now: Clock) -> ImportResult:
    """Import a learner file, all or nothing; the attempt is recorded either way.

    The slow part comes first and holds nothing: reading a 10 MB SIECLE export takes about a
    second, and while the organization's row is locked every reconciliation of the school waits.
    The caller's rights are checked before reading (no file is read for someone refused), and
    again under the lock, where the writes happen.
    """
    if cmd.mode not in MODES:
        raise e.InvalidOrganization("INVALID_IMPORT_MODE", f"The mode must be one of {', '.join(MODES)}.")
    moment = now()
    with uow:
        organization = _may_import(uow, cmd)
        organization_type, uai = organization.type, organization.external_id  # neither ever changes
    record = LearnerImport(id=uuid.uuid4(), organization_id=cmd.organization_id, created_by=cmd.actor.user_id,
                           created_at=moment, filename=cmd.filename[:255], mode=cmd.mode, status=FAILED)
    parsed = None
    try:
        parsed = read_file(cmd.filename, cmd.stream, organization_type=organization_type, uai=uai)
    except LearnerFileRejected as rejected:
        record.error_code = rejected.code
        # The learners' errors found before the file broke come first, in file order, then the break.
        record.errors = [*(_line_error(error) for error in rejected.errors),
                         {"code": rejected.code, "message": str(rejected), **rejected.details}]
        record.error_count = rejected.error_count
    if parsed is not None:
        record.format, record.encoding, record.skipped_count = parsed.format, parsed.encoding, parsed.skipped
        record.unregistered_count, record.error_count = parsed.unregistered, parsed.error_count
        if parsed.errors:
            record.error_code = "INVALID_LEARNERS"
            record.errors = [_line_error(error) for error in parsed.errors]
        elif not parsed.learners:
            record.error_code = "EMPTY"
            record.errors = [{"code": "EMPTY", "message": "The file holds no learner to import."}]
    with uow:
        organization = _may_import(uow, cmd, lock=True)
        if record.error_code is None:
            _apply_import(uow, organization, record, parsed.learners, cmd.mode, moment)
            if organization.type == SCO:
                _carry_over_links(uow, organization, record, parsed.learners, moment)
        uow.imports.add(record)
        uow.commit()
        return ImportResult(record)


@dataclass(frozen=True)
class ImportPreview:
    """What a file would change, written nowhere; ``error_code`` when it cannot be imported (the import itself
    then gives the full report)."""
    error_code: str | None = None
    created_count: int = 0
    updated_count: int = 0
    disabled: tuple[dict[str, Any], ...] = ()


def preview_import(cmd: commands.ImportLearners, uow: OrganizationsUnitOfWork, read_file: LearnerFileReader,
                   now: Clock) -> ImportPreview:
    """An import's plan without its writes: above all, who it would take off the list (a school's export is its
    whole list), so that the school saves what it must keep of them first (their attestations). No lock: the
    list may change before the import, which plans again."""
    if cmd.mode not in MODES:
        raise e.InvalidOrganization("INVALID_IMPORT_MODE", f"The mode must be one of {', '.join(MODES)}.")
    with uow:
        organization = _may_import(uow, cmd)
        organization_type, uai = organization.type, organization.external_id  # neither ever changes
    try:
        parsed = read_file(cmd.filename, cmd.stream, organization_type=organization_type, uai=uai)
    except LearnerFileRejected as rejected:
        return ImportPreview(error_code=rejected.code)
    if parsed.errors or not parsed.learners:
        return ImportPreview(error_code="INVALID_LEARNERS" if parsed.errors else "EMPTY")
    with uow:
        plan = _plan(uow, cmd.organization_id, organization_type, parsed.learners, cmd.mode, now())
    disabled = sorted(({"learner_id": update.change.learner_id, "first_name": update.change.first_name,
                        "last_name": update.change.last_name, "division": update.change.division}
                       for update in plan.disabled), key=lambda item: (item["last_name"], item["first_name"]))
    return ImportPreview(None, len(plan.created), len(plan.updated), tuple(disabled))


def _may_import(uow: OrganizationsUnitOfWork, cmd: commands.ImportLearners, *, lock: bool = False) -> Organization:
    organization = _organization(uow, cmd.organization_id, lock=lock)
    require_orga_access(uow, organization, cmd.actor)
    organization.require_admin(cmd.actor.user_id)
    organization.require_can_import()
    return organization


def _apply_import(uow: OrganizationsUnitOfWork, organization: Organization, record: LearnerImport,
                  learners: list[ImportedLearner], mode: str, moment: datetime) -> None:
    """Under the organization's lock: what the file changes, written and announced."""
    plan = _plan(uow, organization.id, organization.type, learners, mode, moment)
    uow.learners.add_new(organization.id, plan.created, moment)
    uow.learners.apply(plan.updates())
    record.status = SUCCEEDED
    record.created_count, record.updated_count = len(plan.created), len(plan.updated)
    record.disabled_count, record.enabled_count, record.unchanged_count = (len(plan.disabled), len(plan.enabled),
                                                                           plan.unchanged)
    changes = plan.changes()
    if changes:
        organization.record_learner_import(record.id, changes, moment)


def _plan(uow: OrganizationsUnitOfWork, organization_id: UUID, organization_type: str,
          learners: list[ImportedLearner], mode: str, moment: datetime):
    """What the file changes against the stored list. A school's export is its whole list: who is not in it has
    left. A university chooses: add and update, or replace its list."""
    return plan_import(existing=uow.learners.snapshots(organization_id), records=learners,
                       key=import_key(organization_type),
                       disable_missing=organization_type == SCO or mode == REPLACE, now=moment)


def _carry_over_links(uow: OrganizationsUnitOfWork, organization: Organization, record: LearnerImport,
                      learners: list[ImportedLearner], moment: datetime) -> None:
    """Pupils arriving from another school keep their account (domain/school_changes.py): after the import is
    written, under the organization's lock; the other schools' learners are only read."""
    by_ine = {key_of(learner.national_student_id): learner for learner in learners}
    elsewhere = uow.learners.linked_elsewhere(organization.id, by_ine)
    if not elsewhere:
        return
    arrivals = uow.learners.arrivals(organization.id, {link.national_student_id for link in elsewhere})
    if not arrivals:
        return
    plan = plan_carry_overs(arrivals, elsewhere,
                            uow.learners.learners_of_accounts(organization.id, {link.user_id for link in elsewhere}))
    made = [carry.link(organization.id, by=record.created_by, import_id=record.id, now=moment) for carry in plan.links]
    uow.learners.add_links([link for link, _ in made], {carry.learner_id: carry.version for carry in plan.links},
                           moment)
    organization.record_links_carried_over([linked for _, linked in made])
    record.carried_over_count = len(plan.links)
    refused = sorted(plan.refused, key=lambda refusal: by_ine[refusal.national_student_id].position)
    record.not_carried_over = [_not_carried_over(refusal, by_ine[refusal.national_student_id]) for refusal in refused]


def _not_carried_over(refusal: NotCarriedOver, learner: ImportedLearner) -> dict[str, Any]:
    return {"code": refusal.code, "message": refusal.message, "learner_id": str(refusal.learner_id),
            "position": learner.position, "national_student_id": refusal.national_student_id,
            "first_name": learner.first_name, "last_name": learner.last_name}


def _line_error(error: LineError) -> dict[str, Any]:
    return {name: value for name, value in asdict(error).items() if value is not None}


# The refusals of a reconciliation that tell something about the list: they count toward its limits.
_RECONCILIATION_FAILURES = (e.NoMatchingLearner, e.SeveralMatchingLearners, e.LearnerLinkedToAnotherAccount,
                            e.AlreadyLinkedToAnotherLearner)


def reconcile_learner(cmd: commands.ReconcileLearner, uow: OrganizationsUnitOfWork, limits: ReconciliationLimits,
                      now: Clock) -> UUID:
    """A learner joining a campaign of a school finds themself in its list; returns the learner matched.

    Failures are counted and limited per account and per organization (domain/reconciliation_limits.py).
    The account's attempts run one at a time (parallel guesses would all pass the count), its own
    limits are checked before the organization is locked, and the organization's under its lock.
    """
    moment = now()
    with uow:
        uow.reconciliation_failures.serialize_account(cmd.actor.user_id)
        _refuse_if_throttled(uow, limits.per_account, moment, user_id=cmd.actor.user_id)
        # Locked like an import: every write to this organization's learners is serialized.
        organization = _organization(uow, cmd.organization_id, lock=True)
        if not organization.manages_students:
            raise e.ImportNotAllowed("This organization does not manage a list of learners.")
        _refuse_if_throttled(uow, limits.per_organization, moment, organization_id=organization.id)
        try:
            learner = _find_learner(uow, organization, cmd)
            _refuse_if_another_account(uow, learner, cmd.actor.user_id)
            learner.link_to(cmd.actor.user_id, moment)
        except _RECONCILIATION_FAILURES as refusal:
            uow.reconciliation_failures.record(organization.id, cmd.actor.user_id, type(refusal).__name__, moment,
                                               forget_before=moment - limits.horizon)
            uow.commit()
            raise
        uow.commit()
        return learner.id


# A GAR arrival has no account yet: its attempts are counted under a key of its own, drawn from its GAR id.
_GAR_ARRIVALS = uuid.UUID("6f1d3c52-8a4e-4b7f-9c2d-1e5a7b3f0c84")


@dataclass(frozen=True)
class GarMatch:
    organization_id: UUID
    learner_id: UUID
    first_name: str
    last_name: str
    division: str | None


def match_gar_arrival(cmd: commands.MatchGarArrival, uow: OrganizationsUnitOfWork, limits: ReconciliationLimits,
                      now: Clock) -> GarMatch:
    """A pupil arriving from the GAR finds themself in their school's list before any account is made: the
    learner matched, free to link, or the refusal a reconciliation would give (the account they already have,
    domain/sign_in_methods.py). Writes nothing but the failures, counted and limited as a reconciliation's."""
    moment, key = now(), uuid.uuid5(_GAR_ARRIVALS, cmd.ido)
    with uow:
        uow.reconciliation_failures.serialize_account(key)
        _refuse_if_throttled(uow, limits.per_account, moment, user_id=key)
        school = uow.organizations.by_external_id(SCO, cmd.uai)
        if school is None or school.archived_at is not None or not school.manages_students:
            raise e.SchoolNotOnThePlatform("Your school does not use the platform's list of pupils yet; ask your "
                                           "teacher.")
        organization = _organization(uow, school.id, lock=True)
        _refuse_if_throttled(uow, limits.per_organization, moment, organization_id=organization.id)
        try:
            learner = _match(uow, organization, cmd.first_name, cmd.last_name, cmd.birthdate)
            _refuse_if_another_account(uow, learner, None)
        except _RECONCILIATION_FAILURES as refusal:
            uow.reconciliation_failures.record(organization.id, key, type(refusal).__name__, moment,
                                               forget_before=moment - limits.horizon)
            uow.commit()
            raise
        uow.commit()
        return GarMatch(organization.id, learner.id, learner.first_name, learner.last_name, learner.division)


def _refuse_if_another_account(uow: OrganizationsUnitOfWork, learner: OrganizationLearner,
                               user_id: UUID | None) -> None:
    """The pupil already has an account that is not ``user_id``'s: linked to this learner, or to a learner of
    another school with the same INE (domain/sign_in_methods.py, rule 2)."""
    if learner.user_id is not None and learner.user_id != user_id:
        raise conflict(SAME_SCHOOL, _methods(uow, learner.user_id))
    if learner.user_id is None and learner.national_student_id:
        # The accounts this INE signs in elsewhere (several only where links were made before this rule): the
        # pupil's own among them lets them in.
        accounts = sorted({link.user_id for link in uow.learners.linked_elsewhere(learner.organization_id,
                                                                                 [learner.national_student_id])})
        if accounts and user_id not in accounts:
            raise conflict(ANOTHER_SCHOOL, _methods(uow, accounts[0]))


def _methods(uow: OrganizationsUnitOfWork, user_id: UUID):
    known = uow.known_users.get(user_id)
    return known.sign_in_methods if known is not None else None


def _refuse_if_throttled(uow: OrganizationsUnitOfWork, limits: tuple[Limit, ...], moment: datetime,
                         **scope: UUID) -> None:
    waits = [wait for limit in limits
             if (wait := limit.retry_after(uow.reconciliation_failures.nth_latest(
                 limit.failures, moment - limit.window, **scope), moment)) is not None]
    if waits:
        raise e.ReconciliationThrottled(max(waits))


def _find_learner(uow: OrganizationsUnitOfWork, organization: Organization,
                  cmd: commands.ReconcileLearner) -> OrganizationLearner:
    # An account already linked here is compared with its own learner only: the answer then says nothing
    # about the rest of the list.
    already = uow.learners.linked_to(organization.id, cmd.actor.user_id)
    if already is not None:
        if not is_same_person(already, cmd.first_name, cmd.last_name, cmd.birthdate):
            raise e.AlreadyLinkedToAnotherLearner("Your account is already linked to another learner here.")
        return already
    return _match(uow, organization, cmd.first_name, cmd.last_name, cmd.birthdate)


def _match(uow: OrganizationsUnitOfWork, organization: Organization, first_name: str, last_name: str,
           birthdate: date) -> OrganizationLearner:
    result = find_match([learner for learner in uow.learners.born_on(organization.id, birthdate)
                         if not learner.disabled], first_name, last_name, birthdate)
    if result.candidate is None:
        if result.ambiguous:
            raise e.SeveralMatchingLearners("Several learners match; ask your teacher to check the list.")
        raise e.NoMatchingLearner("No learner of this organization matches these names and birth date.")
    return result.candidate


def announce_learner_links(organization_id: UUID, uow: OrganizationsUnitOfWork) -> int:
    """Publish again ``organizations.learner.linked.v1`` for every learner of the organization linked now, at its
    current version (an operator's backfill for a new consumer); how many. Under the organization's lock, so no
    link or unlink of this organization interleaves."""
    with uow:
        organization = _organization(uow, organization_id, lock=True)
        links = uow.learners.current_links(organization.id)
        organization.announce_links_again(links)
        uow.commit()
        return len(links)


def unlink_learner(cmd: commands.UnlinkLearner, uow: OrganizationsUnitOfWork, now: Clock) -> None:
    """An admin of the organization takes the account off a learner; the learner's participations stay."""
    with uow:
        organization = _organization(uow, cmd.organization_id, lock=True)
        require_orga_access(uow, organization, cmd.actor)
        organization.require_admin(cmd.actor.user_id)
        learner = uow.learners.get(organization.id, cmd.learner_id)
        if learner is None:
            raise e.LearnerNotFound("This learner is not in the organization's list.")
        learner.unlink(by=cmd.actor.user_id, now=now())
        uow.commit()


# -- what organizations consumes ----------------------------------------------------------------


def on_user_registered(data: dict[str, Any], envelope: Envelope, uow: OrganizationsUnitOfWork) -> None:
    """An account was created: remember who it is (members' names, invitations by email)."""
    uow.known_users.save(KnownUser(
        id=data["user_id"], email=data["email"], first_name=data["first_name"], last_name=data["last_name"],
        registered_at=data["registered_at"], version=envelope.aggregate_version, username=data.get("username"),
    ))


def on_invitation_issued(data: dict[str, Any], envelope: Envelope, uow: OrganizationsUnitOfWork, *,
                         mailer: Mailer, public_url: str) -> None:
    """Mail the invitation. Sent before the inbox row commits: a crash in between sends it twice, never zero times."""
    organization = uow.organizations.get_by_invitation(data["invitation_id"])
    if organization is None:
        return
    invitation = organization.invitation(data["invitation_id"])
    if invitation.status != PENDING or invitation.last_sent_at > data["issued_at"]:
        return  # cancelled or accepted since, or a newer sending of it will go out
    mailer.send(invitation_mail(organization, invitation, public_url))


def on_orga_terms_accepted(data: dict[str, Any], envelope: Envelope, uow: OrganizationsUnitOfWork) -> None:
    uow.known_users.record_orga_terms(data["user_id"], data["accepted_at"], envelope.aggregate_version)


def on_gar_linked(data: dict[str, Any], envelope: Envelope, uow: OrganizationsUnitOfWork) -> None:
    """The account signs in through the GAR: its school sees it, and a pupil finding themself is told so."""
    uow.known_users.record_gar_link(data["user_id"], data["uai"], data["linked_at"], envelope.aggregate_version)


def on_email_verified(data: dict[str, Any], envelope: Envelope, uow: OrganizationsUnitOfWork) -> None:
    """identity verified the account's address: memberships may now be granted to it."""
    uow.known_users.record_email_verified(data["user_id"], data["email"], data["verified_at"],
                                          envelope.aggregate_version)
