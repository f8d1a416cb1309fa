from __future__ import annotations

from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from organizations.adapters.orm import known_users
from organizations.domain.model import KnownUser
from organizations.service_layer.ports import AbstractKnownUsers


class SqlAlchemyKnownUsers(AbstractKnownUsers):
    def __init__(self, session: Session) -> None:
        self.session = session

    def save(self, user: KnownUser) -> None:
        values = {"id": user.id, "email": user.email, "first_name": user.first_name, "last_name": user.last_name,
                  "registered_at": user.registered_at, "version": user.version}
        statement = insert(known_users).values(**values)
        self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[known_users.c.id],
                set_={**{k: statement.excluded[k] for k in values if k != "id"}, "updated_at": func.now()},
                where=known_users.c.version < statement.excluded.version,  # stale announcements change nothing
            )
        )

    def get(self, user_id: UUID) -> KnownUser | None:
        row = self.session.execute(select(known_users).where(known_users.c.id == user_id)).first()
        if row is None:
            return None
        return KnownUser(row.id, row.email, row.first_name, row.last_name, row.registered_at, row.version)
