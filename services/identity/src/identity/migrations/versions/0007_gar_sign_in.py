"""sign-in through the GAR: the account each GAR identity signs in, and the SAML assertions already used

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
    op.create_table('gar_links',
    sa.Column('ido', sa.String(length=128), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('uai', sa.String(length=8), nullable=False),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('ido'),
    sa.UniqueConstraint('user_id')
    )
    op.create_table('used_saml_assertions',
    sa.Column('assertion_id', sa.String(length=256), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('assertion_id')
    )
    op.create_index(op.f('ix_used_saml_assertions_expires_at'), 'used_saml_assertions', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_used_saml_assertions_expires_at'), table_name='used_saml_assertions')
    op.drop_table('used_saml_assertions')
    op.drop_table('gar_links')
