"""OAuth 2 clients (client credentials) and their failed authentications, for the school report's applications

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('oauth_clients',
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('scopes', postgresql.ARRAY(sa.String(length=64)), nullable=False),
    sa.Column('academy', sa.String(length=41), nullable=False),
    sa.Column('uai_prefixes', postgresql.ARRAY(sa.String(length=8)), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('disabled_by', sa.String(length=100), nullable=True),
    sa.PrimaryKeyConstraint('client_id')
    )
    op.create_table('oauth_client_failures',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_oauth_client_failures_address_failed_at', 'oauth_client_failures', ['address', 'failed_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_oauth_client_failures_address_failed_at', table_name='oauth_client_failures')
    op.drop_table('oauth_client_failures')
    op.drop_table('oauth_clients')
