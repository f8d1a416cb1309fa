"""changing school: links carried over by an import, what its report says of them, pupils without an INE

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('learner_account_links', sa.Column('import_id', sa.Uuid(), nullable=True))
    op.add_column('learner_imports', sa.Column('unregistered_count', sa.Integer(), server_default='0', nullable=False))
    op.add_column('learner_imports', sa.Column('carried_over_count', sa.Integer(), server_default='0', nullable=False))
    op.add_column('learner_imports', sa.Column('not_carried_over', postgresql.JSONB(astext_type=sa.Text()),
                                               server_default=sa.text("'[]'::jsonb"), nullable=False))
    op.create_index('ix_learners_linked_ine', 'organization_learners', ['national_student_id'], unique=False,
                    postgresql_where=sa.text('user_id IS NOT NULL AND national_student_id IS NOT NULL'))


def downgrade() -> None:
    op.drop_index('ix_learners_linked_ine', table_name='organization_learners',
                  postgresql_where=sa.text('user_id IS NOT NULL AND national_student_id IS NOT NULL'))
    op.drop_column('learner_imports', 'not_carried_over')
    op.drop_column('learner_imports', 'carried_over_count')
    op.drop_column('learner_imports', 'unregistered_count')
    op.drop_column('learner_account_links', 'import_id')
