"""finalization, the tests' progress and outcomes, results and their publication

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for column in (sa.Column('finalized_at', sa.DateTime(timezone=True), nullable=True),
                   sa.Column('finalized_by', sa.Uuid(), nullable=True),
                   sa.Column('global_comment', sa.Text(), nullable=True),
                   sa.Column('has_incident', sa.Boolean(), nullable=True),
                   sa.Column('has_joining_issue', sa.Boolean(), nullable=True),
                   sa.Column('assigned_to', sa.Uuid(), nullable=True),
                   sa.Column('jury_comment', sa.Text(), nullable=True),
                   sa.Column('published_at', sa.DateTime(timezone=True), nullable=True)):
        op.add_column('sessions', column)
    op.create_index('ix_sessions_status', 'sessions', ['status', 'finalized_at'], unique=False)
    op.create_table('course_tests',
    sa.Column('course_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('answers_count', sa.Integer(), nullable=False),
    sa.Column('questions_count', sa.Integer(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.String(length=30), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('course_id')
    )
    op.create_table('candidate_reports',
    sa.Column('candidate_id', sa.Uuid(), nullable=False),
    sa.Column('has_seen_end_screen', sa.Boolean(), nullable=False),
    sa.Column('abort_reason', sa.String(length=10), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('issue_reports', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.CheckConstraint("abort_reason IN ('candidate', 'technical')", name='ck_candidate_reports_abort_reason'),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], ),
    sa.PrimaryKeyConstraint('candidate_id')
    )
    op.create_table('course_results',
    sa.Column('course_id', sa.Uuid(), nullable=False),
    sa.Column('candidate_id', sa.Uuid(), nullable=False),
    sa.Column('session_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=60), nullable=False),
    sa.Column('scale_version', sa.String(length=20), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('mesh_level', sa.Integer(), nullable=True),
    sa.Column('competence_levels', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('capacity', sa.Float(), nullable=True),
    sa.Column('error', sa.Float(), nullable=True),
    sa.Column('answers', sa.Integer(), nullable=False),
    sa.Column('counted', sa.Integer(), nullable=False),
    sa.Column('simulated_skips', sa.Integer(), nullable=False),
    sa.Column('neutralized', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('scored_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('validated', 'rejected', 'cancelled')", name='ck_course_results_status'),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], ),
    sa.PrimaryKeyConstraint('course_id'),
    sa.UniqueConstraint('candidate_id')
    )
    op.create_index(op.f('ix_course_results_session_id'), 'course_results', ['session_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_course_results_session_id'), table_name='course_results')
    op.drop_table('course_results')
    op.drop_table('candidate_reports')
    op.drop_table('course_tests')
    op.drop_index('ix_sessions_status', table_name='sessions')
    for name in ('published_at', 'jury_comment', 'assigned_to', 'has_joining_issue', 'has_incident',
                 'global_comment', 'finalized_by', 'finalized_at'):
        op.drop_column('sessions', name)
