from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import bindparam, delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from organizations.adapters.orm import (
    email_verifications,
    gar_sign_ins,
    invitations,
    known_users,
    learner_account_links,
    learners,
    orga_terms_acceptances,
    organizations,
    reconciliation_failures,
)
from organizations.domain.events import LearnerLinked
from organizations.domain.imports import LearnerImport
from organizations.domain.learners import (
    ADMIN_UNLINK,
    IMPORTED_FIELDS,
    AccountLink,
    LearnerSnapshot,
    LearnerUpdate,
    NewLearner,
    OrganizationLearner,
)
from organizations.domain.model import KnownUser, Organization
from organizations.domain.school_changes import Arrival, LinkElsewhere
from organizations.service_layer.ports import (
    AbstractImports,
    AbstractKnownUsers,
    AbstractLearners,
    AbstractOrganizations,
    AbstractReconciliationFailures,
)

Track = Callable[[object], object]
INSERT_CHUNK = 1000


class SqlAlchemyKnownUsers(AbstractKnownUsers):
    def __init__(self, session: Session) -> None:
        self.session = session

    def save(self, user: KnownUser) -> None:
        values = {"id": user.id, "email": user.email, "username": user.username, "first_name": user.first_name,
                  "last_name": user.last_name, "registered_at": user.registered_at, "version": user.version}
        statement = insert(known_users).values(**values)
        self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[known_users.c.id],
                set_={**{k: statement.excluded[k] for k in values if k != "id"}, "updated_at": func.now()},
                where=known_users.c.version < statement.excluded.version,  # stale announcements change nothing
            )
        )

    def get(self, user_id: UUID) -> KnownUser | None:
        row = self.session.execute(
            select(known_users, orga_terms_acceptances.c.accepted_at,
                   email_verifications.c.email.label("verified_email"), gar_sign_ins.c.linked_at.label("gar_linked_at"))
            .outerjoin(orga_terms_acceptances, orga_terms_acceptances.c.user_id == known_users.c.id)
            .outerjoin(email_verifications, email_verifications.c.user_id == known_users.c.id)
            .outerjoin(gar_sign_ins, gar_sign_ins.c.user_id == known_users.c.id)
            .where(known_users.c.id == user_id)
        ).first()
        if row is None:
            return None
        return KnownUser(row.id, row.email, row.first_name, row.last_name, row.registered_at, row.version,
                         row.accepted_at, row.verified_email, row.username, row.gar_linked_at)

    def record_gar_link(self, user_id: UUID, uai: str, linked_at: datetime, version: int) -> None:
        statement = insert(gar_sign_ins).values(user_id=user_id, uai=uai, linked_at=linked_at, version=version)
        self.session.execute(statement.on_conflict_do_update(
            index_elements=[gar_sign_ins.c.user_id],
            set_={name: statement.excluded[name] for name in ("uai", "linked_at", "version")},
            where=gar_sign_ins.c.version < statement.excluded.version,
        ))

    def record_orga_terms(self, user_id: UUID, accepted_at: datetime, version: int) -> None:
        self.session.execute(insert(orga_terms_acceptances).values(user_id=user_id, accepted_at=accepted_at)
                             .on_conflict_do_nothing(index_elements=["user_id"]))

    def record_email_verified(self, user_id: UUID, email: str, verified_at: datetime, version: int) -> None:
        statement = insert(email_verifications).values(user_id=user_id, email=email, verified_at=verified_at,
                                                       version=version)
        self.session.execute(statement.on_conflict_do_update(
            index_elements=[email_verifications.c.user_id],
            set_={name: statement.excluded[name] for name in ("email", "verified_at", "version")},
            where=email_verifications.c.version < statement.excluded.version,
        ))

    def by_email(self, email: str) -> KnownUser | None:
        user_id = self.session.scalar(select(known_users.c.id).where(known_users.c.email == email.strip().lower()))
        return self.get(user_id) if user_id is not None else None

    def emails_of(self, user_ids: Iterable[UUID]) -> dict[UUID, str]:
        ids = list(user_ids)
        if not ids:
            return {}
        rows = self.session.execute(select(known_users.c.id, known_users.c.email)
                                    .where(known_users.c.id.in_(ids), known_users.c.email.is_not(None)))
        return {row.id: row.email for row in rows}


