"""live alerts (issue 17): the problems candidates signalled, and the invigilators' decisions

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('live_alerts',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('course_id', sa.Uuid(), nullable=False),
    sa.Column('candidate_id', sa.Uuid(), nullable=False),
    sa.Column('session_id', sa.Uuid(), nullable=False),
    sa.Column('challenge_id', sa.String(length=60), nullable=False),
    sa.Column('question_number', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('ONGOING', 'VALIDATED', 'DISMISSED')", name='ck_live_alerts_status'),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_live_alerts_candidate_id', 'live_alerts', ['candidate_id'], unique=False)
    op.create_index('ix_live_alerts_session_ongoing', 'live_alerts', ['session_id'], unique=False,
                    postgresql_where=sa.text("status = 'ONGOING'"))


def downgrade() -> None:
    op.drop_index('ix_live_alerts_session_ongoing', table_name='live_alerts')
    op.drop_index('ix_live_alerts_candidate_id', table_name='live_alerts')
    op.drop_table('live_alerts')
