"""journal and read models

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
    op.create_table('areas',
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('name', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('campaigns',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('details_version', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('archive_version', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('type', sa.String(length=30), nullable=True),
    sa.Column('code', sa.String(length=20), nullable=True),
    sa.Column('name', sa.String(length=255), nullable=True),
    sa.Column('title', sa.String(length=255), nullable=True),
    sa.Column('target_profile_id', sa.String(length=100), nullable=True),
    sa.Column('target_profile_name', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('target_skill_ids', postgresql.ARRAY(sa.String(length=100)), server_default=sa.text("'{}'"), nullable=False),
    sa.Column('owner_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('external_id_label', sa.String(length=255), nullable=True),
    sa.Column('multiple_sendings', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_campaigns_organization', 'campaigns', ['organization_id'], unique=False)
    op.create_table('collective_totals',
    sa.Column('campaign_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=False),
    sa.Column('sum_mastery', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.Column('sum_validated', sa.BigInteger(), nullable=False),
    sa.Column('sum_tested', sa.BigInteger(), nullable=False),
    sa.Column('sum_pix', sa.BigInteger(), nullable=False),
    sa.Column('sum_level', sa.BigInteger(), nullable=False),
    sa.Column('certifiable', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('campaign_id', 'kind', 'code')
    )
    op.create_table('competences',
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('area_code', sa.String(length=10), nullable=False),
    sa.Column('name', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('content_release',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('journal',
    sa.Column('seq', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('message_id', sa.Uuid(), nullable=False),
    sa.Column('event_type', sa.String(length=200), nullable=False),
    sa.Column('aggregate_id', sa.String(length=200), nullable=False),
    sa.Column('aggregate_version', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('envelope', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.PrimaryKeyConstraint('seq'),
    sa.UniqueConstraint('message_id')
    )
    op.create_index('ix_journal_event_type', 'journal', ['event_type'], unique=False)
    op.create_table('learners',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('first_name', sa.String(length=255), nullable=True),
    sa.Column('last_name', sa.String(length=255), nullable=True),
    sa.Column('preferred_last_name', sa.String(length=255), nullable=True),
    sa.Column('birthdate', sa.Date(), nullable=True),
    sa.Column('student_number', sa.String(length=255), nullable=True),
    sa.Column('division', sa.String(length=255), nullable=True),
    sa.Column('group_name', sa.String(length=255), nullable=True),
    sa.Column('disabled', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('link_version', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_learners_organization_names', 'learners', ['organization_id', sa.literal_column('lower(last_name)'), sa.literal_column('lower(first_name)'), 'id'], unique=False)
    op.create_index('ix_learners_organization_user', 'learners', ['organization_id', 'user_id'], unique=False)
    op.create_table('memberships',
    sa.Column('membership_id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('membership_id')
    )
    op.create_index('ix_memberships_organization_user', 'memberships', ['organization_id', 'user_id'], unique=False)
    op.create_table('orga_terms',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('user_id')
    )
    op.create_table('organizations',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('type', sa.String(length=10), nullable=False),
    sa.Column('external_id', sa.String(length=255), nullable=True),
    sa.Column('manages_students', sa.Boolean(), nullable=False),
    sa.Column('archived', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('participations',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=True),
    sa.Column('campaign_type', sa.String(length=30), nullable=True),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('organization_learner_id', sa.Uuid(), nullable=True),
    sa.Column('participant_external_id', sa.String(length=255), nullable=True),
    sa.Column('is_improvement', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('superseded', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('restarted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('progress_rate', sa.Numeric(precision=5, scale=4), server_default=sa.text('0'), nullable=False),
    sa.Column('progress_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('shared_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('mastery_rate', sa.Numeric(precision=5, scale=4), nullable=True),
    sa.Column('validated_skills_count', sa.Integer(), nullable=True),
    sa.Column('target_skills_count', sa.Integer(), nullable=True),
    sa.Column('total_pix', sa.Integer(), nullable=True),
    sa.Column('certifiable', sa.Boolean(), nullable=True),
    sa.Column('certifiable_competences_count', sa.Integer(), nullable=True),
    sa.Column('results', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=10), sa.Computed("CASE WHEN shared_at IS NOT NULL THEN 'SHARED'\nWHEN completed_at IS NOT NULL AND completed_at >= restarted_at THEN 'TO_SHARE' ELSE 'STARTED' END", persisted=True), nullable=True),
    sa.Column('learner_id', sa.Uuid(), nullable=True),
    sa.Column('first_name', sa.String(length=255), nullable=True),
    sa.Column('last_name', sa.String(length=255), nullable=True),
    sa.Column('division', sa.String(length=255), nullable=True),
    sa.Column('group_name', sa.String(length=255), nullable=True),
    sa.Column('student_number', sa.String(length=255), nullable=True),
    sa.Column('sort_last_name', sa.String(length=255), sa.Computed('lower(last_name)', persisted=True), nullable=True),
    sa.Column('sort_first_name', sa.String(length=255), sa.Computed('lower(first_name)', persisted=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_participations_campaign_names', 'participations', ['campaign_id', 'sort_last_name', 'sort_first_name', 'id'], unique=False, postgresql_include=['status', 'division', 'group_name', 'participant_external_id'], postgresql_where=sa.text('deleted_at IS NULL AND NOT superseded AND started_at IS NOT NULL'))
    op.create_index('ix_participations_campaign_user', 'participations', ['campaign_id', 'user_id'], unique=False)
    op.create_index('ix_participations_learner', 'participations', ['organization_learner_id'], unique=False)
    op.create_index('ix_participations_organization_learner', 'participations', ['organization_id', 'learner_id'], unique=False)
    op.create_index('ix_participations_organization_user', 'participations', ['organization_id', 'user_id'], unique=False)
    op.create_table('shared_results',
    sa.Column('participation_id', sa.Uuid(), nullable=False),
    sa.Column('competence_code', sa.String(length=10), nullable=False),
    sa.Column('campaign_id', sa.Uuid(), nullable=False),
    sa.Column('area_code', sa.String(length=10), nullable=False),
    sa.Column('target_skills_count', sa.Integer(), nullable=True),
    sa.Column('validated_skills_count', sa.Integer(), nullable=True),
    sa.Column('tested_skills_count', sa.Integer(), nullable=True),
    sa.Column('mastery_rate', sa.Numeric(precision=5, scale=4), nullable=True),
    sa.Column('pix', sa.Integer(), nullable=True),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('participation_id', 'competence_code')
    )
    op.create_index('ix_shared_results_campaign', 'shared_results', ['campaign_id', 'competence_code'], unique=False, postgresql_include=['mastery_rate', 'validated_skills_count', 'tested_skills_count', 'pix', 'level'])
    op.create_table('skills',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('competence_code', sa.String(length=10), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('target_profiles',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('name', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('users',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=255), nullable=False),
    sa.Column('last_name', sa.String(length=255), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('users')
    op.drop_table('target_profiles')
    op.drop_table('skills')
    op.drop_index('ix_shared_results_campaign', table_name='shared_results', postgresql_include=['mastery_rate', 'validated_skills_count', 'tested_skills_count', 'pix', 'level'])
    op.drop_table('shared_results')
    op.drop_index('ix_participations_organization_user', table_name='participations')
    op.drop_index('ix_participations_organization_learner', table_name='participations')
    op.drop_index('ix_participations_learner', table_name='participations')
    op.drop_index('ix_participations_campaign_user', table_name='participations')
    op.drop_index('ix_participations_campaign_names', table_name='participations', postgresql_include=['status', 'division', 'group_name', 'participant_external_id'], postgresql_where=sa.text('deleted_at IS NULL AND NOT superseded AND started_at IS NOT NULL'))
    op.drop_table('participations')
    op.drop_table('organizations')
    op.drop_table('orga_terms')
    op.drop_index('ix_memberships_organization_user', table_name='memberships')
    op.drop_table('memberships')
    op.drop_index('ix_learners_organization_user', table_name='learners')
    op.drop_index('ix_learners_organization_names', table_name='learners')
    op.drop_table('learners')
    op.drop_index('ix_journal_event_type', table_name='journal')
    op.drop_table('journal')
    op.drop_table('content_release')
    op.drop_table('competences')
    op.drop_table('collective_totals')
    op.drop_index('ix_campaigns_organization', table_name='campaigns')
    op.drop_table('campaigns')
    op.drop_table('areas')