class SqlAlchemyOrganizations(AbstractOrganizations):
    def __init__(self, session: Session, track: Track) -> None:
        self.session, self.track = session, track

    def add(self, organization: Organization) -> None:
        self.session.add(organization)
        self.track(organization)

    def get(self, organization_id: UUID, *, lock: bool = False) -> Organization | None:
        query = select(Organization).where(Organization.id == organization_id)
        if lock:
            query = query.with_for_update(of=Organization)
        organization = self.session.scalars(query).one_or_none()
        return self.track(organization) if organization is not None else None

    def get_by_invitation(self, invitation_id: UUID) -> Organization | None:
        organization_id = self.session.scalar(select(invitations.c.organization_id).where(invitations.c.id == invitation_id))
        return self.get(organization_id) if organization_id is not None else None

    def external_id_taken(self, type: str, external_id: str) -> bool:
        return self.by_external_id(type, external_id) is not None

    def by_external_id(self, type: str, external_id: str) -> Organization | None:
        organization = self.session.scalars(select(Organization).where(
            Organization.type == type, Organization.external_id == external_id)).one_or_none()
        return self.track(organization) if organization is not None else None

    def managing_students(self) -> list[UUID]:
        return list(self.session.scalars(select(organizations.c.id).where(organizations.c.manages_students)
                                         .order_by(organizations.c.id)))


class SqlAlchemyLearners(AbstractLearners):
    def __init__(self, session: Session, track: Track) -> None:
        self.session, self.track = session, track

    def snapshots(self, organization_id: UUID) -> list[LearnerSnapshot]:
        columns = [learners.c[name] for name in IMPORTED_FIELDS]
        rows = self.session.execute(select(learners.c.id, learners.c.version, learners.c.disabled_at,
                                           learners.c.user_id, *columns)
                                    .where(learners.c.organization_id == organization_id))
        return [LearnerSnapshot(row[0], row[1], row[2] is not None, row[3], tuple(row[4:])) for row in rows]

    def apply(self, updates: list[LearnerUpdate]) -> None:
        # One executemany per set of changed columns. No version check in the WHERE: every
        # write to an organization's learners holds the organization's row lock.
        groups: dict[tuple[str, ...], list[LearnerUpdate]] = defaultdict(list)
        for update_ in updates:
            groups[tuple(sorted(update_.columns))].append(update_)
        for names, group in groups.items():
            statement = (update(learners).where(learners.c.id == bindparam("learner_id"))
                         .values({name: bindparam(f"new_{name}") for name in names}))
            for start in range(0, len(group), INSERT_CHUNK):
                self.session.execute(statement, [
                    {"learner_id": item.id, **{f"new_{name}": item.columns[name] for name in names}}
                    for item in group[start:start + INSERT_CHUNK]])

    def add_new(self, organization_id: UUID, new: list[NewLearner], now: datetime) -> None:
        # Core inserts in chunks: a university's 50,000 students without 50,000 ORM objects.
        for start in range(0, len(new), INSERT_CHUNK):
            self.session.execute(insert(learners), [
                {**learner.values(), "id": learner.id, "organization_id": organization_id, "created_at": now,
                 "updated_at": now, "version": 1}
                for learner in new[start:start + INSERT_CHUNK]
            ])

    def born_on(self, organization_id: UUID, birthdate: date) -> list[OrganizationLearner]:
        found = self.session.scalars(select(OrganizationLearner).where(
            OrganizationLearner.organization_id == organization_id, OrganizationLearner.birthdate == birthdate))
        return [self.track(learner) for learner in found]

    def linked_to(self, organization_id: UUID, user_id: UUID) -> OrganizationLearner | None:
        learner = self.session.scalars(select(OrganizationLearner).where(
            OrganizationLearner.organization_id == organization_id, OrganizationLearner.user_id == user_id,
            OrganizationLearner.disabled_at.is_(None))).first()
        return self.track(learner) if learner is not None else None

    def get(self, organization_id: UUID, learner_id: UUID) -> OrganizationLearner | None:
        learner = self.session.scalars(select(OrganizationLearner).where(
            OrganizationLearner.organization_id == organization_id, OrganizationLearner.id == learner_id)).one_or_none()
        return self.track(learner) if learner is not None else None

    def linked_elsewhere(self, organization_id: UUID, national_student_ids: Iterable[str]) -> list[LinkElsewhere]:
        ines = list(national_student_ids)
        if not ines:
            return []
        # ix_learners_linked_ine: the file's INEs, looked up among the linked learners of every organization.
        rows = self.session.execute(select(learners.c.national_student_id, learners.c.user_id).distinct().where(
            learners.c.national_student_id.in_(ines), learners.c.user_id.is_not(None),
            learners.c.national_student_id.is_not(None), learners.c.organization_id != organization_id))
        return [LinkElsewhere(row.national_student_id, row.user_id) for row in rows]

    def arrivals(self, organization_id: UUID, national_student_ids: Iterable[str]) -> list[Arrival]:
        ines = list(national_student_ids)
        if not ines:
            return []
        links = learner_account_links
        unlinked = func.array_agg(links.c.user_id).filter(links.c.unlink_method == ADMIN_UNLINK)
        rows = self.session.execute(
            select(learners.c.id, learners.c.national_student_id, learners.c.version, unlinked.label("unlinked"))
            .select_from(learners.outerjoin(links, links.c.learner_id == learners.c.id))
            .where(learners.c.organization_id == organization_id, learners.c.national_student_id.in_(ines),
                   learners.c.user_id.is_(None), learners.c.disabled_at.is_(None))
            .group_by(learners.c.id))
        return [Arrival(row.id, row.national_student_id, row.version, frozenset(row.unlinked or ())) for row in rows]

    def add_links(self, links: list[AccountLink], versions: dict[UUID, int], now: datetime) -> None:
        # Two executemany statements per thousand pupils: a lycée's first import of the year carries over hundreds
        # of links. No version check in the WHERE (see apply); a learner linked meanwhile cannot be (the lock), and
        # would make a second current link, which uq_learner_account_links_current refuses.
        for start in range(0, len(links), INSERT_CHUNK):
            chunk = links[start:start + INSERT_CHUNK]
            self.session.execute(
                update(learners).where(learners.c.id == bindparam("learner_id"))
                .values(user_id=bindparam("new_user_id"), version=bindparam("new_version"), updated_at=now),
                [{"learner_id": link.learner_id, "new_user_id": link.user_id, "new_version": versions[link.learner_id]}
                 for link in chunk])
            self.session.execute(insert(learner_account_links), [
                {name: getattr(link, name) for name in ("id", "organization_id", "learner_id", "user_id", "linked_at",
                                                         "linked_by", "link_method", "import_id")}
                for link in chunk])

    def current_links(self, organization_id: UUID) -> list[LearnerLinked]:
        links = learner_account_links
        rows = self.session.execute(
            select(learners.c.id, learners.c.user_id, learners.c.version,
                   func.coalesce(links.c.linked_at, learners.c.updated_at).label("linked_at"))
            .select_from(learners.outerjoin(links, (links.c.learner_id == learners.c.id)
                                            & links.c.unlinked_at.is_(None)))
            .where(learners.c.organization_id == organization_id, learners.c.user_id.is_not(None))
            .order_by(learners.c.id))
        return [LearnerLinked(row.id, organization_id, row.user_id, row.linked_at, row.version) for row in rows]

    def learners_of_accounts(self, organization_id: UUID, user_ids: Iterable[UUID]) -> dict[UUID, UUID]:
        ids = list(user_ids)
        if not ids:
            return {}
        rows = self.session.execute(select(learners.c.user_id, learners.c.id).where(
            learners.c.organization_id == organization_id, learners.c.user_id.in_(ids),
            learners.c.disabled_at.is_(None)))
        return {row.user_id: row.id for row in rows}


