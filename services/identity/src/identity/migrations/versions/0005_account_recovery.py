"""password reset and email verification: mail requests, link tokens, verified addresses

Revision ID: 0005
Revises: 0004

Existing accounts: an account that already joined an organization accepted an invitation whose
code was mailed to its address, so its address is proven: it counts as verified (organizations'
own migration reads the same fact from its memberships). Every other account is not verified;
a learner never needs it, a teacher-to-be is asked once, when joining an organization.
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('users', sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE users SET email_verified_at = now() "
               "WHERE id IN (SELECT DISTINCT user_id FROM user_memberships)")
    op.create_table('mail_requests',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=True),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('mailed', sa.Boolean(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_mail_requests_email', 'mail_requests', ['email', 'kind', 'requested_at'], unique=False)
    op.create_index('ix_mail_requests_address', 'mail_requests', ['address', 'kind', 'requested_at'], unique=False)
    op.create_index('ix_mail_requests_requested_at', 'mail_requests', ['requested_at'], unique=False)
    op.create_table('account_tokens',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_index(op.f('ix_account_tokens_user_id'), 'account_tokens', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_account_tokens_user_id'), table_name='account_tokens')
    op.drop_table('account_tokens')
    op.drop_index('ix_mail_requests_requested_at', table_name='mail_requests')
    op.drop_index('ix_mail_requests_address', table_name='mail_requests')
    op.drop_index('ix_mail_requests_email', table_name='mail_requests')
    op.drop_table('mail_requests')
    op.drop_column('users', 'email_verified_at')
