"""assessment's tables. Repositories read and write them with SQLAlchemy Core: the hot path
(next question, answer) loads one assessment with a handful of queries and writes only
what the answer added."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    UniqueConstraint,
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

# Each release of the learning content, whole and immutable; the latest is the one in use.
content_releases = Table(
    "content_releases",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("checksum", String(64), nullable=False),  # not unique: going back to an older content is a new release
    Column("released_at", DateTime(timezone=True), nullable=False),
    Column("released_by", String(254), nullable=False),
    Column("skill_count", Integer, nullable=False),
    Column("challenge_count", Integer, nullable=False),
    Column("document", JSONB, nullable=False),
)

# Replica of campaigns' campaigns (from campaigns.campaign.* events): what each one tests.
campaign_targets = Table(
    "campaign_targets",
    metadata,
    Column("campaign_id", Uuid, primary_key=True),
    Column("organization_id", Uuid, nullable=False),
    Column("type", String(40), nullable=False),
    Column("target_skill_ids", JSONB, nullable=False),
    Column("archived", Boolean, nullable=False, default=False),
    Column("version", Integer, nullable=False),
)

assessments = Table(
    "assessments",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, nullable=False, index=True),
    Column("participation_id", Uuid, index=True),  # several when the learner improves before sharing
    Column("campaign_id", Uuid),
    Column("target_skill_ids", JSONB, nullable=False),
    Column("improving", Boolean, nullable=False),
    Column("state", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("completed_at", DateTime(timezone=True)),
    Column("current_challenge_id", String(60)),
    Column("current_served_at", DateTime(timezone=True)),
    Column("reset_all_not_validated", Boolean, nullable=False, server_default=text("false")),
    Column("participation_version", Integer, nullable=False, server_default=text("1")),
    Column("version", Integer, nullable=False),
    CheckConstraint("state IN ('STARTED', 'COMPLETED')", name="ck_assessments_state"),
)

answers = Table(
    "answers",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("assessment_id", Uuid, ForeignKey("assessments.id"), nullable=False),
    Column("index", Integer, nullable=False),
    Column("challenge_id", String(60), nullable=False),
    Column("skill_id", String(60), nullable=False),
    Column("value", JSONB),
    Column("result", String(20), nullable=False),
    Column("answered_at", DateTime(timezone=True), nullable=False),
    Column("elapsed_ms", Integer),
    UniqueConstraint("assessment_id", "index", name="uq_answers_assessment_index"),
    UniqueConstraint("assessment_id", "challenge_id", name="uq_answers_assessment_challenge"),
)

# Append-only: the latest element of a skill supersedes the older ones.
knowledge_elements = Table(
    "knowledge_elements",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, nullable=False),
    Column("assessment_id", Uuid, ForeignKey("assessments.id"), nullable=False),
    Column("skill_id", String(60), nullable=False),
    Column("competence_code", String(8), nullable=False),
    Column("status", String(20), nullable=False),
    Column("source", String(20), nullable=False),
    Column("earned_pix", Numeric(8, 4, asdecimal=False), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_knowledge_elements_user_created", "user_id", "created_at"),
)

# -- the certification test (issue 17) -------------------------------------------------------------

# A frozen item pool: a release's challenges as IRT items with their parameters, stored once and
# shared by every test created from the same release and parameters (its id is their digest).
certification_item_pools = Table(
    "certification_item_pools",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("content_version", Integer, nullable=False),
    Column("parameters", String(200), nullable=False),
    Column("items", JSONB, nullable=False),  # [[id, a, b, tube, competence, skill], ...]
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# One per certification course: the course id is the test's identity.
certification_tests = Table(
    "certification_tests",
    metadata,
    Column("course_id", Uuid, primary_key=True),
    Column("user_id", Uuid, nullable=False, index=True),
    Column("configuration_version", Integer, nullable=False),
    Column("extra_time_percentage", Integer, nullable=False),
    Column("pool_id", String(64), ForeignKey("certification_item_pools.id"), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("state", String(20), nullable=False),
    Column("end_reason", String(40)),
    Column("ended_at", DateTime(timezone=True)),
    Column("current_challenge_id", String(60)),
    Column("current_served_at", DateTime(timezone=True)),
    Column("version", Integer, nullable=False),
    CheckConstraint("state IN ('STARTED', 'ENDED')", name="ck_certification_tests_state"),
    CheckConstraint("extra_time_percentage BETWEEN 0 AND 100", name="ck_certification_tests_extra_time"),
)

certification_answers = Table(
    "certification_answers",
    metadata,
    Column("course_id", Uuid, ForeignKey("certification_tests.course_id"), primary_key=True),
    Column("index", Integer, primary_key=True, autoincrement=False),
    Column("challenge_id", String(60), nullable=False),
    Column("value", JSONB),
    Column("status", String(20), nullable=False),
    Column("answered_at", DateTime(timezone=True), nullable=False),
    Column("elapsed_ms", Integer),
    UniqueConstraint("course_id", "challenge_id", name="uq_certification_answers_course_challenge"),
    CheckConstraint("status IN ('ok', 'ko', 'skipped', 'timed_out')", name="ck_certification_answers_status"),
)

# An invigilator's end that arrived before the course's start (several relays, retries): applied,
# and deleted, when the start creates the test.
certification_pending_ends = Table(
    "certification_pending_ends",
    metadata,
    Column("course_id", Uuid, primary_key=True),
    Column("ended_at", DateTime(timezone=True), nullable=False),
)

# The problems candidates signalled on a question, and the invigilator's decision (certification's event).
# At most one ONGOING per test, which the partial unique index keeps whatever the code does.
certification_live_alerts = Table(
    "certification_live_alerts",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("course_id", Uuid, ForeignKey("certification_tests.course_id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("challenge_id", String(60), nullable=False),
    Column("question_number", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("raised_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
    Column("decided_by", Uuid),
    UniqueConstraint("course_id", "number", name="uq_certification_live_alerts_course_number"),
    CheckConstraint("status IN ('ONGOING', 'VALIDATED', 'DISMISSED')", name="ck_certification_live_alerts_status"),
    Index("uq_certification_live_alerts_one_ongoing", "course_id", unique=True,
          postgresql_where=text("status = 'ONGOING'")),
)
