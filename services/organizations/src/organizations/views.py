"""Reads skip the domain: queries shaped for the screens, with the access rules checked in SQL."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine, and_, func, select
from sqlalchemy.orm import aliased

from organizations.adapters.orm import (
    gar_sign_ins,
    invitations,
    known_users,
    learner_account_links,
    learner_imports,
    learners,
    memberships,
    orga_terms_acceptances,
    organizations,
)
from organizations.domain import exceptions as e
from organizations.domain.commands import Actor
from organizations.domain.model import ADMIN, PENDING
from organizations.domain.sign_in_methods import SignInMethods
from svckit.pagination import offset


def check_orga_access(engine: Engine, organization_id: UUID, actor: Actor, *, admin: bool = False) -> str:
    """The actor's role in the organization, or the error that says why not (same rules as the domain)."""
    with engine.connect() as connection:
        row = connection.execute(
            select(organizations.c.id, memberships.c.role, orga_terms_acceptances.c.accepted_at)
            .select_from(organizations)
            .outerjoin(memberships, and_(memberships.c.organization_id == organizations.c.id,
                                         memberships.c.user_id == actor.user_id, memberships.c.disabled_at.is_(None)))
            .outerjoin(orga_terms_acceptances, orga_terms_acceptances.c.user_id == actor.user_id)
            .where(organizations.c.id == organization_id)
        ).first()
    if row is None:
        raise e.OrganizationNotFound("This organization does not exist.")
    if row.role is None:
        raise e.NotAMember("Access to this organization is limited to its invited members.")
    if row.accepted_at is None:
        raise e.OrgaTermsNotAccepted("Accept the terms of use of the Orga dashboard first.")
    if admin and row.role != ADMIN:
        raise e.AdminRoleRequired("Only an administrator of the organization can do this.")
    return row.role


def _organization(row: Any) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "type": row.type, "external_id": row.external_id,
            "manages_students": row.manages_students, "created_at": row.created_at, "archived_at": row.archived_at,
            "archived": row.archived_at is not None,
            "multiple_sendings_for_assessments": row.multiple_sendings_for_assessments}


def organization(engine: Engine, organization_id: UUID, role: str | None = None) -> dict[str, Any]:
    with engine.connect() as connection:
        row = connection.execute(select(organizations).where(organizations.c.id == organization_id)).first()
        members = connection.execute(select(func.count()).where(memberships.c.organization_id == organization_id,
                                                                memberships.c.disabled_at.is_(None))).scalar_one()
    if row is None:
        raise e.OrganizationNotFound("This organization does not exist.")
    return {**_organization(row), "members_count": members, "my_role": role}


def organizations_page(engine: Engine, args: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    conditions = []
    if args.get("name"):
        conditions.append(organizations.c.name.ilike(f"%{args['name']}%"))
    if args.get("type"):
        conditions.append(organizations.c.type == args["type"])
    if args.get("external_id"):
        conditions.append(organizations.c.external_id == args["external_id"].strip().upper())
    with engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(organizations).where(*conditions)).scalar_one()
        rows = connection.execute(select(organizations).where(*conditions)
                                  .order_by(func.lower(organizations.c.name), organizations.c.id)
                                  .limit(args["page_size"]).offset(offset(args))).all()
    return [_organization(row) for row in rows], total


def _members(*conditions: Any):
    return (select(memberships.c.user_id, memberships.c.role, memberships.c.created_at, known_users.c.first_name,
                   known_users.c.last_name, known_users.c.email)
            .select_from(memberships).outerjoin(known_users, known_users.c.id == memberships.c.user_id)
            .where(memberships.c.disabled_at.is_(None), *conditions))


def _member(row: Any) -> dict[str, Any]:
    return {"user_id": row.user_id, "role": row.role, "joined_at": row.created_at, "first_name": row.first_name,
            "last_name": row.last_name, "email": row.email}


def members_page(engine: Engine, organization_id: UUID, args: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    with engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(memberships).where(
            memberships.c.organization_id == organization_id, memberships.c.disabled_at.is_(None))).scalar_one()
        rows = connection.execute(
            _members(memberships.c.organization_id == organization_id)
            .order_by(func.lower(known_users.c.last_name), func.lower(known_users.c.first_name), memberships.c.user_id)
            .limit(args["page_size"]).offset(offset(args))
        ).all()
    return [_member(row) for row in rows], total


def member(engine: Engine, organization_id: UUID, user_id: UUID) -> dict[str, Any]:
    with engine.connect() as connection:
        row = connection.execute(_members(memberships.c.organization_id == organization_id,
                                          memberships.c.user_id == user_id)).first()
    if row is None:
        raise e.MembershipNotFound("This user is not a member of the organization.")
    return _member(row)


def _invitation(row: Any) -> dict[str, Any]:
    return {"id": row.id, "email": row.email, "role": row.role, "status": row.status, "created_at": row.created_at,
            "last_sent_at": row.last_sent_at, "sent_count": row.sent_count}


def pending_invitations(engine: Engine, organization_id: UUID) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        rows = connection.execute(select(invitations).where(invitations.c.organization_id == organization_id,
                                                            invitations.c.status == PENDING)
                                  .order_by(invitations.c.created_at.desc())).all()
    return [_invitation(row) for row in rows]


def invitation(engine: Engine, organization_id: UUID, invitation_id: UUID) -> dict[str, Any]:
    with engine.connect() as connection:
        row = connection.execute(select(invitations).where(invitations.c.id == invitation_id,
                                                           invitations.c.organization_id == organization_id)).first()
    if row is None:
        raise e.InvitationNotFound("This invitation does not exist.")
    return _invitation(row)


