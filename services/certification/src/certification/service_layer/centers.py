"""Use cases of centres and national windows."""

from __future__ import annotations

from uuid import UUID

from certification.domain import commands as c
from certification.domain import exceptions as e
from certification.domain.centers import Center, Window
from certification.service_layer.access import get_center, require_platform_admin
from certification.service_layer.dependencies import Dependencies


def create_center(cmd: c.CreateCenter, d: Dependencies) -> UUID:
    require_platform_admin(cmd.actor)
    with d.uow() as uow:
        center = Center.create(d.new_id(), d.new_id(), type=cmd.type, name=cmd.name, external_id=cmd.external_id,
                               admin_email=cmd.admin_email, locale=cmd.locale, now=d.now())
        uow.centers.add(center)
        uow.commit()
        return center.id


def set_school_kind(cmd: c.SetSchoolKind, d: Dependencies) -> None:
    require_platform_admin(cmd.actor)
    with d.uow() as uow:
        center = get_center(uow, cmd.center_id)
        center.set_school_kind(cmd.school_kind)
        uow.centers.save(center)
        uow.commit()


def accept_invitation(cmd: c.AcceptInvitation, d: Dependencies) -> UUID:
    with d.uow() as uow:
        center = uow.centers.by_invitation(cmd.invitation_id)
        if center is None:
            raise e.NotFound("INVITATION_NOT_FOUND", "This invitation does not exist.")
        center.accept_invitation(cmd.invitation_id, cmd.code, user_id=cmd.actor.user_id,
                                 user_email=cmd.actor.email or "",
                                 verified_email=uow.replicas.verified_email(cmd.actor.user_id), now=d.now())
        uow.centers.save(center)
        uow.commit()
        return center.id


def open_window(cmd: c.OpenWindow, d: Dependencies) -> UUID:
    require_platform_admin(cmd.actor)
    with d.uow() as uow:
        # Locked: two admins opening overlapping windows at once would both pass the check.
        window = Window.open(d.new_id(), cmd.school_kind, cmd.starts_on, cmd.ends_on, by=cmd.actor.user_id,
                             now=d.now(), others=uow.windows.all(lock=True))
        uow.windows.add(window)
        uow.commit()
        return window.id
