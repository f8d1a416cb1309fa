"""A batch's answers folded into one write per participation leave every row as taking them one by one would."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from reporting.domain.progress import Progress, merged

T0 = datetime(2026, 11, 20, 9, tzinfo=timezone.utc)
PARTICIPATIONS = [uuid.UUID(int=n) for n in range(3)]
CAMPAIGN = uuid.UUID(int=99)


@dataclass(frozen=True)
class Row:
    """What ``record_progress`` writes of a participation's row (None: no row yet)."""

    rate: float
    progress_at: datetime | None
    restarted_at: datetime | None
    completed_at: datetime | None


def takes(row: Row, at: datetime) -> bool:
    return (row.progress_at is None or row.progress_at <= at) and (row.restarted_at is None or row.restarted_at <= at)


def one_by_one(rows: dict, progresses: list[Progress]) -> dict:
    """The rows after each answer's own upsert (the single statement the consumer made before batches)."""
    rows = dict(rows)
    for p in progresses:
        row = rows.get(p.participation_id)
        if row is None:
            rows[p.participation_id] = Row(p.rate, p.at, None, p.at if p.completed else None)
        elif takes(row, p.at):
            rows[p.participation_id] = replace(row, rate=p.rate, progress_at=p.at,
                                               completed_at=p.at if p.completed else row.completed_at)
    return rows


def in_one_write(rows: dict, progresses: list[Progress]) -> dict:
    """The rows after ``read_models.PROGRESS`` with ``merged``'s writes, its SQL said in Python."""
    rows = dict(rows)
    for w in merged(progresses):
        row = rows.get(w.participation_id)
        if row is None:
            rows[w.participation_id] = Row(w.rate, w.at, None, w.completed_at)
        elif takes(row, w.at):
            completed = w.completed_at if w.completed_at is not None and takes(row, w.completed_at) else row.completed_at
            rows[w.participation_id] = replace(row, rate=w.rate, progress_at=w.at, completed_at=completed)
    return rows


minutes = st.integers(min_value=0, max_value=8).map(lambda m: T0 + timedelta(minutes=m))
progresses = st.lists(st.builds(Progress, st.sampled_from(PARTICIPATIONS), st.just(CAMPAIGN), minutes,
                                st.integers(0, 10).map(lambda n: n / 10), st.booleans()), max_size=12)
rows = st.dictionaries(st.sampled_from(PARTICIPATIONS), st.builds(
    Row, st.just(0.0), st.none() | minutes, st.none() | minutes, st.none() | minutes), max_size=3)


@settings(max_examples=2000, deadline=None)
@given(rows, progresses)
def test_one_write_per_participation_leaves_the_rows_of_one_by_one(before, batch):
    assert in_one_write(before, batch) == one_by_one(before, batch)


def test_a_participation_gets_one_write_with_its_latest_answer_and_its_latest_completion():
    lou, zoe = PARTICIPATIONS[:2]
    at = [T0 + timedelta(minutes=m) for m in range(5)]
    written = merged([Progress(lou, CAMPAIGN, at[1], 0.2, False), Progress(zoe, CAMPAIGN, at[2], 0.5, False),
                      Progress(lou, CAMPAIGN, at[3], 1.0, True), Progress(lou, CAMPAIGN, at[0], 0.1, False),
                      Progress(lou, CAMPAIGN, at[4], 1.0, False)])
    assert [(w.participation_id, w.at, w.rate, w.completed_at) for w in written] == [
        (lou, at[4], 1.0, at[3]), (zoe, at[2], 0.5, None)]
