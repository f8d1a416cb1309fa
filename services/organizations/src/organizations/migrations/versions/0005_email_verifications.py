"""addresses identity verified: a membership needs one

Revision ID: 0005
Revises: 0004

Existing accounts: whoever accepted an invitation proved the invited address (its code was mailed
there), and so did every member (each joined that way), so their addresses count as verified, as
identity's own migration decides from the same facts. Nobody else's is: they verify once, when
they join an organization.
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('email_verifications',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('user_id')
    )
    # version 0: any announcement from identity is newer.
    op.execute("INSERT INTO email_verifications (user_id, email, verified_at, version) "
               "SELECT DISTINCT ON (accepted_by) accepted_by, email, updated_at, 0 FROM invitations "
               "WHERE status = 'accepted' AND accepted_by IS NOT NULL ORDER BY accepted_by, updated_at DESC")
    op.execute("INSERT INTO email_verifications (user_id, email, verified_at, version) "
               "SELECT DISTINCT k.id, k.email, now(), 0 FROM memberships m JOIN known_users k ON k.id = m.user_id "
               "ON CONFLICT (user_id) DO NOTHING")


def downgrade() -> None:
    op.drop_table('email_verifications')
