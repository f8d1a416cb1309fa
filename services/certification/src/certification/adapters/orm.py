"""certification's tables; repositories read and write them with SQLAlchemy Core."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    Sequence,
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

# Session numbers: what candidates and invigilators type, short and never reused.
session_numbers = Sequence("session_numbers", start=1001, metadata=metadata)

centers = Table(
    "centers",
    metadata,
    Column("id", Uuid, primary_key=True),  # a school's is its organization's id
    Column("type", String(3), nullable=False),
    Column("name", String(255), nullable=False),
    Column("external_id", String(255)),
    Column("organization_id", Uuid, unique=True),
    Column("school_kind", String(10)),
    Column("archived", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
    CheckConstraint("type IN ('SCO', 'PRO', 'SUP')", name="ck_centers_type"),
    CheckConstraint("school_kind IN ('COLLEGE', 'LYCEE')", name="ck_centers_school_kind"),
)

# The members of PRO and SUP centres (a school's are its organization's admins: the memberships replica).
center_members = Table(
    "center_members",
    metadata,
    Column("center_id", Uuid, ForeignKey("centers.id"), primary_key=True),
    Column("user_id", Uuid, primary_key=True),
    Column("role", String(10), nullable=False),
    Index("ix_center_members_user", "user_id"),
)

center_invitations = Table(
    "center_invitations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("center_id", Uuid, ForeignKey("centers.id"), nullable=False, index=True),
    Column("email", String(254), nullable=False),
    Column("role", String(10), nullable=False),
    Column("code", String(20), nullable=False),
    Column("locale", String(5), nullable=False),
    Column("status", String(10), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("accepted_by", Uuid),
)

windows = Table(
    "windows",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("school_kind", String(10), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("opened_by", Uuid, nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("ends_on >= starts_on", name="ck_windows_dates"),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("center_id", Uuid, ForeignKey("centers.id"), nullable=False),
    Column("number", BigInteger, nullable=False, unique=True),
    Column("address", String(255), nullable=False),
    Column("room", String(255), nullable=False),
    Column("date", Date, nullable=False),
    Column("time", String(5), nullable=False),
    Column("examiner", String(255), nullable=False),
    Column("description", Text),
    Column("access_code", String(6), nullable=False),
    Column("invigilator_password", String(6), nullable=False),
    Column("status", String(12), nullable=False),
    Column("created_by", Uuid, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("first_started_at", DateTime(timezone=True)),
    # finalization by the centre, review and publication by a platform admin (domain/sessions.py)
    Column("finalized_at", DateTime(timezone=True)),
    Column("finalized_by", Uuid),
    Column("global_comment", Text),
    Column("has_incident", Boolean),
    Column("has_joining_issue", Boolean),
    Column("assigned_to", Uuid),
    Column("jury_comment", Text),
    Column("published_at", DateTime(timezone=True)),
    Column("version", Integer, nullable=False),
    Index("ix_sessions_center_date", "center_id", "date"),
    Index("ix_sessions_status", "status", "finalized_at"),
    CheckConstraint("status IN ('CREATED', 'FINALIZED', 'IN_PROCESS', 'PUBLISHED')", name="ck_sessions_status"),
)

candidates = Table(
    "candidates",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("session_id", Uuid, ForeignKey("sessions.id"), nullable=False, index=True),
    Column("center_id", Uuid, nullable=False),
    Column("first_name", String(255), nullable=False),
    Column("last_name", String(255), nullable=False),
    Column("birthdate", Date, nullable=False),
    Column("sex", String(1)),
    Column("birthplace", String(255)),
    Column("result_email", String(254)),
    Column("external_id", String(255)),
    Column("extra_time_percentage", Integer, nullable=False),
    Column("organization_learner_id", Uuid),
    Column("user_id", Uuid),
    Column("reconciled_at", DateTime(timezone=True)),
    Column("authorized_until", DateTime(timezone=True)),
    Column("course_id", Uuid, unique=True),
    Column("verification_code", String(10)),
    Column("started_at", DateTime(timezone=True)),
    Column("ended_by_invigilator_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
    Index("uq_candidates_verification_code", "verification_code", unique=True),
    # One enrolment per pupil and per account in a session: two enrolments or joins at once make one.
    Index("uq_candidates_session_learner", "session_id", "organization_learner_id", unique=True,
          postgresql_where=text("organization_learner_id IS NOT NULL")),
    Index("uq_candidates_session_user", "session_id", "user_id", unique=True,
          postgresql_where=text("user_id IS NOT NULL")),
    CheckConstraint("extra_time_percentage BETWEEN 0 AND 100", name="ck_candidates_extra_time"),
)

# Each course's test as assessment reports it: progress (answers so far, for the invigilator) and, once it
# ended, its outcome (the completed event's payload: answers with their items, end reason, skips if abandoned).
course_tests = Table(
    "course_tests",
    metadata,
    Column("course_id", Uuid, primary_key=True),
    Column("user_id", Uuid, nullable=False),
    Column("answers_count", Integer, nullable=False),
    Column("questions_count", Integer, nullable=False),
    Column("answered_at", DateTime(timezone=True)),
    Column("end_reason", String(30)),
    Column("ended_at", DateTime(timezone=True)),
    Column("outcome", JSONB),
    Column("version", Integer, nullable=False),  # the test's aggregate version that last wrote the row
)

# What the centre reported of each candidate who started, at finalization (issue reports with their
# automatic or jury resolution, as JSON: they are read and written with their candidate only).
candidate_reports = Table(
    "candidate_reports",
    metadata,
    Column("candidate_id", Uuid, ForeignKey("candidates.id"), primary_key=True),
    Column("has_seen_end_screen", Boolean, nullable=False),
    Column("abort_reason", String(10)),
    Column("comment", Text),
    Column("issue_reports", JSONB, nullable=False),
    CheckConstraint("abort_reason IN ('candidate', 'technical')", name="ck_candidate_reports_abort_reason"),
)

# Each course's result: scored at finalization, again at each neutralization; published with its session.
course_results = Table(
    "course_results",
    metadata,
    Column("course_id", Uuid, primary_key=True),
    Column("candidate_id", Uuid, ForeignKey("candidates.id"), nullable=False, unique=True),
    Column("session_id", Uuid, ForeignKey("sessions.id"), nullable=False, index=True),
    Column("status", String(10), nullable=False),
    Column("reason", String(60), nullable=False),
    Column("scale_version", String(20), nullable=False),
    Column("score", Integer),
    Column("mesh_level", Integer),
    Column("competence_levels", JSONB, nullable=False),
    Column("capacity", Float(), nullable=True),
    Column("error", Float(), nullable=True),
    Column("answers", Integer, nullable=False),
    Column("counted", Integer, nullable=False),
    Column("simulated_skips", Integer, nullable=False),
    Column("neutralized", JSONB, nullable=False),  # challenge ids, by the automatic jury or an admin
    Column("scored_at", DateTime(timezone=True), nullable=False),
    Column("published_at", DateTime(timezone=True)),
    Column("version", Integer, nullable=False),
    CheckConstraint("status IN ('validated', 'rejected', 'cancelled')", name="ck_course_results_status"),
)

# The first download of each attestation by its school (the class's PDF): before a new year's import takes the
# pupils who left off the school's classes (and so off the class PDFs), the school is told whose it never saved.
attestation_downloads = Table(
    "attestation_downloads",
    metadata,
    Column("course_id", Uuid, ForeignKey("course_results.course_id"), primary_key=True),
    Column("center_id", Uuid, nullable=False, index=True),
    Column("downloaded_by", Uuid, nullable=False),
    Column("downloaded_at", DateTime(timezone=True), nullable=False),
)

# The problems candidates signalled on a question (assessment's events) and the invigilator's decision; one
# ONGOING per candidate at most (assessment allows one per test). The validated ones are on the course's record.
live_alerts = Table(
    "live_alerts",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("course_id", Uuid, nullable=False),
    Column("candidate_id", Uuid, ForeignKey("candidates.id"), nullable=False, index=True),
    Column("session_id", Uuid, ForeignKey("sessions.id"), nullable=False),
    Column("challenge_id", String(60), nullable=False),
    Column("question_number", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("raised_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
    Column("decided_by", Uuid),
    Column("version", Integer, nullable=False),
    CheckConstraint("status IN ('ONGOING', 'VALIDATED', 'DISMISSED')", name="ck_live_alerts_status"),
    Index("ix_live_alerts_session_ongoing", "session_id", postgresql_where=text("status = 'ONGOING'")),
)

# Who opened a session with its invigilator password (any account), and when.
invigilators = Table(
    "invigilators",
    metadata,
    Column("session_id", Uuid, ForeignKey("sessions.id"), primary_key=True),
    Column("user_id", Uuid, primary_key=True),
    Column("granted_at", DateTime(timezone=True), nullable=False),
)

# Failed joinings, starts and invigilations per account (domain/limits.py); older than the longest window,
# deleted when the account records a new one.
joining_failures = Table(
    "joining_failures",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("user_id", Uuid, nullable=False),
    Column("reason", String(40), nullable=False),
    Column("failed_at", DateTime(timezone=True), nullable=False),
    Index("ix_joining_failures_user", "user_id", "failed_at"),
)

# --- replicas, from other services' events (each row keeps the version that last wrote it) ---------

known_organizations = Table(
    "known_organizations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(255), nullable=False),
    Column("type", String(10), nullable=False),
    Column("external_id", String(255)),
    Column("archived", Boolean, nullable=False),
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

# A school's pupils (organizations.learners.imported), and apart, the account each is linked to
# (imported, linked, unlinked): a link may arrive before the list that names the pupil.
school_learners = Table(
    "school_learners",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Uuid, nullable=False),
    Column("first_name", String(255), nullable=False),
    Column("last_name", String(255), nullable=False),
    Column("birthdate", Date, nullable=False),
    Column("division", String(255)),
    Column("national_student_id", String(32)),  # the INE, for the school report (LSU/LSL)
    Column("disabled", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_school_learners_division", "organization_id", "division"),
)

learner_accounts = Table(
    "learner_accounts",
    metadata,
    Column("learner_id", Uuid, primary_key=True),
    Column("user_id", Uuid),
    Column("version", Integer, nullable=False),
)

learner_profiles = Table(
    "learner_profiles",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("profile", JSONB, nullable=False),
    Column("as_of", DateTime(timezone=True), nullable=False),
)

verified_emails = Table(
    "verified_emails",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("email", String(254), nullable=False),
    Column("verified_at", DateTime(timezone=True), nullable=False),
)
