"""an index on the idempotency keys' creation time, for pruning the ones older than 24 hours

Revision ID: 0004
Revises: 0003
"""
from svckit.migrations import create_idempotency_keys_by_age_index, drop_idempotency_keys_by_age_index


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_idempotency_keys_by_age_index()


def downgrade() -> None:
    drop_idempotency_keys_by_age_index()
