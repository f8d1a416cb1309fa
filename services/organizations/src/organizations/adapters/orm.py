"""organizations' tables and their mapping to the domain (the domain imports none of this)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
    event,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import registry, relationship

from msgkit import inbox_table, outbox_table
from organizations.domain.imports import LearnerImport
from organizations.domain.learners import AccountLink, OrganizationLearner
from organizations.domain.model import Invitation, Membership, Organization
from svckit.idempotency import idempotency_table

metadata = MetaData()
mapper_registry = registry(metadata=metadata)

# Replica of identity's accounts, fed by identity.user.* events; never written otherwise.
known_users = Table(
    "known_users",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("email", String(254), index=True),  # NULL: a pupil without an email address (issue 19)
    Column("username", String(100)),  # what such a pupil signs in with, if not through the GAR
    Column("first_name", String(255), nullable=False),
    Column("last_name", String(255), nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Kept apart from known_users: the acceptance may arrive before the registration.
orga_terms_acceptances = Table(
    "orga_terms_acceptances",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("accepted_at", DateTime(timezone=True), nullable=False),
)

# Addresses identity verified (identity.user.email_verified.v1): a membership needs one. Apart from
# known_users too, for the same reason.
email_verifications = Table(
    "email_verifications",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("email", String(254), nullable=False),
    Column("verified_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),  # the account's version that announced it
)

# Accounts that sign in through the GAR (identity.user.gar_linked.v1); apart from known_users, for the same reason.
gar_sign_ins = Table(
    "gar_sign_ins",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("uai", String(8), nullable=False),  # the school the pupil came from when the link was made
    Column("linked_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
)

organizations = Table(
    "organizations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(255), nullable=False),
    Column("type", String(3), nullable=False),
    Column("external_id", String(64)),
    Column("manages_students", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", Uuid),
    Column("archived_at", DateTime(timezone=True)),
    Column("multiple_sendings_for_assessments", Boolean, nullable=False, server_default=text("false")),
    Column("version", Integer, nullable=False),
    Column("learners_version", Integer, nullable=False, server_default="0"),
    Index("uq_organizations_type_external_id", "type", "external_id", unique=True,
          postgresql_where=text("external_id IS NOT NULL")),
    Index("ix_organizations_name", func.lower(text("name"))),
)

memberships = Table(
    "memberships",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Uuid, ForeignKey("organizations.id"), nullable=False),
    Column("user_id", Uuid, nullable=False, index=True),
    Column("role", String(10), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("disabled_at", DateTime(timezone=True)),
    Column("disabled_reason", String(10)),
    # One active membership per user and organization; removed ones stay as history.
    Index("uq_memberships_active", "organization_id", "user_id", unique=True,
          postgresql_where=text("disabled_at IS NULL")),
)

invitations = Table(
    "invitations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Uuid, ForeignKey("organizations.id"), nullable=False, index=True),
    Column("email", String(254), nullable=False),
    Column("role", String(10), nullable=False),
    Column("code", String(10), nullable=False),
    Column("status", String(10), nullable=False),
    Column("locale", String(5), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("last_sent_at", DateTime(timezone=True), nullable=False),
    Column("sent_count", Integer, nullable=False),
    Column("accepted_by", Uuid),
    Index("uq_invitations_pending_email", "organization_id", "email", unique=True,
          postgresql_where=text("status = 'pending'")),
)

learners = Table(
    "organization_learners",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Uuid, ForeignKey("organizations.id"), nullable=False),
    Column("national_student_id", String(32)),
    Column("first_name", String(255), nullable=False),
    Column("middle_name", String(255)),
    Column("third_name", String(255)),
    Column("last_name", String(255), nullable=False),
    Column("preferred_last_name", String(255)),
    Column("sex", String(1)),
    Column("birthdate", Date, nullable=False),
    Column("birth_country_code", String(10)),
    Column("birth_department_code", String(10)),
    Column("birth_city_code", String(10)),
    Column("birth_city", String(255)),
    Column("status", String(10)),
    Column("mef_code", String(32)),
    Column("division", String(255)),
    Column("student_number", String(64)),
    Column("email", String(254)),
    Column("department", String(255)),
    Column("educational_team", String(255)),
    Column("group", String(255)),
    Column("diploma", String(255)),
    Column("study_scheme", String(255)),
    Column("user_id", Uuid),
    Column("disabled_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
    Index("uq_learners_ine", "organization_id", "national_student_id", unique=True,
          postgresql_where=text("national_student_id IS NOT NULL")),
    Index("uq_learners_student_number", "organization_id", "student_number", unique=True,
          postgresql_where=text("student_number IS NOT NULL")),
    Index("ix_learners_birthdate", "organization_id", "birthdate"),
    Index("ix_learners_user", "organization_id", "user_id"),
    # An import looks up, across every organization, the INEs of its file that hold an account (changing school).
    Index("ix_learners_linked_ine", "national_student_id",
          postgresql_where=text("user_id IS NOT NULL AND national_student_id IS NOT NULL")),
)

# Every link of an account to a learner, kept when it goes (domain/learners.py: who held a pupil's place).
learner_account_links = Table(
    "learner_account_links",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Uuid, ForeignKey("organizations.id"), nullable=False),
    Column("learner_id", Uuid, ForeignKey("organization_learners.id"), nullable=False),
    Column("user_id", Uuid, nullable=False),
    Column("linked_at", DateTime(timezone=True)),  # none for links made before the history was kept
    Column("linked_by", Uuid),
    Column("link_method", String(20), nullable=False),
    Column("unlinked_at", DateTime(timezone=True)),
    Column("unlinked_by", Uuid),
    Column("unlink_method", String(20)),
    Column("import_id", Uuid),  # the import that carried the link over from another school (link_method IMPORT)
    Index("ix_learner_account_links_learner", "learner_id"),
    Index("ix_learner_account_links_user", "user_id"),
    # One current link per learner, as organization_learners.user_id says.
    Index("uq_learner_account_links_current", "learner_id", unique=True, postgresql_where=text("unlinked_at IS NULL")),
)

# Failed reconciliations, counted per account and per organization (domain/reconciliation_limits.py);
# each organization's rows older than the longest window are deleted when it records a new one.
reconciliation_failures = Table(
    "reconciliation_failures",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("organization_id", Uuid, nullable=False),
    Column("user_id", Uuid, nullable=False),
    Column("reason", String(50), nullable=False),
    Column("failed_at", DateTime(timezone=True), nullable=False),
    Index("ix_reconciliation_failures_user", "user_id", "failed_at"),
    Index("ix_reconciliation_failures_organization", "organization_id", "failed_at"),
)

learner_imports = Table(
    "learner_imports",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Uuid, ForeignKey("organizations.id"), nullable=False),
    Column("created_by", Uuid, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("filename", String(255), nullable=False),
    Column("mode", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("format", String(20)),
    Column("encoding", String(30)),
    Column("created_count", Integer, nullable=False),
    Column("updated_count", Integer, nullable=False),
    Column("disabled_count", Integer, nullable=False),
    Column("enabled_count", Integer, nullable=False),
    Column("unchanged_count", Integer, nullable=False),
    Column("skipped_count", Integer, nullable=False, server_default="0"),
    Column("unregistered_count", Integer, nullable=False, server_default="0"),
    Column("carried_over_count", Integer, nullable=False, server_default="0"),
    Column("error_count", Integer, nullable=False, server_default="0"),
    Column("error_code", String(50)),
    Column("errors", JSONB, nullable=False),
    Column("not_carried_over", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Index("ix_learner_imports_organization", "organization_id", "created_at"),
)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
idempotency_keys = idempotency_table(metadata)

_started = False


def start_mappers() -> None:
    """Map the domain classes once per process (called by the composition root, not at import)."""
    global _started
    if _started:
        return
    _started = True
    mapper_registry.map_imperatively(Membership, memberships)
    mapper_registry.map_imperatively(Invitation, invitations)
    mapper_registry.map_imperatively(
        Organization, organizations,
        properties={
            "memberships": relationship(Membership, lazy="selectin", order_by=memberships.c.created_at),
            "invitations": relationship(Invitation, lazy="selectin", order_by=invitations.c.created_at),
        },
        version_id_col=organizations.c.version, version_id_generator=False,
    )
    mapper_registry.map_imperatively(AccountLink, learner_account_links)
    mapper_registry.map_imperatively(
        OrganizationLearner, learners,
        properties={"links": relationship(AccountLink, lazy="selectin",
                                          order_by=learner_account_links.c.linked_at.asc().nulls_first())},
        version_id_col=learners.c.version, version_id_generator=False)
    mapper_registry.map_imperatively(LearnerImport, learner_imports)


@event.listens_for(Organization, "load")
@event.listens_for(OrganizationLearner, "load")
def _on_load(aggregate: object, _context: object) -> None:
    aggregate.events = []  # the ORM does not call __init__