def invitation_summary(engine: Engine, invitation_id: UUID, code: str) -> dict[str, Any]:
    """What the accept page shows before login; only for whoever holds the code."""
    with engine.connect() as connection:
        row = connection.execute(
            select(invitations.c.id, invitations.c.code, invitations.c.status, invitations.c.role,
                   invitations.c.email, organizations.c.name, organizations.c.id.label("organization_id"))
            .join(organizations, organizations.c.id == invitations.c.organization_id)
            .where(invitations.c.id == invitation_id)
        ).first()
    if row is None or row.code != code.strip().upper():
        raise e.InvitationNotFound("This invitation does not exist.")
    return {"id": row.id, "organization_id": row.organization_id, "organization_name": row.name,
            "email": row.email, "role": row.role, "status": row.status}


def _import(row: Any) -> dict[str, Any]:
    return {name: getattr(row, name) for name in (
        "id", "created_at", "created_by", "filename", "mode", "status", "format", "encoding", "created_count",
        "updated_count", "disabled_count", "enabled_count", "unchanged_count", "skipped_count", "unregistered_count",
        "carried_over_count", "not_carried_over", "error_count", "error_code", "errors")}


def imports_page(engine: Engine, organization_id: UUID, args: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    where = learner_imports.c.organization_id == organization_id
    with engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(learner_imports).where(where)).scalar_one()
        rows = connection.execute(select(learner_imports).where(where).order_by(learner_imports.c.created_at.desc())
                                  .limit(args["page_size"]).offset(offset(args))).all()
    return [_import(row) for row in rows], total


def learner_import(engine: Engine, organization_id: UUID, import_id: UUID) -> dict[str, Any] | None:
    with engine.connect() as connection:
        row = connection.execute(select(learner_imports).where(learner_imports.c.id == import_id,
                                                               learner_imports.c.organization_id == organization_id)).first()
    return _import(row) if row is not None else None


def organization_type(engine: Engine, organization_id: UUID) -> str:
    with engine.connect() as connection:
        value = connection.execute(select(organizations.c.type).where(organizations.c.id == organization_id)).scalar()
    if value is None:
        raise e.OrganizationNotFound("This organization does not exist.")
    return value


def _account(row: Any, prefix: str) -> dict[str, Any] | None:
    user_id = getattr(row, f"{prefix}_id")
    if user_id is None:
        return None
    return {"id": user_id, **{name: getattr(row, f"{prefix}_{name}") for name in ("first_name", "last_name", "email")}}


def learner_account_link(engine: Engine, organization_id: UUID, learner_id: UUID) -> dict[str, Any]:
    """The account linked to a learner now, and every link it had, newest first (for the organization's admins)."""
    links, account, by, linker = learner_account_links, aliased(known_users), aliased(known_users), aliased(known_users)
    with engine.connect() as connection:
        learner = connection.execute(select(learners.c.id, learners.c.first_name, learners.c.last_name,
                                            learners.c.user_id).where(learners.c.id == learner_id,
                                                                      learners.c.organization_id == organization_id)
                                     ).first()
        if learner is None:
            raise e.LearnerNotFound("This learner is not in the organization's list.")
        rows = connection.execute(
            select(links, links.c.user_id.label("account_id"), account.c.first_name.label("account_first_name"),
                   account.c.last_name.label("account_last_name"), account.c.email.label("account_email"),
                   links.c.unlinked_by.label("by_id"), by.c.first_name.label("by_first_name"),
                   by.c.last_name.label("by_last_name"), by.c.email.label("by_email"),
                   links.c.linked_by.label("linker_id"), linker.c.first_name.label("linker_first_name"),
                   linker.c.last_name.label("linker_last_name"), linker.c.email.label("linker_email"))
            .select_from(links.outerjoin(account, account.c.id == links.c.user_id)
                         .outerjoin(by, by.c.id == links.c.unlinked_by)
                         .outerjoin(linker, linker.c.id == links.c.linked_by))
            .where(links.c.learner_id == learner_id)
            .order_by(links.c.unlinked_at.desc().nulls_first(), links.c.linked_at.desc().nulls_last())
        ).all()
        methods = _sign_in_methods(connection, learner.user_id) if learner.user_id is not None else None
    history = [{"account": _account(row, "account"), "linked_at": row.linked_at, "link_method": row.link_method,
                "linked_by": _account(row, "linker"), "import_id": row.import_id, "unlinked_at": row.unlinked_at, "unlinked_by": _account(row, "by"), "unlink_method": row.unlink_method}
               for row in rows]
    # The current link is the period still open (one at most, and the learner's user_id is its account).
    current = next((period for period in history if period["unlinked_at"] is None), None)
    return {"learner_id": learner.id, "first_name": learner.first_name, "last_name": learner.last_name,
            "linked": learner.user_id is not None, "account": current["account"] if current else None,
            "linked_at": current["linked_at"] if current else None, "history": history,
            "sign_in_methods": methods.names if methods else [],
            "username": methods.username if methods else None}


def _sign_in_methods(connection: Connection, user_id: UUID) -> SignInMethods | None:
    """How the account signs in, as identity announced it (None: not announced yet)."""
    row = connection.execute(select(known_users.c.email, known_users.c.username, gar_sign_ins.c.user_id.label("gar"))
                             .select_from(known_users.outerjoin(gar_sign_ins, gar_sign_ins.c.user_id == known_users.c.id))
                             .where(known_users.c.id == user_id)).first()
    return SignInMethods(row.email, row.username, row.gar is not None) if row is not None else None

