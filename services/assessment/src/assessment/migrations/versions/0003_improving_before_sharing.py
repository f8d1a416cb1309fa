"""several assessments per participation (improving before sharing)

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('assessments', sa.Column('reset_all_not_validated', sa.Boolean(), server_default=sa.text('false'), nullable=False))
    op.add_column('assessments', sa.Column('participation_version', sa.Integer(), server_default=sa.text('1'), nullable=False))
    op.drop_constraint(op.f('assessments_participation_id_key'), 'assessments', type_='unique')
    op.create_index(op.f('ix_assessments_participation_id'), 'assessments', ['participation_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_assessments_participation_id'), table_name='assessments')
    op.create_unique_constraint(op.f('assessments_participation_id_key'), 'assessments', ['participation_id'], postgresql_nulls_not_distinct=False)
    op.drop_column('assessments', 'participation_version')
    op.drop_column('assessments', 'reset_all_not_validated')
