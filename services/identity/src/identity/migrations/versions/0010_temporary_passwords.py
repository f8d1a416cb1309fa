"""temporary passwords given by a school's admins: the account's obligation to change it, the record of who gave
it, the replica of which account is linked to which learner, and password-change tokens of accounts without email

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('users', sa.Column('must_change_password', sa.Boolean(), server_default='false', nullable=False))
    op.alter_column('account_tokens', 'email', existing_type=sa.String(length=254), nullable=True)
    op.create_table('learner_accounts',
    sa.Column('learner_id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('learner_id')
    )
    op.create_table('temporary_passwords',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('learner_id', sa.Uuid(), nullable=False),
    sa.Column('given_by', sa.Uuid(), nullable=False),
    sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_temporary_passwords_user_id'), 'temporary_passwords', ['user_id'], unique=False)
    op.create_index(op.f('ix_temporary_passwords_organization_id'), 'temporary_passwords', ['organization_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_temporary_passwords_organization_id'), table_name='temporary_passwords')
    op.drop_index(op.f('ix_temporary_passwords_user_id'), table_name='temporary_passwords')
    op.drop_table('temporary_passwords')
    op.drop_table('learner_accounts')
    op.execute("DELETE FROM account_tokens WHERE email IS NULL")
    op.alter_column('account_tokens', 'email', existing_type=sa.String(length=254), nullable=False)
    op.drop_column('users', 'must_change_password')
