"""the replica of identity's accounts keeps accounts without an email address (a pupil's username or GAR account)

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('known_users', sa.Column('username', sa.String(length=100), nullable=True))
    op.alter_column('known_users', 'email', existing_type=sa.String(length=254), nullable=True)


def downgrade() -> None:
    op.alter_column('known_users', 'email', existing_type=sa.String(length=254), nullable=False)
    op.drop_column('known_users', 'username')
