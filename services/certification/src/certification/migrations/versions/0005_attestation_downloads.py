"""the first download of each attestation by its school (issue 19: warned before an import takes pupils off)

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('attestation_downloads',
    sa.Column('course_id', sa.Uuid(), nullable=False),
    sa.Column('center_id', sa.Uuid(), nullable=False),
    sa.Column('downloaded_by', sa.Uuid(), nullable=False),
    sa.Column('downloaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course_results.course_id'], ),
    sa.PrimaryKeyConstraint('course_id')
    )
    op.create_index(op.f('ix_attestation_downloads_center_id'), 'attestation_downloads', ['center_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_attestation_downloads_center_id'), table_name='attestation_downloads')
    op.drop_table('attestation_downloads')
