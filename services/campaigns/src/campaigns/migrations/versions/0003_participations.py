"""participations, learner links, profiles, Orga terms, content skills

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('content_skills',
    sa.Column('id', sa.String(length=60), nullable=False),
    sa.Column('tube_id', sa.String(length=60), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('content_version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_content_skills_tube_id'), 'content_skills', ['tube_id'], unique=False)
    op.create_table('learner_links',
    sa.Column('learner_id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('learner_id')
    )
    op.create_index('ix_learner_links_organization_user', 'learner_links', ['organization_id', 'user_id'], unique=False)
    op.create_table('learner_profiles',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('profile', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('as_of', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('user_id')
    )
    op.create_table('orga_terms',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('user_id')
    )
    op.create_table('participations',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('campaign_id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('campaign_type', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('participant_external_id', sa.String(length=255), nullable=True),
    sa.Column('organization_learner_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('results', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('shared_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('is_improvement', sa.Boolean(), nullable=False),
    sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_by', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('STARTED', 'TO_SHARE', 'SHARED')", name='ck_participations_status'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_participations_user_id'), 'participations', ['user_id'], unique=False)
    op.create_index('uq_participations_live', 'participations', ['campaign_id', 'user_id'], unique=True, postgresql_where=sa.text('superseded_at IS NULL AND deleted_at IS NULL'))


def downgrade() -> None:
    op.drop_index('uq_participations_live', table_name='participations', postgresql_where=sa.text('superseded_at IS NULL AND deleted_at IS NULL'))
    op.drop_index(op.f('ix_participations_user_id'), table_name='participations')
    op.drop_table('participations')
    op.drop_table('orga_terms')
    op.drop_table('learner_profiles')
    op.drop_index('ix_learner_links_organization_user', table_name='learner_links')
    op.drop_table('learner_links')
    op.drop_index(op.f('ix_content_skills_tube_id'), table_name='content_skills')
    op.drop_table('content_skills')
