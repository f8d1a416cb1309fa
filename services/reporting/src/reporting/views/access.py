"""Who may read what: the organization's active members who accepted the Orga terms."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Connection, select

from reporting.adapters import orm
from reporting.domain.exceptions import CampaignNotFound, NotAMember, OrganizationNotFound, OrgaTermsNotAccepted


def check_member(connection: Connection, organization_id: UUID, user_id: UUID) -> str:
    """The member's role, or a refusal: not a member (403), or Orga terms not accepted (403)."""
    memberships = orm.memberships
    role = connection.execute(select(memberships.c.role).where(
        memberships.c.organization_id == organization_id, memberships.c.user_id == user_id,
        memberships.c.active.is_(True))).scalar()
    if role is None:
        raise NotAMember("access is limited to the organization's members")
    if connection.execute(select(orm.orga_terms.c.user_id).where(orm.orga_terms.c.user_id == user_id)).first() is None:
        raise OrgaTermsNotAccepted("accept the Orga terms of use first")
    return role


def check_organization_member(connection: Connection, organization_id: UUID, user_id: UUID) -> str:
    """As ``check_member``, for an organization reporting has heard of (else not found, 404)."""
    known = connection.execute(select(orm.organizations.c.id).where(
        orm.organizations.c.id == organization_id)).first()
    if known is None:
        raise OrganizationNotFound(f"no organization {organization_id}")
    return check_member(connection, organization_id, user_id)


def readable_campaign(connection: Connection, campaign_id: UUID, user_id: UUID) -> Any:
    """The campaign's row (with its organization's name, type and whether it manages students), for a member
    of its organization. A campaign reporting has not heard of yet is not found."""
    campaigns, organizations = orm.campaigns, orm.organizations
    row = connection.execute(
        select(campaigns, organizations.c.name.label("organization_name"),
               organizations.c.type.label("organization_type"), organizations.c.manages_students)
        .select_from(campaigns.outerjoin(organizations, organizations.c.id == campaigns.c.organization_id))
        .where(campaigns.c.id == campaign_id, campaigns.c.type.is_not(None))).first()
    if row is None:
        raise CampaignNotFound(f"no campaign {campaign_id}")
    check_member(connection, row.organization_id, user_id)
    return row
