"""since when each learner is linked to its account

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('learners', sa.Column('linked_at', sa.DateTime(timezone=True), nullable=True))
    # From the journal, as the projection dates a link: the latest learner.linked naming the account linked now.
    op.execute("""
        UPDATE learners AS l SET linked_at = dated.linked_at
        FROM (SELECT aggregate_id, envelope -> 'payload' ->> 'user_id' AS user_id,
                     max((envelope -> 'payload' ->> 'linked_at')::timestamptz) AS linked_at
              FROM journal WHERE event_type = 'organizations.learner.linked.v1'
              GROUP BY 1, 2) AS dated
        WHERE dated.aggregate_id = l.id::text AND dated.user_id = l.user_id::text
    """)


def downgrade() -> None:
    op.drop_column('learners', 'linked_at')
