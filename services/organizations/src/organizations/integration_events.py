"""Domain events -> the published contract (``contracts/events/organizations/``).

Learner imports can change tens of thousands of learners: they are published in batches of
``LEARNER_BATCH`` learners (a few hundred kB each), each event saying which batch of how many
it is. Within an import every learner carries its own version, which consumers compare to
drop stale updates (the envelope's version is the organization's learner-list version).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from organizations.domain import events as e
from svckit.uow import IntegrationEvent

LEARNER_BATCH = 500


def _iso(moment: datetime | date) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _id(value: Any) -> str | None:
    return str(value) if value is not None else None


def _learner(change: e.LearnerChange) -> dict[str, Any]:
    return {
        "learner_id": str(change.learner_id), "change": change.change, "version": change.version,
        "first_name": change.first_name, "last_name": change.last_name,
        "preferred_last_name": change.preferred_last_name, "birthdate": change.birthdate.isoformat(),
        "national_student_id": change.national_student_id, "student_number": change.student_number,
        "division": change.division, "group": change.group, "user_id": _id(change.user_id),
        "disabled": change.disabled,
    }


def to_integration(event: Any) -> IntegrationEvent | list[IntegrationEvent] | None:
    if isinstance(event, e.OrganizationCreated):
        return IntegrationEvent("organizations.organization.created.v1", str(event.organization_id), event.version, {
            "organization_id": str(event.organization_id), "name": event.name, "type": event.type,
            "external_id": event.external_id, "manages_students": event.manages_students,
            "created_at": _iso(event.created_at)})
    if isinstance(event, e.OrganizationArchived):
        return IntegrationEvent("organizations.organization.archived.v1", str(event.organization_id), event.version, {
            "organization_id": str(event.organization_id), "archived_at": _iso(event.archived_at)})
    if isinstance(event, e.OrganizationFeaturesChanged):
        return IntegrationEvent("organizations.organization.features_changed.v1", str(event.organization_id),
                                event.version, {
            "organization_id": str(event.organization_id),
            "multiple_sendings_for_assessments": event.multiple_sendings_for_assessments,
            "changed_at": _iso(event.changed_at)})
    if isinstance(event, e.MembershipGranted):
        return IntegrationEvent("organizations.membership.granted.v1", str(event.organization_id), event.version, {
            "membership_id": str(event.membership_id), "organization_id": str(event.organization_id),
            "user_id": str(event.user_id), "role": event.role, "granted_at": _iso(event.granted_at)})
    if isinstance(event, e.MembershipRoleChanged):
        return IntegrationEvent("organizations.membership.role_changed.v1", str(event.organization_id), event.version, {
            "membership_id": str(event.membership_id), "organization_id": str(event.organization_id),
            "user_id": str(event.user_id), "role": event.role, "changed_at": _iso(event.changed_at)})
    if isinstance(event, e.MembershipRevoked):
        return IntegrationEvent("organizations.membership.revoked.v1", str(event.organization_id), event.version, {
            "membership_id": str(event.membership_id), "organization_id": str(event.organization_id),
            "user_id": str(event.user_id), "reason": event.reason, "revoked_at": _iso(event.revoked_at)})
    if isinstance(event, e.InvitationIssued):
        # No code in it: the code is a secret that only the mail carries.
        return IntegrationEvent("organizations.invitation.issued.v1", str(event.organization_id), event.version, {
            "invitation_id": str(event.invitation_id), "organization_id": str(event.organization_id),
            "email": event.email, "role": event.role, "locale": event.locale, "issued_at": _iso(event.issued_at)})
    if isinstance(event, e.LearnersImported):
        batches = [event.changes[i:i + LEARNER_BATCH] for i in range(0, len(event.changes), LEARNER_BATCH)]
        return [
            IntegrationEvent("organizations.learners.imported.v1", str(event.organization_id), event.version, {
                "import_id": str(event.import_id), "organization_id": str(event.organization_id),
                "imported_at": _iso(event.imported_at), "batch": number, "batches": len(batches),
                "learners": [_learner(change) for change in batch]})
            for number, batch in enumerate(batches, start=1)
        ]
    if isinstance(event, e.LearnerLinked):
        return IntegrationEvent("organizations.learner.linked.v1", str(event.learner_id), event.version, {
            "learner_id": str(event.learner_id), "organization_id": str(event.organization_id),
            "user_id": str(event.user_id), "linked_at": _iso(event.linked_at)})
    if isinstance(event, e.LearnerUnlinked):
        return IntegrationEvent("organizations.learner.unlinked.v1", str(event.learner_id), event.version, {
            "learner_id": str(event.learner_id), "organization_id": str(event.organization_id),
            "user_id": str(event.user_id), "unlinked_by": str(event.unlinked_by),
            "unlinked_at": _iso(event.unlinked_at)})
    return None
