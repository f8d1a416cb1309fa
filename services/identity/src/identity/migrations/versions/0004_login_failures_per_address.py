"""login failures counted per account and address, remembered a day

Revision ID: 0004
Revises: 0003

The throttle no longer counts failures per address alone (domain/login_throttle.py): that index
goes. Failures are now kept 24 hours and pruned a batch at a time, oldest first.
"""
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_login_failures_address_failed_at', table_name='login_failures')
    op.create_index('ix_login_failures_failed_at', 'login_failures', ['failed_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_login_failures_failed_at', table_name='login_failures')
    op.create_index('ix_login_failures_address_failed_at', 'login_failures', ['address', 'failed_at'], unique=False)
