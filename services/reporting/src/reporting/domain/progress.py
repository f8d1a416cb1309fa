"""A participation's progress, from assessment's answers: what a row takes from several of them at once.

One by one, an answer's progress is taken when it is not older than the row's latest (``progress_at``) nor
than the participation's latest (re)start (``restarted_at``); a completion also sets ``completed_at``. A
consumer's batch holds many answers, often several of one participation, and one statement cannot change a
row twice: ``merged`` folds a batch into one write per participation that leaves every row as taking the
answers one by one, in the order they came, would have left it, whatever the row held before.

Why it holds: progress_at only grows, so an answer is taken exactly when it is not older than the row's
progress_at before the batch and than every earlier answer of the batch (an earlier answer that was not taken
was older than the row already). The answers that can be taken are those not older than every earlier one of
the batch: their times do not decrease, so if any is taken, the last one is, and the row ends with its rate and
time; its completion is the last completion among them whose time is not older than the row (the row's test,
in ``read_models``, with the batch's latest time and latest completion).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID


@dataclass(frozen=True)
class Progress:
    """One answer's progress (``assessment.answer.recorded``; ``completed`` for ``assessment.completed``)."""

    participation_id: UUID
    campaign_id: UUID
    at: datetime
    rate: float | Decimal
    completed: bool


@dataclass(frozen=True)
class Merged:
    """One participation's write: the rate and time the row takes if ``at`` is not older than it, and the
    completion it takes if ``completed_at`` is not older than it."""

    participation_id: UUID
    campaign_id: UUID
    at: datetime
    rate: float | Decimal
    completed_at: datetime | None


def merged(progresses: Iterable[Progress]) -> list[Merged]:
    """One write per participation, in the order each participation first came."""
    latest: dict[UUID, Merged] = {}
    for progress in progresses:
        before = latest.get(progress.participation_id)
        if before is not None and progress.at < before.at:
            continue  # older than an earlier answer of the batch: never taken
        latest[progress.participation_id] = Merged(
            progress.participation_id, progress.campaign_id, progress.at, progress.rate,
            progress.at if progress.completed else before.completed_at if before is not None else None)
    return list(latest.values())
