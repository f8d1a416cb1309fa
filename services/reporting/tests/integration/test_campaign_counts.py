"""A campaign's running counts (``campaign_counts``, ``campaign_days``, kept by the trigger of migration 0006) equal a
recount of its participations after any sequence of events: starts, answers, completions, shares, shares again,
improvements, retries, deletions, learners renamed, linked and unlinked; in order or not, duplicated, one by one or
in the consumer's batches; and after the migration's back-fill."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from reporting_it import account, campaign, learner, results
from sqlalchemy import Date, cast, create_engine, func, insert, literal, select, text, union_all

from reporting.adapters import orm
from reporting.views import statistics
from reporting.views.participants import STATUSES, live_participations
from svckit import migrations
from svckit.config import normalize_database_url
from svckit.testing import example_envelope, fresh_database, handle_envelope

participations = orm.participations


def recount(connection: Any, campaign_id: Any) -> dict[str, Any]:
    """What activity and statistics showed before the running counts: every participation read again."""
    status = participations.c.status
    row = connection.execute(select(
        func.count().label("participations_count"),
        *(func.count().filter(status == name).label(name) for name in STATUSES),
        func.avg(participations.c.progress_rate).label("progress"),
        func.avg(participations.c.mastery_rate).filter(status == "SHARED").label("mastery"),
    ).where(*live_participations(campaign_id))).one()
    day = lambda moment: cast(func.timezone("Europe/Paris", moment), Date)  # noqa: E731
    live = live_participations(campaign_id)
    events = union_all(
        select(day(participations.c.started_at).label("day"), literal(1).label("started"), literal(0).label("shared"))
        .where(*live),
        select(day(participations.c.shared_at), literal(0), literal(1)).where(*live, participations.c.shared_at.is_not(None)),
    ).subquery()
    days = connection.execute(select(events.c.day, func.sum(events.c.started), func.sum(events.c.shared))
                              .group_by(events.c.day).order_by(events.c.day)).all()
    return {"count": row.participations_count, "by_status": {name: row._mapping[name] for name in STATUSES},
            "progress": row.progress, "mastery": row.mastery, "days": [tuple(d) for d in days]}


def kept(connection: Any, campaign_id: Any) -> dict[str, Any]:
    """The same figures from the running counts, as the views read them."""
    row = statistics._counts(connection, campaign_id)
    days = orm.campaign_days
    active = connection.execute(
        select(days.c.day, func.sum(days.c.started), func.sum(days.c.shared)).where(days.c.campaign_id == campaign_id)
        .group_by(days.c.day).having((func.sum(days.c.started) != 0) | (func.sum(days.c.shared) != 0))
        .order_by(days.c.day)).all()
    return {"count": row.participations_count, "by_status": {name: row._mapping[name] for name in STATUSES},
            "progress": row.average_progress_rate, "mastery": row.average_mastery_rate,
            "days": [tuple(d) for d in active]}


def assert_counts_match(runtime, campaign_id) -> dict[str, Any]:
    with runtime.engine.connect() as connection:
        expected, got = recount(connection, campaign_id), kept(connection, campaign_id)
    assert got == expected
    return got


def envelope(event_type: str, aggregate_id: str, version: int, **payload: Any):
    return example_envelope(event_type, aggregate_id=aggregate_id, aggregate_version=version,
                            contracts_from=Path(__file__).parent, **payload)


def at(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def class_events(organization_id: str, campaign_id: str, users: list[str], learners: list[str],
                 rng: random.Random) -> list:
    """What a class does in a campaign over a few days, in the order it happened: each learner starts (some
    twice: a retry), answers, completes, shares (some twice: a share delivered again with a later version),
    some improve then share again, some are deleted; learners are renamed, linked and unlinked on the way."""
    events = []
    about = {"campaign_id": campaign_id, "organization_id": organization_id}
    # 22:30 UTC is the next day in Paris: days are counted as French schools count them
    day0 = datetime(2026, 11, 20, 22, 30, tzinfo=timezone.utc)
    for n, (user_id, learner_id) in enumerate(zip(users, learners, strict=True)):
        tries = 2 if rng.random() < 0.25 else 1
        for attempt in range(tries):
            participation_id, assessment_id = str(uuid.uuid4()), str(uuid.uuid4())
            began = day0 + timedelta(days=rng.randint(0, 3) + 4 * attempt, minutes=n)
            events.append(envelope(
                "campaigns.participation.started.v1", participation_id, 1, **about, participation_id=participation_id,
                user_id=user_id, campaign_type="ASSESSMENT", participant_external_id=f"ext{n}",
                organization_learner_id=learner_id if rng.random() < 0.5 else None, is_improvement=attempt > 0,
                started_at=at(began)))
            answers = rng.randint(0, 4)
            for k in range(1, answers + 1):
                events.append(envelope(
                    "assessment.answer.recorded.v1", assessment_id, k + 1, participation_id=participation_id,
                    campaign_id=campaign_id, answered_at=at(began + timedelta(minutes=k)),
                    progress_rate=round(rng.random(), 4)))
            if answers and rng.random() < 0.7:
                events.append(envelope(
                    "assessment.assessment.completed.v1", assessment_id, 20, participation_id=participation_id,
                    campaign_id=campaign_id, completed_at=at(began + timedelta(minutes=30))))
                if rng.random() < 0.7:
                    shared = results({"1.1": (rng.randint(0, 3), 3), "2.1": (rng.randint(0, 1), 1)})
                    for version in (3, 4) if rng.random() < 0.3 else (3,):  # delivered again, later version
                        events.append(envelope(
                            "campaigns.participation.results_shared.v1", participation_id, version, **about,
                            participation_id=participation_id, user_id=user_id, campaign_type="ASSESSMENT",
                            shared_at=at(began + timedelta(hours=1 + rng.randint(0, 30))), results=shared))
                    if rng.random() < 0.3:
                        events.append(envelope(
                            "campaigns.participation.improvement_started.v1", participation_id, 5, **about,
                            participation_id=participation_id, user_id=user_id,
                            started_at=at(began + timedelta(days=2))))
            if rng.random() < 0.15:
                events.append(envelope(
                    "campaigns.participation.deleted.v1", participation_id, 10, **about,
                    participation_id=participation_id, deleted_by=str(uuid.uuid4()),
                    deleted_at=at(began + timedelta(days=3))))
        if rng.random() < 0.3:
            events.append(envelope("organizations.learner.unlinked.v1", learner_id, 5, learner_id=learner_id,
                                   organization_id=organization_id, user_id=user_id,
                                   unlinked_at=at(day0 + timedelta(days=5))))
        elif rng.random() < 0.3:
            events.append(envelope(
                "organizations.learners.imported.v1", organization_id, 3, organization_id=organization_id,
                learners=[{"learner_id": learner_id, "change": "UPDATED", "version": 4, "first_name": "Renommé",
                           "last_name": f"L{n}", "preferred_last_name": None, "birthdate": "2011-04-02",
                           "national_student_id": None, "student_number": None, "division": "4C", "group": None,
                           "user_id": user_id, "disabled": False}]))
    return events


@pytest.fixture
def a_class(runtime, school):
    campaign_id = campaign(runtime, school.id, multiple_sendings=True)
    users = [account(runtime, f"Élève{n}", "Classe") for n in range(12)]
    learners = [learner(runtime, school.id, f"Élève{n}", "Classe", user_id=user_id, division="4B")
                for n, user_id in enumerate(users)]
    return campaign_id, users, learners


@pytest.mark.parametrize("seed", range(5))
def test_the_counts_equal_a_recount_after_each_event_in_order(runtime, school, a_class, seed):
    campaign_id, users, learners = a_class
    events = class_events(school.id, campaign_id, users, learners, random.Random(seed))
    for event in events:
        handle_envelope(runtime, event)
    got = assert_counts_match(runtime, campaign_id)
    assert got["count"] > 0 and len(got["days"]) > 1


@pytest.mark.parametrize("seed", range(8))
def test_the_counts_equal_a_recount_whatever_the_order_and_duplicates(runtime, school, a_class, seed):
    campaign_id, users, learners = a_class
    rng = random.Random(100 + seed)
    events = class_events(school.id, campaign_id, users, learners, rng)
    delivered = rng.sample(events, len(events)) + rng.sample(events, len(events) // 4)  # a quarter twice
    checks = set(rng.sample(range(len(delivered)), 5))
    for n, event in enumerate(delivered):
        handle_envelope(runtime, event)
        if n in checks:  # not only at the end: after any prefix
            assert_counts_match(runtime, campaign_id)
    got = assert_counts_match(runtime, campaign_id)
    assert sum(got["by_status"].values()) == got["count"]


@pytest.mark.parametrize("seed", range(4))
def test_the_counts_equal_a_recount_when_events_come_in_the_consumer_s_batches(runtime, school, a_class, seed):
    """One transaction per batch (``CONSUMER_BATCH``): every statement of the batch moves the counts of the same
    slot, and the batch's events reach them once each, duplicates in the same batch included."""
    campaign_id, users, learners = a_class
    rng = random.Random(200 + seed)
    events = class_events(school.id, campaign_id, users, learners, rng)
    delivered = rng.sample(events, len(events)) + rng.sample(events, 5)
    subscriptions = runtime.subscriptions()
    for first in range(0, len(delivered), 17):
        batch = delivered[first:first + 17]
        for subscription in subscriptions:
            mine = [event for event in batch if event.event_type in subscription.event_types]
            if mine:
                subscription.batch_handler(mine)
    assert_counts_match(runtime, campaign_id)


