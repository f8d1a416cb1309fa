"""running counts of each campaign's participations (activity and statistics), kept by a trigger

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

SLOTS = 32  # orm.COUNT_SLOTS when this revision was written

# What rows of participations count for, signed: -1 for the rows as they were, +1 as they are. Live is orm.LIVE;
# the status is the stored one (orm.STATUS); a day is the moment's date in Paris, as French schools count days.
CONTRIBUTIONS = """
INSERT INTO campaign_counts AS kept (campaign_id, slot, participations, started, to_share, shared,
                                     sum_progress_rate, rated, sum_mastery_rate)
SELECT campaign_id, {slot}, sum(sign), COALESCE(sum(sign) FILTER (WHERE status = 'STARTED'), 0),
       COALESCE(sum(sign) FILTER (WHERE status = 'TO_SHARE'), 0),
       COALESCE(sum(sign) FILTER (WHERE status = 'SHARED'), 0), sum(sign * progress_rate),
       COALESCE(sum(sign) FILTER (WHERE status = 'SHARED' AND mastery_rate IS NOT NULL), 0),
       COALESCE(sum(sign * mastery_rate) FILTER (WHERE status = 'SHARED'), 0)
FROM ({rows}) AS changed
WHERE deleted_at IS NULL AND NOT superseded AND started_at IS NOT NULL
GROUP BY campaign_id
HAVING sum(sign) <> 0 OR sum(sign * progress_rate) <> 0 OR sum(sign) FILTER (WHERE status = 'STARTED') <> 0
    OR sum(sign) FILTER (WHERE status = 'TO_SHARE') <> 0 OR sum(sign) FILTER (WHERE status = 'SHARED') <> 0
    OR sum(sign) FILTER (WHERE status = 'SHARED' AND mastery_rate IS NOT NULL) <> 0
    OR sum(sign * mastery_rate) FILTER (WHERE status = 'SHARED') <> 0  -- a rename changes none: no write
ORDER BY campaign_id  -- two transactions of one slot lock their rows in the same order
ON CONFLICT (campaign_id, slot) DO UPDATE SET
    participations = kept.participations + excluded.participations,
    started = kept.started + excluded.started,
    to_share = kept.to_share + excluded.to_share,
    shared = kept.shared + excluded.shared,
    sum_progress_rate = kept.sum_progress_rate + excluded.sum_progress_rate,
    rated = kept.rated + excluded.rated,
    sum_mastery_rate = kept.sum_mastery_rate + excluded.sum_mastery_rate;

INSERT INTO campaign_days AS kept (campaign_id, day, slot, started, shared)
SELECT campaign_id, day, {slot}, sum(started), sum(shared)
FROM (SELECT campaign_id, (started_at AT TIME ZONE 'Europe/Paris')::date AS day, sign AS started, 0 AS shared
      FROM ({rows}) AS changed WHERE deleted_at IS NULL AND NOT superseded AND started_at IS NOT NULL
      UNION ALL
      SELECT campaign_id, (shared_at AT TIME ZONE 'Europe/Paris')::date, 0, sign
      FROM ({rows}) AS changed
      WHERE deleted_at IS NULL AND NOT superseded AND started_at IS NOT NULL AND shared_at IS NOT NULL) AS moved
GROUP BY campaign_id, day
HAVING sum(started) <> 0 OR sum(shared) <> 0
ORDER BY campaign_id, day
ON CONFLICT (campaign_id, day, slot) DO UPDATE SET
    started = kept.started + excluded.started, shared = kept.shared + excluded.shared;
"""

SOURCES = {
    "INSERT": "SELECT 1 AS sign, * FROM new_rows",
    "DELETE": "SELECT -1 AS sign, * FROM old_rows",
    "UPDATE": "SELECT -1 AS sign, * FROM old_rows UNION ALL SELECT 1, * FROM new_rows",
}


def _function() -> str:
    branches = "\n".join(f"    {'IF' if n == 0 else 'ELSIF'} TG_OP = '{operation}' THEN\n"
                         f"{CONTRIBUTIONS.format(rows=rows, slot='my_slot')}"
                         for n, (operation, rows) in enumerate(SOURCES.items()))
    # Static statements in each branch (a transition table exists only in its own trigger's branch): PL/pgSQL plans
    # them once per connection.
    return f"""
CREATE FUNCTION participation_counts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    my_slot smallint := txid_current() % {SLOTS};
BEGIN
{branches}
    END IF;
    RETURN NULL;
END
$$;
"""


def upgrade() -> None:
    op.create_table('campaign_counts',
    sa.Column('campaign_id', sa.Uuid(), nullable=False),
    sa.Column('slot', sa.SmallInteger(), nullable=False),
    sa.Column('participations', sa.Integer(), nullable=False),
    sa.Column('started', sa.Integer(), nullable=False),
    sa.Column('to_share', sa.Integer(), nullable=False),
    sa.Column('shared', sa.Integer(), nullable=False),
    sa.Column('sum_progress_rate', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('rated', sa.Integer(), nullable=False),
    sa.Column('sum_mastery_rate', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.PrimaryKeyConstraint('campaign_id', 'slot')
    )
    op.create_table('campaign_days',
    sa.Column('campaign_id', sa.Uuid(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('slot', sa.SmallInteger(), nullable=False),
    sa.Column('started', sa.Integer(), nullable=False),
    sa.Column('shared', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('campaign_id', 'day', 'slot')
    )
    # The trigger first: creating it locks out the consumers' writes until this revision commits, so the back-fill
    # below counts every row and no write escapes both.
    op.execute(_function())
    for operation in SOURCES:
        tables = {"INSERT": "NEW TABLE AS new_rows", "DELETE": "OLD TABLE AS old_rows",
                  "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows"}[operation]
        op.execute(f"CREATE TRIGGER participation_counts_{operation.lower()} AFTER {operation} ON participations "
                   f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION participation_counts()")
    # The back-fill: today's participations counted in one pass (slot 0).
    op.execute(CONTRIBUTIONS.format(rows="SELECT 1 AS sign, * FROM participations", slot=0))


def downgrade() -> None:
    for operation in SOURCES:
        op.execute(f"DROP TRIGGER participation_counts_{operation.lower()} ON participations")
    op.execute("DROP FUNCTION participation_counts()")
    op.drop_table('campaign_days')
    op.drop_table('campaign_counts')
