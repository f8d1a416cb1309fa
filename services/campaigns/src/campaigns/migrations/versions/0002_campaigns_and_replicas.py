"""campaigns, target profiles, organization and membership replicas

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
    op.create_table('campaigns',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=9), nullable=False),
    sa.Column('type', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('title', sa.String(length=50), nullable=True),
    sa.Column('landing_text', sa.Text(), nullable=True),
    sa.Column('external_id_label', sa.String(length=255), nullable=True),
    sa.Column('external_id_type', sa.String(length=10), nullable=True),
    sa.Column('multiple_sendings', sa.Boolean(), nullable=False),
    sa.Column('target_profile_id', sa.String(length=100), nullable=True),
    sa.Column('target_skill_ids', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('owner_id', sa.Uuid(), nullable=False),
    sa.Column('creator_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('archived_by', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("type IN ('ASSESSMENT', 'PROFILES_COLLECTION')", name='ck_campaigns_type'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_campaigns_organization_id'), 'campaigns', ['organization_id'], unique=False)
    op.create_index('uq_campaigns_code', 'campaigns', ['code'], unique=True)
    op.create_table('known_organizations',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('type', sa.String(length=10), nullable=False),
    sa.Column('manages_students', sa.Boolean(), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('memberships',
    sa.Column('membership_id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('membership_id')
    )
    op.create_index('ix_memberships_organization_user', 'memberships', ['organization_id', 'user_id'], unique=False)
    op.create_table('target_profiles',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('name', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('description', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('tubes', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('skill_ids', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('organization_ids', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('content_version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('target_profiles')
    op.drop_index('ix_memberships_organization_user', table_name='memberships')
    op.drop_table('memberships')
    op.drop_table('known_organizations')
    op.drop_index('uq_campaigns_code', table_name='campaigns')
    op.drop_index(op.f('ix_campaigns_organization_id'), table_name='campaigns')
    op.drop_table('campaigns')