def test_a_failed_batch_moves_no_count(runtime, school, a_class):
    from msgkit import MalformedMessage

    campaign_id, users, learners = a_class
    events = class_events(school.id, campaign_id, users, learners, random.Random(5))
    starts = [event for event in events if event.event_type == "campaigns.participation.started.v1"]
    broken = envelope("campaigns.participation.started.v1", str(uuid.uuid4()), 1, campaign_id="not-a-uuid")
    subscription = next(s for s in runtime.subscriptions() if broken.event_type in s.event_types)
    with pytest.raises(MalformedMessage):
        subscription.batch_handler([*starts, broken])
    assert assert_counts_match(runtime, campaign_id)["count"] == 0


def test_the_averages_are_those_of_the_participations_present(runtime, school, a_class):
    campaign_id, users, learners = a_class
    events = class_events(school.id, campaign_id, users, learners, random.Random(11))
    for event in events:
        handle_envelope(runtime, event)
    got = assert_counts_match(runtime, campaign_id)
    with runtime.engine.connect() as connection:
        progress = connection.execute(select(participations.c.progress_rate).where(
            *live_participations(campaign_id))).scalars().all()
    assert got["progress"] == sum(progress) / len(progress)  # PostgreSQL's avg, to its last digit


def test_the_migration_back_fills_the_counts_of_the_participations_already_there(runtime, school, a_class):
    """Revision 0006 counts the rows written before it (then its trigger keeps them)."""
    campaign_id, users, learners = a_class
    for event in class_events(school.id, campaign_id, users, learners, random.Random(3)):
        handle_envelope(runtime, event)
    with runtime.engine.connect() as connection:
        rows = [dict(row._mapping) for row in connection.execute(
            select(participations).where(participations.c.campaign_id == campaign_id))]
        expected = recount(connection, campaign_id)
    computed = {column.name for column in participations.c if column.computed is not None}
    with fresh_database("reporting_backfill") as url:
        migrations.upgrade(url, "reporting:migrations", "0005")
        engine = create_engine(normalize_database_url(url))
        try:
            with engine.begin() as connection:
                connection.execute(insert(participations), [
                    {name: value for name, value in row.items() if name not in computed} for row in rows])
            migrations.upgrade(url, "reporting:migrations", "head")
            with engine.connect() as connection:
                assert kept(connection, campaign_id) == expected
                assert connection.execute(text("SELECT DISTINCT slot FROM campaign_counts")).scalars().all() == [0]
        finally:
            engine.dispose()
    assert expected["count"] > 0
