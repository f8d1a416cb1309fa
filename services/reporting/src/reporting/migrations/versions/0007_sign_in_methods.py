"""how each account signs in: an email address or not, its username (identity.user.registered.v1), the GAR
(identity.user.gar_linked.v1)

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('users', sa.Column('has_email', sa.Boolean(), server_default=sa.text('false'), nullable=False))
    op.add_column('users', sa.Column('username', sa.String(length=255), nullable=True))
    # From the journal, as the projection reads a registration (a username is absent from the oldest events).
    op.execute("""
        UPDATE users AS u SET has_email = registered.envelope -> 'payload' ->> 'email' IS NOT NULL,
                              username = registered.envelope -> 'payload' ->> 'username'
        FROM journal AS registered
        WHERE registered.event_type = 'identity.user.registered.v1' AND registered.aggregate_id = u.id::text
    """)
    # Empty at first: reporting journals no GAR link before this revision (identity publishes them since the same
    # issue 19), so a rebuild does not bring the links announced before; `make up` replays the event types newly
    # bound to a queue from their producer's outbox.
    op.create_table('gar_sign_ins',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('user_id')
    )


def downgrade() -> None:
    op.drop_table('gar_sign_ins')
    op.drop_column('users', 'username')
    op.drop_column('users', 'has_email')
