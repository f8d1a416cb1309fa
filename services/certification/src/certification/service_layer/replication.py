"""What certification learns from other services' events: schools (and so their centres), their admins,
their pupils and the accounts linked to them, learners' profiles, verified email addresses."""

from __future__ import annotations

from typing import Any

from certification.domain.centers import SCO, Center
from certification.service_layer.unit_of_work import CertificationUnitOfWork
from msgkit import Envelope

MEMBERSHIP_REVOKED = "organizations.membership.revoked."


def on_organization_created(data: dict[str, Any], envelope: Envelope, uow: CertificationUnitOfWork) -> None:
    """A school with a UAI is a certification centre by itself (its id is the organization's)."""
    uow.replicas.save_organization(data["organization_id"], envelope.aggregate_version, name=data["name"],
                                   type=data["type"], external_id=data.get("external_id"), archived=False)
    uai = (data.get("external_id") or "").strip()
    if data["type"] == SCO and uai and uow.centers.get(data["organization_id"]) is None:
        uow.centers.add(Center.for_school(data["organization_id"], data["name"], uai, data["created_at"]))


def on_organization_archived(data: dict[str, Any], envelope: Envelope, uow: CertificationUnitOfWork) -> None:
    uow.replicas.archive_organization(data["organization_id"], envelope.aggregate_version)
    center = uow.centers.get(data["organization_id"])
    if center is not None and not center.archived:
        center.archived = True
        center.version += 1
        uow.centers.save(center)


def on_membership_changed(data: dict[str, Any], envelope: Envelope, uow: CertificationUnitOfWork) -> None:
    """Granted, role changed or revoked: the membership as of this organization version (a school's admins
    are its centre's)."""
    uow.replicas.save_membership(data["membership_id"], envelope.aggregate_version,
                                 organization_id=data["organization_id"], user_id=data["user_id"],
                                 role=data.get("role") or "MEMBER",  # a revoked event names no role
                                 active=not envelope.event_type.startswith(MEMBERSHIP_REVOKED))


def on_learners_imported(data: dict[str, Any], envelope: Envelope, uow: CertificationUnitOfWork) -> None:
    """Each learner of the batch as of its own version (the envelope's is the whole list's)."""
    for learner in data["learners"]:
        uow.replicas.save_learner(learner["learner_id"], learner["version"], organization_id=data["organization_id"],
                                  first_name=learner["first_name"], last_name=learner["last_name"],
                                  birthdate=learner["birthdate"], division=learner.get("division"),
                                  national_student_id=learner.get("national_student_id"),
                                  disabled=learner["disabled"])
        uow.replicas.save_learner_account(learner["learner_id"], learner["version"], learner.get("user_id"))


def on_learner_linked(data: dict[str, Any], envelope: Envelope, uow: CertificationUnitOfWork) -> None:
    uow.replicas.save_learner_account(data["learner_id"], envelope.aggregate_version, data["user_id"])


def on_learner_unlinked(data: dict[str, Any], envelope: Envelope, uow: CertificationUnitOfWork) -> None:
    uow.replicas.save_learner_account(data["learner_id"], envelope.aggregate_version, None)


def on_assessment_completed(data: dict[str, Any], envelope: Envelope, uow: CertificationUnitOfWork) -> None:
    """The learner's latest profile (every competence's level), for eligibility; an older one changes nothing."""
    if data.get("profile") is not None:
        uow.replicas.save_profile(data["user_id"], data["profile"], data["completed_at"])


def on_email_verified(data: dict[str, Any], envelope: Envelope, uow: CertificationUnitOfWork) -> None:
    uow.replicas.save_verified_email(data["user_id"], data["email"], data["verified_at"])
