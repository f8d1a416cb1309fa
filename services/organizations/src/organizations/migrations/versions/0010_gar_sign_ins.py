"""accounts that sign in through the GAR (identity.user.gar_linked.v1): how a school's pupils sign in

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'gar_sign_ins',
        sa.Column('user_id', sa.Uuid(), nullable=False),
        sa.Column('uai', sa.String(length=8), nullable=False),
        sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('user_id'),
    )


def downgrade() -> None:
    op.drop_table('gar_sign_ins')
