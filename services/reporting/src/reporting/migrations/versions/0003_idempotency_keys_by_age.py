"""an index on the idempotency keys' creation time, for pruning the ones older than 24 hours

Revision ID: 0003
Revises: 0002
"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Concurrently: the table may be large (keys were never deleted before), and mutations write to it.
    with op.get_context().autocommit_block():
        op.create_index('ix_idempotency_keys_created_at', 'idempotency_keys', ['created_at'], unique=False,
                        postgresql_concurrently=True)


def downgrade() -> None:
    with op.get_context().autocommit_block():
        op.drop_index('ix_idempotency_keys_created_at', table_name='idempotency_keys', postgresql_concurrently=True)
