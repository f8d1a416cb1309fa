"""the pupils' INE in the school lists' replica, for the school report (LSU/LSL)

Revision ID: 0006_learners_ine
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_learners_ine'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('school_learners', sa.Column('national_student_id', sa.String(length=32), nullable=True))


def downgrade() -> None:
    op.drop_column('school_learners', 'national_student_id')
