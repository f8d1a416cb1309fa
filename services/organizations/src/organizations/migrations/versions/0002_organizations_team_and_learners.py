"""organizations team and learners

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
    op.create_table('orga_terms_acceptances',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('user_id')
    )
    op.create_table('organizations',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('type', sa.String(length=3), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=True),
    sa.Column('manages_students', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('learners_version', sa.Integer(), server_default='0', nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_organizations_name', 'organizations', [sa.literal_column('lower(name)')], unique=False)
    op.create_index('uq_organizations_type_external_id', 'organizations', ['type', 'external_id'], unique=True, postgresql_where=sa.text('external_id IS NOT NULL'))
    op.create_table('invitations',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_count', sa.Integer(), nullable=False),
    sa.Column('accepted_by', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_invitations_organization_id'), 'invitations', ['organization_id'], unique=False)
    op.create_index('uq_invitations_pending_email', 'invitations', ['organization_id', 'email'], unique=True, postgresql_where=sa.text("status = 'pending'"))
    op.create_table('learner_imports',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('mode', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('format', sa.String(length=20), nullable=True),
    sa.Column('encoding', sa.String(length=30), nullable=True),
    sa.Column('created_count', sa.Integer(), nullable=False),
    sa.Column('updated_count', sa.Integer(), nullable=False),
    sa.Column('disabled_count', sa.Integer(), nullable=False),
    sa.Column('enabled_count', sa.Integer(), nullable=False),
    sa.Column('unchanged_count', sa.Integer(), nullable=False),
    sa.Column('skipped_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('error_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('error_code', sa.String(length=50), nullable=True),
    sa.Column('errors', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_learner_imports_organization', 'learner_imports', ['organization_id', 'created_at'], unique=False)
    op.create_table('memberships',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('disabled_reason', sa.String(length=10), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_memberships_user_id'), 'memberships', ['user_id'], unique=False)
    op.create_index('uq_memberships_active', 'memberships', ['organization_id', 'user_id'], unique=True, postgresql_where=sa.text('disabled_at IS NULL'))
    op.create_table('organization_learners',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('national_student_id', sa.String(length=32), nullable=True),
    sa.Column('first_name', sa.String(length=255), nullable=False),
    sa.Column('middle_name', sa.String(length=255), nullable=True),
    sa.Column('third_name', sa.String(length=255), nullable=True),
    sa.Column('last_name', sa.String(length=255), nullable=False),
    sa.Column('preferred_last_name', sa.String(length=255), nullable=True),
    sa.Column('sex', sa.String(length=1), nullable=True),
    sa.Column('birthdate', sa.Date(), nullable=False),
    sa.Column('birth_country_code', sa.String(length=10), nullable=True),
    sa.Column('birth_department_code', sa.String(length=10), nullable=True),
    sa.Column('birth_city_code', sa.String(length=10), nullable=True),
    sa.Column('birth_city', sa.String(length=255), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=True),
    sa.Column('mef_code', sa.String(length=32), nullable=True),
    sa.Column('division', sa.String(length=255), nullable=True),
    sa.Column('student_number', sa.String(length=64), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('department', sa.String(length=255), nullable=True),
    sa.Column('educational_team', sa.String(length=255), nullable=True),
    sa.Column('group', sa.String(length=255), nullable=True),
    sa.Column('diploma', sa.String(length=255), nullable=True),
    sa.Column('study_scheme', sa.String(length=255), nullable=True),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_learners_birthdate', 'organization_learners', ['organization_id', 'birthdate'], unique=False)
    op.create_index('ix_learners_user', 'organization_learners', ['organization_id', 'user_id'], unique=False)
    op.create_index('uq_learners_ine', 'organization_learners', ['organization_id', 'national_student_id'], unique=True, postgresql_where=sa.text('national_student_id IS NOT NULL'))
    op.create_index('uq_learners_student_number', 'organization_learners', ['organization_id', 'student_number'], unique=True, postgresql_where=sa.text('student_number IS NOT NULL'))


def downgrade() -> None:
    op.drop_index('uq_learners_student_number', table_name='organization_learners', postgresql_where=sa.text('student_number IS NOT NULL'))
    op.drop_index('uq_learners_ine', table_name='organization_learners', postgresql_where=sa.text('national_student_id IS NOT NULL'))
    op.drop_index('ix_learners_user', table_name='organization_learners')
    op.drop_index('ix_learners_birthdate', table_name='organization_learners')
    op.drop_table('organization_learners')
    op.drop_index('uq_memberships_active', table_name='memberships', postgresql_where=sa.text('disabled_at IS NULL'))
    op.drop_index(op.f('ix_memberships_user_id'), table_name='memberships')
    op.drop_table('memberships')
    op.drop_index('ix_learner_imports_organization', table_name='learner_imports')
    op.drop_table('learner_imports')
    op.drop_index('uq_invitations_pending_email', table_name='invitations', postgresql_where=sa.text("status = 'pending'"))
    op.drop_index(op.f('ix_invitations_organization_id'), table_name='invitations')
    op.drop_table('invitations')
    op.drop_index('uq_organizations_type_external_id', table_name='organizations', postgresql_where=sa.text('external_id IS NOT NULL'))
    op.drop_index('ix_organizations_name', table_name='organizations')
    op.drop_table('organizations')
    op.drop_table('orga_terms_acceptances')
