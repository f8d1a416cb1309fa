"""accounts without an email address: a username (unique, case apart), or the GAR as the only sign-in method

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('users', sa.Column('username', sa.String(length=100), nullable=True))
    op.alter_column('users', 'email', existing_type=sa.String(length=254), nullable=True)
    op.alter_column('users', 'password_hash', existing_type=sa.Text(), nullable=True)
    # text_pattern_ops: the same index answers "this username?" and "the usernames starting with this base?"
    # (domain/usernames.py, rule 2) whatever the database's collation.
    op.create_index('ux_users_username_lower', 'users', [sa.text('lower(username) text_pattern_ops')], unique=True)


def downgrade() -> None:
    # Only while every account still has an email and a password: NOT NULL refuses otherwise, on purpose.
    op.drop_index('ux_users_username_lower', table_name='users')
    op.alter_column('users', 'password_hash', existing_type=sa.Text(), nullable=False)
    op.alter_column('users', 'email', existing_type=sa.String(length=254), nullable=False)
    op.drop_column('users', 'username')
