"""a trigger on the outbox that wakes the relay when rows are committed (LISTEN/NOTIFY), instead of its next poll

Revision ID: 0006
Revises: 0005
"""
from svckit.migrations import create_outbox_wake_up, drop_outbox_wake_up


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_outbox_wake_up()


def downgrade() -> None:
    drop_outbox_wake_up()
