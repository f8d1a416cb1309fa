"""What identity knows of organizations and memberships, from organizations' events.

Each row keeps the version of the event that last wrote it, and an older event changes
nothing: events of one organization may arrive out of order (several relays, retries).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from identity.adapters.orm import known_organizations, user_memberships
from identity.service_layer.ports import AbstractMembershipReplica


class SqlAlchemyMembershipReplica(AbstractMembershipReplica):
    def __init__(self, session: Session) -> None:
        self.session = session

    def save_organization(self, organization_id: UUID, version: int, **values: Any) -> None:
        row = {"id": organization_id, "version": version, **values}
        statement = insert(known_organizations).values(**row)
        self.session.execute(statement.on_conflict_do_update(
            index_elements=[known_organizations.c.id],
            set_={name: statement.excluded[name] for name in row if name != "id"},
            where=known_organizations.c.version < statement.excluded.version,
        ))

    def archive_organization(self, organization_id: UUID, version: int) -> None:
        self.session.execute(known_organizations.update()
                             .where(known_organizations.c.id == organization_id,
                                    known_organizations.c.version < version)
                             .values(archived=True, version=version))

    def save_membership(self, membership_id: UUID, version: int, **values: Any) -> None:
        row = {"membership_id": membership_id, "version": version, **values}
        statement = insert(user_memberships).values(**row)
        self.session.execute(statement.on_conflict_do_update(
            index_elements=[user_memberships.c.membership_id],
            set_={name: statement.excluded[name] for name in row if name != "membership_id"},
            where=user_memberships.c.version < statement.excluded.version,
        ))
