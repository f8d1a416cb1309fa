"""The read models built from contract examples: in order, duplicated, out of order, stale, and rebuilt."""

from __future__ import annotations

from reporting_it import account, answer, campaign, complete, results, share, start
from sqlalchemy import select

from reporting.adapters import orm


def participation_row(runtime, participation_id):
    with runtime.engine.connect() as connection:
        return connection.execute(select(orm.participations).where(
            orm.participations.c.id == participation_id)).one()


def test_a_participation_goes_from_started_to_to_share_to_shared(runtime, school):
    campaign_id = campaign(runtime, school.id)
    user_id = account(runtime, "Lou", "Apprenant")
    participation_id = start(runtime, campaign_id, school.id, user_id)
    assert participation_row(runtime, participation_id).status == "STARTED"

    answer(runtime, participation_id, campaign_id, 0.4)
    row = participation_row(runtime, participation_id)
    assert (row.status, float(row.progress_rate)) == ("STARTED", 0.4)

    complete(runtime, participation_id, campaign_id)
    row = participation_row(runtime, participation_id)
    assert (row.status, float(row.progress_rate)) == ("TO_SHARE", 1.0)

    share(runtime, participation_id, campaign_id, school.id, user_id, results({"1.1": (3, 4), "2.1": (1, 1)}))
    row = participation_row(runtime, participation_id)
    assert (row.status, float(row.mastery_rate), row.validated_skills_count) == ("SHARED", 0.8, 4)
