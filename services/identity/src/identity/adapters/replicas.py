"""What identity knows of organizations, memberships and learners' accounts, from organizations' events.

Each row keeps the version of the event that last wrote it, and an older event changes
nothing: events of one organization may arrive out of order (several relays, retries).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from identity.adapters.orm import known_organizations, learner_accounts, user_memberships
from identity.domain.temporary_passwords import GivingContext
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

    def save_learner_account(self, learner_id: UUID, version: int, organization_id: UUID,
                             user_id: UUID | None) -> None:
        row = {"learner_id": learner_id, "version": version, "organization_id": organization_id, "user_id": user_id}
        statement = insert(learner_accounts).values(**row)
        self.session.execute(statement.on_conflict_do_update(
            index_elements=[learner_accounts.c.learner_id],
            set_={name: statement.excluded[name] for name in row if name != "learner_id"},
            where=learner_accounts.c.version < statement.excluded.version,
        ))

    def giving_context(self, organization_id: UUID, learner_id: UUID, admin_id: UUID) -> GivingContext:
        organization = self.session.execute(select(known_organizations.c.type, known_organizations.c.archived)
                                            .where(known_organizations.c.id == organization_id)).first()
        role = self.session.scalar(select(user_memberships.c.role).where(
            user_memberships.c.organization_id == organization_id, user_memberships.c.user_id == admin_id,
            user_memberships.c.active).limit(1))
        linked = self.session.scalar(select(learner_accounts.c.user_id).where(
            learner_accounts.c.learner_id == learner_id, learner_accounts.c.organization_id == organization_id))
        return GivingContext(organization_type=organization.type if organization else None,
                             organization_archived=bool(organization and organization.archived),
                             admin_role=role, linked_user_id=linked)
