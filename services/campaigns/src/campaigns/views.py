"""What members and learners read about campaigns: queries on the tables, no domain objects."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Engine, func, or_, select

from campaigns.adapters import orm
from campaigns.adapters.markdown import to_safe_html
from campaigns.domain import codes
from campaigns.domain.exceptions import CampaignNotFound, NotAMember, OrgaTermsNotAccepted, ParticipationNotFound
from campaigns.domain.model import ADMIN

campaigns, memberships = orm.campaigns, orm.memberships


def role_of(engine: Engine, organization_id: UUID, user_id: UUID) -> str:
    with engine.connect() as connection:
        role = connection.execute(select(memberships.c.role).where(
            memberships.c.organization_id == organization_id, memberships.c.user_id == user_id,
            memberships.c.active.is_(True))).scalar()
        accepted = connection.execute(select(orm.orga_terms.c.user_id).where(
            orm.orga_terms.c.user_id == user_id)).first() is not None
    if role is None:
        raise NotAMember("access is limited to the organization's members")
    if not accepted:
        raise OrgaTermsNotAccepted("accept the Orga terms of use first")
    return role


def _with_counts(*conditions: Any):
    """Campaigns with, per campaign, its live participations (one per learner; retries and deletions left
    out) and those sent: correlated counts that use the live-participation index, campaign by campaign."""
    table = orm.participations
    live = [table.c.campaign_id == campaigns.c.id, table.c.superseded_at.is_(None), table.c.deleted_at.is_(None)]
    participations_count = select(func.count()).where(*live).scalar_subquery()
    shared_count = select(func.count()).where(*live, table.c.status == "SHARED").scalar_subquery()
    return select(campaigns, participations_count.label("participations_count"),
                  shared_count.label("shared_participations_count")).where(*conditions)


def _campaign(row: Any, user_id: UUID, role: str) -> dict[str, Any]:
    return {
        "participations_count": row.participations_count,
        "shared_participations_count": row.shared_participations_count,
        "id": row.id, "organization_id": row.organization_id, "code": row.code, "type": row.type, "name": row.name,
        "title": row.title, "landing_text": row.landing_text, "external_id_label": row.external_id_label,
        "external_id_type": row.external_id_type, "multiple_sendings": row.multiple_sendings,
        "target_profile_id": row.target_profile_id, "target_skills_count": len(row.target_skill_ids),
        "owner_id": row.owner_id, "creator_id": row.creator_id, "created_at": row.created_at,
        "archived": row.archived_at is not None, "archived_at": row.archived_at,
        "direct_link": f"/campagnes/{row.code}",
        "can_manage": role == ADMIN or row.owner_id == user_id,
    }


def campaign(engine: Engine, campaign_id: UUID, user_id: UUID) -> dict[str, Any]:
    with engine.connect() as connection:
        row = connection.execute(_with_counts(campaigns.c.id == campaign_id)).first()
    if row is None:
        raise CampaignNotFound(f"no campaign {campaign_id}")
    return _campaign(row, user_id, role_of(engine, row.organization_id, user_id))


SORTS = {"name": func.lower(campaigns.c.name), "created_at": campaigns.c.created_at}


def campaigns_page(engine: Engine, organization_id: UUID, user_id: UUID,
                   args: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    role = role_of(engine, organization_id, user_id)
    conditions = [campaigns.c.organization_id == organization_id,
                  campaigns.c.archived_at.isnot(None) if args.get("archived") else campaigns.c.archived_at.is_(None)]
    if args.get("name"):
        conditions.append(or_(campaigns.c.name.ilike(f"%{args['name']}%"), campaigns.c.code == args["name"].upper()))
    if args.get("owner_id"):
        conditions.append(campaigns.c.owner_id == args["owner_id"])
    if args.get("mine"):
        conditions.append(campaigns.c.owner_id == user_id)
    order = SORTS[args.get("sort", "created_at")]
    order = order.desc() if args.get("sort", "created_at") == "created_at" else order
    with engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(campaigns).where(*conditions)).scalar_one()
        rows = connection.execute(_with_counts(*conditions).order_by(order, campaigns.c.id)
                                  .limit(args["page_size"]).offset((args["page"] - 1) * args["page_size"])).all()
    return [_campaign(row, user_id, role) for row in rows], total


def target_profiles(engine: Engine, organization_id: UUID, user_id: UUID, locale: str) -> list[dict[str, Any]]:
    """What a campaign of this organization may test: public profiles and those given to it."""
    role_of(engine, organization_id, user_id)
    table = orm.target_profiles
    with engine.connect() as connection:
        rows = connection.execute(select(table).order_by(table.c.id)).all()
    return [{"id": row.id, "name": row.name.get(locale) or row.name["fr"],
             "description": row.description.get(locale) or row.description["fr"],
             "skills_count": len(row.skill_ids), "tubes_count": len(row.tubes),
             "category": "COMPETENCE" if row.id.startswith("competence-") else "TARGET_PROFILE"}
            for row in rows if row.public or str(organization_id) in row.organization_ids]


def landing(engine: Engine, code: str) -> dict[str, Any]:
    """What anyone with the code sees before joining."""
    code = codes.normalize(code)
    organizations = orm.known_organizations
    with engine.connect() as connection:
        row = connection.execute(
            select(campaigns, organizations.c.name.label("organization_name"),
                   organizations.c.manages_students, organizations.c.type.label("organization_type"))
            .outerjoin(organizations, organizations.c.id == campaigns.c.organization_id)
            .where(campaigns.c.code == code)).first()
    if row is None:
        raise CampaignNotFound(f"no campaign with the code {code}")
    return {
        "code": row.code, "type": row.type, "title": row.title, "organization_id": row.organization_id,
        "organization_name": row.organization_name,
        "organization_type": row.organization_type, "landing_html": to_safe_html(row.landing_text),
        "external_id_label": row.external_id_label, "external_id_type": row.external_id_type,
        "matches_learners": bool(row.manages_students), "archived": row.archived_at is not None,
        "multiple_sendings": row.multiple_sendings,
    }


def participation(engine: Engine, participation_id: UUID, user_id: UUID) -> dict[str, Any]:
    rows = my_participations(engine, user_id, orm.participations.c.id == participation_id)
    if not rows:
        raise ParticipationNotFound(f"no participation {participation_id} of yours")
    return rows[0]


def my_participations(engine: Engine, user_id: UUID, *conditions: Any) -> list[dict[str, Any]]:
    """The learner's participations, newest first, with what they need to resume or send."""
    table, organizations = orm.participations, orm.known_organizations
    with engine.connect() as connection:
        rows = connection.execute(
            select(table, campaigns.c.code, campaigns.c.title, campaigns.c.archived_at,
                   organizations.c.name.label("organization_name"))
            .join(campaigns, campaigns.c.id == table.c.campaign_id)
            .outerjoin(organizations, organizations.c.id == table.c.organization_id)
            .where(table.c.user_id == user_id, table.c.superseded_at.is_(None), table.c.deleted_at.is_(None),
                   *conditions)
            .order_by(table.c.created_at.desc())).all()
    return [{"id": row.id, "campaign_id": row.campaign_id, "campaign_code": row.code, "campaign_title": row.title,
             "campaign_type": row.campaign_type, "campaign_archived": row.archived_at is not None,
             "organization_name": row.organization_name, "status": row.status,
             "participant_external_id": row.participant_external_id, "created_at": row.created_at,
             "shared_at": row.shared_at, "results": row.results} for row in rows]
