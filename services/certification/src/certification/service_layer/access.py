"""Who may act on a centre and its sessions: the checks every use case (and every read) makes first."""

from __future__ import annotations

from uuid import UUID

from certification.domain import commands as c
from certification.domain import exceptions as e
from certification.domain.centers import Center
from certification.domain.sessions import Session
from certification.service_layer.unit_of_work import CertificationUnitOfWork


def require_platform_admin(actor: c.Actor) -> None:
    if not actor.platform_admin:
        raise e.Forbidden("PLATFORM_ADMIN_REQUIRED", "Only a platform admin may do this.")


def get_center(uow: CertificationUnitOfWork, center_id: UUID) -> Center:
    center = uow.centers.get(center_id)
    if center is None:
        raise e.NotFound("CENTER_NOT_FOUND", "This certification centre does not exist.")
    return center


def is_member(uow: CertificationUnitOfWork, center: Center, user_id: UUID) -> bool:
    """A school's members are its organization's active admins; other centres keep their own."""
    if center.is_school:
        return center.organization_id is not None and uow.replicas.is_organization_admin(center.organization_id,
                                                                                         user_id)
    return user_id in center.members


def require_member(uow: CertificationUnitOfWork, center: Center, actor: c.Actor) -> None:
    if not is_member(uow, center, actor.user_id):
        raise e.Forbidden("NOT_A_CENTER_MEMBER", "Only the centre's members may do this.")


def get_session(uow: CertificationUnitOfWork, session_id: UUID) -> Session:
    session = uow.sessions.get(session_id)
    if session is None:
        raise e.NotFound("SESSION_NOT_FOUND", "This session does not exist.")
    return session


def managed_session(uow: CertificationUnitOfWork, session_id: UUID, actor: c.Actor) -> tuple[Session, Center]:
    session = get_session(uow, session_id)
    center = get_center(uow, session.center_id)
    require_member(uow, center, actor)
    return session, center
