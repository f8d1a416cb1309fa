"""Reads skip the domain: a query shaped for the screen."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Engine, select

from identity.adapters.orm import gar_links, known_organizations, user_memberships, users
from identity.domain.model import EMAIL, GAR, USERNAME


def current_user(engine: Engine, user_id: UUID) -> dict[str, Any] | None:
    with engine.connect() as connection:
        row = connection.execute(select(users, gar_links.c.ido.is_not(None).label("gar"))
                                 .outerjoin(gar_links, gar_links.c.user_id == users.c.id)
                                 .where(users.c.id == user_id)).first()
        memberships = connection.execute(
            select(user_memberships.c.organization_id, user_memberships.c.role, known_organizations.c.name,
                   known_organizations.c.type, known_organizations.c.archived)
            .join(known_organizations, known_organizations.c.id == user_memberships.c.organization_id)
            .where(user_memberships.c.user_id == user_id, user_memberships.c.active)
            .order_by(known_organizations.c.name)
        ).all()
    if row is None:
        return None
    return {
        "id": row.id,
        "first_name": row.first_name,
        "last_name": row.last_name,
        "email": row.email,
        "username": row.username,
        "sign_in_methods": [method for method, used in ((EMAIL, row.email is not None),
                                                        (USERNAME, row.username is not None), (GAR, row.gar)) if used],
        "locale": row.locale,
        "roles": list(row.roles),
        "email_verified": row.email_verified_at is not None,
        "orga_terms_accepted": row.orga_terms_accepted_at is not None,
        "orga_terms_accepted_at": row.orga_terms_accepted_at,
        "created_at": row.created_at,
        # From organizations' events: a membership granted a moment ago may take a second to show.
        "memberships": [{"organization_id": m.organization_id, "organization_name": m.name,
                         "organization_type": m.type, "organization_archived": m.archived, "role": m.role}
                        for m in memberships],
    }