# The advisory-lock namespace of an account's reconciliations (any constant unique within this database).
_RECONCILING_ACCOUNT = 16_001


class SqlAlchemyReconciliationFailures(AbstractReconciliationFailures):
    def __init__(self, session: Session) -> None:
        self.session = session

    def serialize_account(self, user_id: UUID) -> None:
        # Until the transaction ends. Two accounts may share a hash: they then wait for each other, no more.
        self.session.execute(text("SELECT pg_advisory_xact_lock(:namespace, hashtext(:user_id))"),
                             {"namespace": _RECONCILING_ACCOUNT, "user_id": str(user_id)})

    def nth_latest(self, n: int, since: datetime, *, user_id: UUID | None = None,
                   organization_id: UUID | None = None) -> datetime | None:
        table = reconciliation_failures
        scope = table.c.user_id == user_id if user_id is not None else table.c.organization_id == organization_id
        return self.session.scalar(select(table.c.failed_at).where(scope, table.c.failed_at > since)
                                   .order_by(table.c.failed_at.desc()).offset(n - 1).limit(1))

    def record(self, organization_id: UUID, user_id: UUID, reason: str, at: datetime, forget_before: datetime) -> None:
        table = reconciliation_failures
        self.session.execute(table.insert().values(organization_id=organization_id, user_id=user_id, reason=reason,
                                                   failed_at=at))
        self.session.execute(delete(table).where(table.c.organization_id == organization_id,
                                                 table.c.failed_at < forget_before))


class SqlAlchemyImports(AbstractImports):
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, learner_import: LearnerImport) -> None:
        self.session.add(learner_import)
