"""Reads skip the domain: a query shaped for the screen."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Engine, select

from identity.adapters.orm import users


def current_user(engine: Engine, user_id: UUID) -> dict[str, Any] | None:
    with engine.connect() as connection:
        row = connection.execute(select(users).where(users.c.id == user_id)).first()
    if row is None:
        return None
    return {
        "id": row.id,
        "first_name": row.first_name,
        "last_name": row.last_name,
        "email": row.email,
        "locale": row.locale,
        "roles": list(row.roles),
        "orga_terms_accepted": row.orga_terms_accepted_at is not None,
        "orga_terms_accepted_at": row.orga_terms_accepted_at,
        "created_at": row.created_at,
    }
