"""live alerts (issue 17): a candidate signals a problem with a question, the invigilator decides

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certification_live_alerts",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("course_id", sa.Uuid, sa.ForeignKey("certification_tests.course_id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("challenge_id", sa.String(60), nullable=False),
        sa.Column("question_number", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("decided_by", sa.Uuid),
        sa.UniqueConstraint("course_id", "number", name="uq_certification_live_alerts_course_number"),
        sa.CheckConstraint("status IN ('ONGOING', 'VALIDATED', 'DISMISSED')",
                           name="ck_certification_live_alerts_status"),
    )
    op.create_index("uq_certification_live_alerts_one_ongoing", "certification_live_alerts", ["course_id"],
                    unique=True, postgresql_where=sa.text("status = 'ONGOING'"))


def downgrade() -> None:
    op.drop_index("uq_certification_live_alerts_one_ongoing", "certification_live_alerts")
    op.drop_table("certification_live_alerts")
