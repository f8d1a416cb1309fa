"""campaigns' tables; repositories read and write them with SQLAlchemy Core."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from msgkit import inbox_table, outbox_table
from svckit.idempotency import idempotency_table

metadata = MetaData()

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
idempotency_keys = idempotency_table(metadata)

# Replicas of organizations' organizations and memberships (organizations.* events), for authorization.
known_organizations = Table(
    "known_organizations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(255), nullable=False),
    Column("type", String(10), nullable=False),
    Column("manages_students", Boolean, nullable=False),
    Column("archived", Boolean, nullable=False),
    Column("multiple_sendings_for_assessments", Boolean, nullable=False, server_default=text("false")),
    Column("version", Integer, nullable=False),
)

memberships = Table(
    "memberships",
    metadata,
    Column("membership_id", Uuid, primary_key=True),
    Column("organization_id", Uuid, nullable=False),
    Column("user_id", Uuid, nullable=False),
    Column("role", String(10), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_memberships_organization_user", "organization_id", "user_id"),
)

# Who accepted the Orga terms of use (identity.user.orga_terms_accepted): the Orga face needs it.
orga_terms = Table(
    "orga_terms",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("accepted_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
)

# The ready target profiles of the latest content release (assessment.content.released), and later
# those a platform admin makes; skill ids are resolved when the profile is stored.
target_profiles = Table(
    "target_profiles",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("name", JSONB, nullable=False),
    Column("description", JSONB, nullable=False),
    Column("tubes", JSONB, nullable=False),
    Column("skill_ids", JSONB, nullable=False),
    Column("public", Boolean, nullable=False),
    Column("organization_ids", JSONB, nullable=False),
    Column("source", String(20), nullable=False),  # CONTENT (from a release) or ADMIN
    Column("content_version", Integer, nullable=False),
)

# The skills of the latest release, to resolve the tubes of the profiles a platform admin defines.
content_skills = Table(
    "content_skills",
    metadata,
    Column("id", String(60), primary_key=True),
    Column("tube_id", String(60), nullable=False, index=True),
    Column("level", Integer, nullable=False),
    Column("content_version", Integer, nullable=False),
)

campaigns = Table(
    "campaigns",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Uuid, nullable=False, index=True),
    Column("code", String(9), nullable=False),
    Column("type", String(30), nullable=False),
    Column("name", String(255), nullable=False),
    Column("title", String(50)),
    Column("landing_text", Text),
    Column("external_id_label", String(255)),
    Column("external_id_type", String(10)),
    Column("multiple_sendings", Boolean, nullable=False),
    Column("target_profile_id", String(100)),
    Column("target_skill_ids", JSONB, nullable=False),
    Column("owner_id", Uuid, nullable=False),
    Column("creator_id", Uuid, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("archived_at", DateTime(timezone=True)),
    Column("archived_by", Uuid),
    Column("version", Integer, nullable=False),
    Index("uq_campaigns_code", "code", unique=True),
    CheckConstraint("type IN ('ASSESSMENT', 'PROFILES_COLLECTION')", name="ck_campaigns_type"),
)

participations = Table(
    "participations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("campaign_id", Uuid, nullable=False),
    Column("organization_id", Uuid, nullable=False),
    Column("user_id", Uuid, index=True),  # erased when the participation is deleted
    Column("campaign_type", String(30), nullable=False),
    Column("status", String(20), nullable=False),
    Column("participant_external_id", String(255)),
    Column("organization_learner_id", Uuid),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("results", JSONB),
    Column("shared_at", DateTime(timezone=True)),
    Column("is_improvement", Boolean, nullable=False),
    Column("superseded_at", DateTime(timezone=True)),  # a retry replaced it (kept for history)
    Column("deleted_at", DateTime(timezone=True)),
    Column("deleted_by", Uuid),
    Column("version", Integer, nullable=False),
    # One live participation per learner and campaign: two joins at once make one.
    Index("uq_participations_live", "campaign_id", "user_id", unique=True,
          postgresql_where=text("superseded_at IS NULL AND deleted_at IS NULL")),
    CheckConstraint("status IN ('STARTED', 'TO_SHARE', 'SHARED')", name="ck_participations_status"),
)

# Replicas: the learners of organizations' lists, whether they are still in it, and which account
# each is (organizations.learners.imported, organizations.learner.linked and .unlinked, versioned per learner);
# and each learner's latest profile (assessment.assessment.completed) for profiles collections.
learner_links = Table(
    "learner_links",
    metadata,
    Column("learner_id", Uuid, primary_key=True),
    Column("organization_id", Uuid, nullable=False),
    Column("user_id", Uuid),  # none until the learner matches an account
    Column("disabled", Boolean, nullable=False, server_default=text("false")),
    Column("version", Integer, nullable=False),
    Index("ix_learner_links_organization_user", "organization_id", "user_id"),
)

learner_profiles = Table(
    "learner_profiles",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("profile", JSONB, nullable=False),
    Column("as_of", DateTime(timezone=True), nullable=False),
)

