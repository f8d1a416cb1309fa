"""a trigger on the outbox that wakes the relay when rows are committed (LISTEN/NOTIFY), instead of its next poll

Revision ID: 0004
Revises: 0003
"""
from svckit.migrations import create_outbox_wake_up, drop_outbox_wake_up


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_outbox_wake_up()


def downgrade() -> None:
    drop_outbox_wake_up()
