"""the history of links from learners to accounts, and failed reconciliations (their limits)

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('learner_account_links',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('learner_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('linked_by', sa.Uuid(), nullable=True),
    sa.Column('link_method', sa.String(length=20), nullable=False),
    sa.Column('unlinked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('unlinked_by', sa.Uuid(), nullable=True),
    sa.Column('unlink_method', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['learner_id'], ['organization_learners.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_learner_account_links_learner', 'learner_account_links', ['learner_id'], unique=False)
    op.create_index('ix_learner_account_links_user', 'learner_account_links', ['user_id'], unique=False)
    op.create_index('uq_learner_account_links_current', 'learner_account_links', ['learner_id'], unique=True, postgresql_where=sa.text('unlinked_at IS NULL'))
    # The links made before the history was kept: their date is not known (a learner's updated_at may be a
    # later import's), so it stays empty rather than wrong.
    op.execute("INSERT INTO learner_account_links (id, organization_id, learner_id, user_id, link_method) "
               "SELECT gen_random_uuid(), organization_id, id, user_id, 'RECONCILIATION' "
               "FROM organization_learners WHERE user_id IS NOT NULL")
    op.create_table('reconciliation_failures',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('reason', sa.String(length=50), nullable=False),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_reconciliation_failures_organization', 'reconciliation_failures', ['organization_id', 'failed_at'], unique=False)
    op.create_index('ix_reconciliation_failures_user', 'reconciliation_failures', ['user_id', 'failed_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_reconciliation_failures_user', table_name='reconciliation_failures')
    op.drop_index('ix_reconciliation_failures_organization', table_name='reconciliation_failures')
    op.drop_table('reconciliation_failures')
    op.drop_index('uq_learner_account_links_current', table_name='learner_account_links', postgresql_where=sa.text('unlinked_at IS NULL'))
    op.drop_index('ix_learner_account_links_user', table_name='learner_account_links')
    op.drop_index('ix_learner_account_links_learner', table_name='learner_account_links')
    op.drop_table('learner_account_links')
