"""reporting's tables: the journal of every event consumed, and the read models built from it.

Every read-model row keeps the ``aggregate_version`` of the last event that changed it, so a
stale or duplicated event changes nothing. Where two kinds of event touch different fields
of one row (a campaign's details and its archive state), each kind has its own version.
Facts that never change once known (a campaign's code, a participation's start) are kept
from whichever event brought them first.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Computed,
    Date,
    DateTime,
    Identity,
    Index,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from msgkit import inbox_table, outbox_table
from svckit.idempotency import idempotency_table

metadata = MetaData()

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
idempotency_keys = idempotency_table(metadata)

# The journal: every event reporting consumed, whole, in the order it arrived. Read models can be
# dropped and rebuilt from it (``reporting projections rebuild``), and a new one back-filled.
journal = Table(
    "journal", metadata,
    Column("seq", BigInteger, Identity(), primary_key=True),
    Column("message_id", Uuid, nullable=False, unique=True),
    Column("event_type", String(200), nullable=False),
    Column("aggregate_id", String(200), nullable=False),
    Column("aggregate_version", Integer, nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Column("envelope", JSONB, nullable=False),
    Index("ix_journal_event_type", "event_type"),
)

# --- who may read: organizations, memberships, Orga terms ---------------------------------

organizations = Table(
    "organizations", metadata,
    Column("id", Uuid, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("name", String(255), nullable=False),
    Column("type", String(10), nullable=False),
    Column("external_id", String(255)),
    Column("manages_students", Boolean, nullable=False),
    Column("archived", Boolean, nullable=False, server_default=text("false")),
)

memberships = Table(
    "memberships", metadata,
    Column("membership_id", Uuid, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("organization_id", Uuid, nullable=False),
    Column("user_id", Uuid, nullable=False),
    Column("role", String(10), nullable=False),
    Column("active", Boolean, nullable=False),
    Index("ix_memberships_organization_user", "organization_id", "user_id"),
)

orga_terms = Table(
    "orga_terms", metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("accepted_at", DateTime(timezone=True), nullable=False),
)

# --- who the participants are: accounts and the organizations' learners ---------------------

users = Table(
    "users", metadata,
    Column("id", Uuid, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("first_name", String(255), nullable=False),
    Column("last_name", String(255), nullable=False),
    # How the account signs in, as its registration says: whether it has an email address (not the address:
    # reporting mails no one) and its username (a pupil without an address; none otherwise).
    Column("has_email", Boolean, nullable=False, server_default=text("false")),
    Column("username", String(255)),
)

# Accounts that sign in through the GAR (identity.user.gar_linked.v1), apart from users: a link may arrive before
# the registration it follows, and the registration's upsert replaces the whole row.
gar_sign_ins = Table(
    "gar_sign_ins", metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("linked_at", DateTime(timezone=True), nullable=False),
)

learners = Table(
    "learners", metadata,
    Column("id", Uuid, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("organization_id", Uuid, nullable=False),
    Column("user_id", Uuid),
    Column("first_name", String(255)),
    Column("last_name", String(255)),
    Column("preferred_last_name", String(255)),
    Column("birthdate", Date),
    Column("student_number", String(255)),
    Column("division", String(255)),
    Column("group_name", String(255)),
    Column("disabled", Boolean, nullable=False, server_default=text("false")),
    Column("linked_at", DateTime(timezone=True)),  # since when user_id is linked (none: not known yet)
    Column("link_version", Integer, nullable=False, server_default=text("0")),
    Index("ix_learners_organization_names", "organization_id", text("lower(last_name)"), text("lower(first_name)"),
          "id"),
    Index("ix_learners_organization_user", "organization_id", "user_id"),
)

# --- the learning content's names (the latest release) --------------------------------------

content_release = Table(
    "content_release", metadata,
    Column("id", Integer, primary_key=True),  # one row: the version the tables below hold
    Column("version", Integer, nullable=False),
)

areas = Table(
    "areas", metadata,
    Column("code", String(10), primary_key=True),
    Column("name", JSONB, nullable=False),  # {"fr": ..., "en": ...}
)

competences = Table(
    "competences", metadata,
    Column("code", String(10), primary_key=True),
    Column("area_code", String(10), nullable=False),
    Column("name", JSONB, nullable=False),
)

skills = Table(
    "skills", metadata,
    Column("id", String(100), primary_key=True),
    Column("competence_code", String(10), nullable=False),
)

target_profiles = Table(
    "target_profiles", metadata,
    Column("id", String(100), primary_key=True),
    Column("name", JSONB, nullable=False),
)

# --- campaigns and participations -----------------------------------------------------------

campaigns = Table(
    "campaigns", metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Uuid, nullable=False),
    # created and updated change the details; created, archived and unarchived the archive state
    Column("details_version", Integer, nullable=False, server_default=text("0")),
    Column("archive_version", Integer, nullable=False, server_default=text("0")),
    Column("type", String(30)),  # null until campaign.created is known
    Column("code", String(20)),
    Column("name", String(255)),
    Column("title", String(255)),
    Column("target_profile_id", String(100)),
    Column("target_profile_name", JSONB),
    Column("target_skill_ids", ARRAY(String(100)), nullable=False, server_default=text("'{}'")),
    Column("owner_id", Uuid),
    Column("created_at", DateTime(timezone=True)),
    Column("external_id_label", String(255)),
    Column("multiple_sendings", Boolean, nullable=False, server_default=text("false")),
    Column("archived_at", DateTime(timezone=True)),
    Index("ix_campaigns_organization", "organization_id"),
)

LIVE = "deleted_at IS NULL AND NOT superseded AND started_at IS NOT NULL"

# Results once sent stay sent (a retry is a new participation); an improvement moves restarted_at on,
# so only a completion after it counts.
STATUS = """CASE WHEN shared_at IS NOT NULL THEN 'SHARED'
WHEN completed_at IS NOT NULL AND completed_at >= restarted_at THEN 'TO_SHARE' ELSE 'STARTED' END"""

participations = Table(
    "participations", metadata,
    Column("id", Uuid, primary_key=True),
    Column("version", Integer, nullable=False),  # of the participation's own events (campaigns)
    Column("campaign_id", Uuid, nullable=False),
    Column("organization_id", Uuid),  # null while only assessment's events are known
    Column("campaign_type", String(30)),
    Column("user_id", Uuid),  # erased when the participation is deleted
    Column("organization_learner_id", Uuid),
    Column("participant_external_id", String(255)),
    Column("is_improvement", Boolean, nullable=False, server_default=text("false")),
    Column("superseded", Boolean, nullable=False, server_default=text("false")),  # a later retry replaced it
    Column("started_at", DateTime(timezone=True)),  # the first start
    Column("restarted_at", DateTime(timezone=True)),  # the latest start or improvement
    # progress, from assessment's events (another aggregate: ordered by the moment of the answer)
    Column("progress_rate", Numeric(5, 4), nullable=False, server_default=text("0")),
    Column("progress_at", DateTime(timezone=True)),
    Column("completed_at", DateTime(timezone=True)),
    # the results, frozen when shared
    Column("shared_at", DateTime(timezone=True)),
    Column("mastery_rate", Numeric(5, 4)),
    Column("validated_skills_count", Integer),
    Column("target_skills_count", Integer),
    Column("total_pix", Integer),
    Column("certifiable", Boolean),
    Column("certifiable_competences_count", Integer),
    Column("results", JSONB),  # {"competences": [...], "profile": {...}} as shared
    Column("deleted_at", DateTime(timezone=True)),
    Column("status", String(10), Computed(STATUS, persisted=True)),
    # Who the participant is, derived from the learners and accounts above and kept up to date when any of
    # them changes (``read_models.refresh_participants``): a page of 20 participants in name order is then
    # an index range, whatever the campaign's size.
    Column("learner_id", Uuid),  # the matched learner, else the organization's learner linked to the account
    Column("first_name", String(255)),  # the learner's names, else the account's
    Column("last_name", String(255)),
    Column("division", String(255)),
    Column("group_name", String(255)),
    Column("student_number", String(255)),
    # Stored lower-cased, so that a page in name order, its count and its filters read the index alone.
    Column("sort_last_name", String(255), Computed("lower(last_name)", persisted=True)),
    Column("sort_first_name", String(255), Computed("lower(first_name)", persisted=True)),
    Index("ix_participations_campaign_names", "campaign_id", "sort_last_name", "sort_first_name", "id",
          postgresql_include=["status", "division", "group_name", "participant_external_id"],
          postgresql_where=text(LIVE)),
    Index("ix_participations_campaign_user", "campaign_id", "user_id"),
    Index("ix_participations_organization_user", "organization_id", "user_id"),
    Index("ix_participations_organization_learner", "organization_id", "learner_id"),
    Index("ix_participations_learner", "organization_learner_id"),
)

# Per campaign, the sums collective results divide (``domain/collective.py``), kept with ``shared_results``.
collective_totals = Table(
    "collective_totals", metadata,
    Column("campaign_id", Uuid, primary_key=True),
    Column("kind", String(12), primary_key=True),  # COMPETENCE, AREA or PROFILE
    Column("code", String(10), primary_key=True),  # the competence's or area's code; "" for PROFILE
    Column("participants", Integer, nullable=False),
    Column("sum_mastery", Numeric(18, 6), nullable=False),
    Column("sum_validated", BigInteger, nullable=False),
    Column("sum_tested", BigInteger, nullable=False),
    Column("sum_pix", BigInteger, nullable=False),
    Column("sum_level", BigInteger, nullable=False),
    Column("certifiable", Integer, nullable=False),
)

# Per campaign, what activity and statistics show, counted over the live participations: kept by a trigger on
# ``participations`` (migration 0006, ``participation_counts``) in the statement's own transaction, so the counts are
# moved by every write to a participation, whichever statement makes it (an event, a rebuild, a back-fill), and
# always equal a recount of the rows present. A transaction adds to one row per campaign, its ``slot`` (its
# transaction id modulo ``COUNT_SLOTS``): consumers committing at once mostly write different rows instead of
# waiting for each other on one. Readers add up a campaign's slots.
COUNT_SLOTS = 32

campaign_counts = Table(
    "campaign_counts", metadata,
    Column("campaign_id", Uuid, primary_key=True),
    Column("slot", SmallInteger, primary_key=True),
    Column("participations", Integer, nullable=False),
    Column("started", Integer, nullable=False),  # by status
    Column("to_share", Integer, nullable=False),
    Column("shared", Integer, nullable=False),
    Column("sum_progress_rate", Numeric(18, 4), nullable=False),  # over every live participation
    Column("rated", Integer, nullable=False),  # shared with a mastery rate
    Column("sum_mastery_rate", Numeric(18, 4), nullable=False),  # over those
)

# Per campaign and day (in Paris), how many live participations started and how many sent their results.
campaign_days = Table(
    "campaign_days", metadata,
    Column("campaign_id", Uuid, primary_key=True),
    Column("day", Date, primary_key=True),
    Column("slot", SmallInteger, primary_key=True),
    Column("started", Integer, nullable=False),
    Column("shared", Integer, nullable=False),
)

# The shared results, one row per competence, for the live participations only: what collective results
# average (an index range per campaign instead of unpacking every participation's JSON).
shared_results = Table(
    "shared_results", metadata,
    Column("participation_id", Uuid, primary_key=True),
    Column("competence_code", String(10), primary_key=True),
    Column("campaign_id", Uuid, nullable=False),
    Column("area_code", String(10), nullable=False),
    Column("target_skills_count", Integer),  # assessments
    Column("validated_skills_count", Integer),
    Column("tested_skills_count", Integer),
    Column("mastery_rate", Numeric(5, 4)),
    Column("pix", Integer),  # profiles collections
    Column("level", Integer),
    Index("ix_shared_results_campaign", "campaign_id", "competence_code",
          postgresql_include=["mastery_rate", "validated_skills_count", "tested_skills_count", "pix", "level"]),
)

# --- certification results (published by certification, one row per certificate) ---------------

# A course's result as last published: a rescoring or a later publication of the same course has a higher
# version and replaces it. The names, class and learner are as certification knew them at publication.
certification_results = Table(
    "certification_results", metadata,
    Column("course_id", Uuid, primary_key=True),  # the certificate
    Column("version", Integer, nullable=False),
    Column("candidate_id", Uuid, nullable=False),
    Column("session_id", Uuid, nullable=False),
    Column("session_number", Integer, nullable=False),
    Column("certification_date", Date, nullable=False),
    Column("center_id", Uuid, nullable=False),
    Column("organization_id", Uuid),  # a school's: the organization whose members read it
    Column("user_id", Uuid),
    Column("organization_learner_id", Uuid),
    Column("division", String(255)),
    Column("first_name", String(255), nullable=False),
    Column("last_name", String(255), nullable=False),
    Column("birthdate", Date, nullable=False),
    Column("verification_code", String(20), nullable=False),
    Column("status", String(20), nullable=False),  # validated, rejected, cancelled
    Column("reason", String(100), nullable=False),
    Column("score", Integer),
    Column("max_score", Integer, nullable=False),
    Column("mesh_level", Integer),
    Column("competence_levels", JSONB, nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
    Column("sort_last_name", String(255), Computed("lower(last_name)", persisted=True)),
    Column("sort_first_name", String(255), Computed("lower(first_name)", persisted=True)),
    Index("ix_certification_results_organization_names", "organization_id", "sort_last_name", "sort_first_name",
          "course_id", postgresql_include=["division"]),
    Index("ix_certification_results_organization_learner", "organization_id", "organization_learner_id"),
    Index("ix_certification_results_organization_user", "organization_id", "user_id"),
)
