"""the certification test (issue 17): frozen item pools, one test per course, its answers, early ends

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certification_item_pools",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("content_version", sa.Integer, nullable=False),
        sa.Column("parameters", sa.String(200), nullable=False),
        sa.Column("items", JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "certification_tests",
        sa.Column("course_id", sa.Uuid, primary_key=True),
        sa.Column("user_id", sa.Uuid, nullable=False),
        sa.Column("configuration_version", sa.Integer, nullable=False),
        sa.Column("extra_time_percentage", sa.Integer, nullable=False),
        sa.Column("pool_id", sa.String(64), sa.ForeignKey("certification_item_pools.id"), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("end_reason", sa.String(40)),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
        sa.Column("current_challenge_id", sa.String(60)),
        sa.Column("current_served_at", sa.DateTime(timezone=True)),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint("state IN ('STARTED', 'ENDED')", name="ck_certification_tests_state"),
        sa.CheckConstraint("extra_time_percentage BETWEEN 0 AND 100", name="ck_certification_tests_extra_time"),
    )
    op.create_index("ix_certification_tests_user_id", "certification_tests", ["user_id"])
    op.create_table(
        "certification_answers",
        sa.Column("course_id", sa.Uuid, sa.ForeignKey("certification_tests.course_id"), primary_key=True),
        sa.Column("index", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("challenge_id", sa.String(60), nullable=False),
        sa.Column("value", JSONB),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("elapsed_ms", sa.Integer),
        sa.UniqueConstraint("course_id", "challenge_id", name="uq_certification_answers_course_challenge"),
        sa.CheckConstraint("status IN ('ok', 'ko', 'skipped', 'timed_out')", name="ck_certification_answers_status"),
    )
    op.create_table(
        "certification_pending_ends",
        sa.Column("course_id", sa.Uuid, primary_key=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("certification_pending_ends")
    op.drop_table("certification_answers")
    op.drop_index("ix_certification_tests_user_id", "certification_tests")
    op.drop_table("certification_tests")
    op.drop_table("certification_item_pools")
