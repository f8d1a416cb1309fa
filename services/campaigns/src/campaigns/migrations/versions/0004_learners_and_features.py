"""learners of organizations' lists, organizations' features

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
    op.add_column('known_organizations', sa.Column('multiple_sendings_for_assessments', sa.Boolean(), server_default=sa.text('false'), nullable=False))
    op.add_column('learner_links', sa.Column('disabled', sa.Boolean(), server_default=sa.text('false'), nullable=False))
    op.alter_column('learner_links', 'user_id',
               existing_type=sa.UUID(),
               nullable=True)


def downgrade() -> None:
    op.alter_column('learner_links', 'user_id',
               existing_type=sa.UUID(),
               nullable=False)
    op.drop_column('learner_links', 'disabled')
    op.drop_column('known_organizations', 'multiple_sendings_for_assessments')
