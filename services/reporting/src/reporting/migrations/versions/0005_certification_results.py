"""certification results, as certification publishes them (one row per course)

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Empty at first: reporting journals no certification event before this revision. A rebuild
    # (``reporting projections rebuild certification``) fills it again from the journal.
    op.create_table('certification_results',
    sa.Column('course_id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Uuid(), nullable=False),
    sa.Column('session_id', sa.Uuid(), nullable=False),
    sa.Column('session_number', sa.Integer(), nullable=False),
    sa.Column('certification_date', sa.Date(), nullable=False),
    sa.Column('center_id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=True),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('organization_learner_id', sa.Uuid(), nullable=True),
    sa.Column('division', sa.String(length=255), nullable=True),
    sa.Column('first_name', sa.String(length=255), nullable=False),
    sa.Column('last_name', sa.String(length=255), nullable=False),
    sa.Column('birthdate', sa.Date(), nullable=False),
    sa.Column('verification_code', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=100), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('max_score', sa.Integer(), nullable=False),
    sa.Column('mesh_level', sa.Integer(), nullable=True),
    sa.Column('competence_levels', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sort_last_name', sa.String(length=255), sa.Computed('lower(last_name)', persisted=True), nullable=True),
    sa.Column('sort_first_name', sa.String(length=255), sa.Computed('lower(first_name)', persisted=True), nullable=True),
    sa.PrimaryKeyConstraint('course_id')
    )
    op.create_index('ix_certification_results_organization_names', 'certification_results',
                    ['organization_id', 'sort_last_name', 'sort_first_name', 'course_id'], unique=False,
                    postgresql_include=['division'])
    op.create_index('ix_certification_results_organization_learner', 'certification_results',
                    ['organization_id', 'organization_learner_id'], unique=False)
    op.create_index('ix_certification_results_organization_user', 'certification_results',
                    ['organization_id', 'user_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_certification_results_organization_user', table_name='certification_results')
    op.drop_index('ix_certification_results_organization_learner', table_name='certification_results')
    op.drop_index('ix_certification_results_organization_names', table_name='certification_results')
    op.drop_table('certification_results')
