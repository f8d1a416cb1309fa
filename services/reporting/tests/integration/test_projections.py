"""The read models built from contract examples: in order, duplicated, out of order, stale, and rebuilt."""

from __future__ import annotations

import random
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from reporting_it import account, answer, campaign, complete, deliver, learner, release, results, share, start
from sqlalchemy import func, select

from reporting.adapters import orm
from reporting.adapters.read_models import PROJECTION_TABLES
from reporting.entrypoints.cli import main
from reporting.entrypoints.consumers.subscriptions import read
from reporting.service_layer import projections
from svckit.testing import example_envelope, handle_envelope


def envelope(event_type: str, aggregate_id: str, version: int = 1, **payload):
    return example_envelope(event_type, aggregate_id=aggregate_id, aggregate_version=version,
                            contracts_from=Path(__file__).parent, **payload)


def participation_row(runtime, participation_id):
    with runtime.engine.connect() as connection:
        return connection.execute(select(orm.participations).where(
            orm.participations.c.id == participation_id)).one()


def campaign_row(runtime, campaign_id):
    with runtime.engine.connect() as connection:
        return connection.execute(select(orm.campaigns).where(orm.campaigns.c.id == campaign_id)).one()


def journaled(runtime, message_id) -> int:
    with runtime.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(orm.journal).where(
            orm.journal.c.message_id == message_id)).scalar()


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
    assert row.results["competences"][0]["competence_code"] == "1.1"


def test_a_profiles_collection_participation_has_something_to_send_from_the_start(runtime, school):
    campaign_id = campaign(runtime, school.id, type="PROFILES_COLLECTION")
    participation_id = start(runtime, campaign_id, school.id, account(runtime, "Zoé", "Lefèvre"),
                             type="PROFILES_COLLECTION")
    row = participation_row(runtime, participation_id)
    assert (row.status, float(row.progress_rate)) == ("TO_SHARE", 1.0)


def test_a_message_delivered_twice_is_journaled_and_applied_once(runtime, school):
    campaign_id = campaign(runtime, school.id)
    user_id = account(runtime, "Lou", "Apprenant")
    participation_id = start(runtime, campaign_id, school.id, user_id)
    progress = envelope("assessment.answer.recorded.v1", str(uuid.uuid4()), 2, participation_id=participation_id,
                        campaign_id=campaign_id, answered_at="2026-11-20T09:05:00Z", progress_rate=0.3)
    handle_envelope(runtime, progress)
    answer(runtime, participation_id, campaign_id, 0.5, at="2026-11-20T09:06:00Z")
    handle_envelope(runtime, progress)  # redelivered after a later answer: no second effect

    assert journaled(runtime, progress.message_id) == 1
    assert float(participation_row(runtime, participation_id).progress_rate) == 0.5


def test_results_shared_before_the_start_arrives_keep_both(runtime, school):
    campaign_id = campaign(runtime, school.id)
    user_id, participation_id = account(runtime, "Lou", "Apprenant"), str(uuid.uuid4())
    share(runtime, participation_id, campaign_id, school.id, user_id, results({"1.1": (2, 4)}), version=4)
    deliver(runtime, "campaigns.participation.started.v1", participation_id, 1, participation_id=participation_id,
            campaign_id=campaign_id, organization_id=school.id, user_id=user_id, campaign_type="ASSESSMENT",
            participant_external_id="ext-42", organization_learner_id=None, is_improvement=False,
            started_at="2026-11-20T09:00:00Z")

    row = participation_row(runtime, participation_id)
    assert (row.status, row.version, row.participant_external_id) == ("SHARED", 4, "ext-42")
    assert row.started_at.isoformat() == "2026-11-20T09:00:00+00:00"
    assert float(row.mastery_rate) == 0.5


def test_a_stale_campaign_update_changes_nothing(runtime, school):
    campaign_id = campaign(runtime, school.id, name="Première")
    details = {"campaign_id": campaign_id, "organization_id": school.id, "title": None, "multiple_sendings": False}
    deliver(runtime, "campaigns.campaign.updated.v1", campaign_id, 3, name="Troisième", **details)
    deliver(runtime, "campaigns.campaign.updated.v1", campaign_id, 2, name="Deuxième", **details)
    deliver(runtime, "campaigns.campaign.archived.v1", campaign_id, 5, campaign_id=campaign_id,
            organization_id=school.id, archived_at="2026-11-21T08:00:00Z")
    deliver(runtime, "campaigns.campaign.unarchived.v1", campaign_id, 4, campaign_id=campaign_id,
            organization_id=school.id)

    row = campaign_row(runtime, campaign_id)
    assert (row.name, row.details_version, row.archive_version) == ("Troisième", 3, 5)
    assert row.archived_at is not None


def test_a_campaign_known_first_by_its_update_gets_its_code_from_the_late_creation(runtime, school):
    campaign_id = str(uuid.uuid4())
    deliver(runtime, "campaigns.campaign.updated.v1", campaign_id, 2, campaign_id=campaign_id,
            organization_id=school.id, name="Renommée", title=None, multiple_sendings=False)
    deliver(runtime, "campaigns.campaign.created.v1", campaign_id, 1, campaign_id=campaign_id,
            organization_id=school.id, name="Originale", code="LATECODE1", type="ASSESSMENT",
            target_skill_ids=["recherche1"], external_id_label=None, title=None)

    row = campaign_row(runtime, campaign_id)
    assert (row.name, row.code, row.type, row.target_skill_ids) == ("Renommée", "LATECODE1", "ASSESSMENT",
                                                                      ["recherche1"])


def test_a_deleted_participation_stays_anonymous_when_its_start_arrives_late(runtime, school):
    campaign_id = campaign(runtime, school.id)
    participation_id = str(uuid.uuid4())
    deliver(runtime, "campaigns.participation.deleted.v1", participation_id, 5, participation_id=participation_id,
            campaign_id=campaign_id, organization_id=school.id)
    deliver(runtime, "campaigns.participation.started.v1", participation_id, 1, participation_id=participation_id,
            campaign_id=campaign_id, organization_id=school.id, user_id=account(runtime, "Lou", "Apprenant"),
            campaign_type="ASSESSMENT", participant_external_id="secret", organization_learner_id=None,
            is_improvement=False, started_at="2026-11-20T09:00:00Z")

    row = participation_row(runtime, participation_id)
    assert row.deleted_at is not None
    assert (row.user_id, row.participant_external_id, row.version) == (None, None, 5)


def test_a_late_answer_does_not_take_progress_back(runtime, school):
    campaign_id = campaign(runtime, school.id)
    participation_id = start(runtime, campaign_id, school.id, account(runtime, "Lou", "Apprenant"))
    complete(runtime, participation_id, campaign_id, at="2026-11-20T09:30:00Z")
    answer(runtime, participation_id, campaign_id, 0.6, at="2026-11-20T09:20:00Z")

    row = participation_row(runtime, participation_id)
    assert (row.status, float(row.progress_rate)) == ("TO_SHARE", 1.0)


def test_an_improvement_starts_again_and_ignores_the_previous_assessment(runtime, school):
    campaign_id = campaign(runtime, school.id)
    user_id = account(runtime, "Lou", "Apprenant")
    participation_id = start(runtime, campaign_id, school.id, user_id)
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    complete(runtime, participation_id, campaign_id, at="2026-11-20T09:30:00Z", assessment_id=first)
    deliver(runtime, "campaigns.participation.improvement_started.v1", participation_id, 3,
            participation_id=participation_id, campaign_id=campaign_id, organization_id=school.id, user_id=user_id,
            started_at="2026-11-20T10:00:00Z")
    assert (participation_row(runtime, participation_id).status,
            float(participation_row(runtime, participation_id).progress_rate)) == ("STARTED", 0.0)

    answer(runtime, participation_id, campaign_id, 0.7, at="2026-11-20T10:05:00Z", assessment_id=second)
    answer(runtime, participation_id, campaign_id, 0.9, at="2026-11-20T09:25:00Z", assessment_id=first)  # late
    row = participation_row(runtime, participation_id)
    assert (row.status, float(row.progress_rate)) == ("STARTED", 0.7)

    complete(runtime, participation_id, campaign_id, at="2026-11-20T10:20:00Z", assessment_id=second)
    assert participation_row(runtime, participation_id).status == "TO_SHARE"


def test_a_retry_supersedes_the_earlier_participation_in_either_order(runtime, school):
    campaign_id = campaign(runtime, school.id, multiple_sendings=True)
    user_id = account(runtime, "Lou", "Apprenant")
    later = start(runtime, campaign_id, school.id, user_id, at="2026-11-22T09:00:00Z", is_improvement=True)
    earlier = start(runtime, campaign_id, school.id, user_id, at="2026-11-20T09:00:00Z")  # arrives second

    assert participation_row(runtime, earlier).superseded is True
    assert participation_row(runtime, later).superseded is False


def test_a_learner_linked_before_the_import_arrives_keeps_its_names_and_its_account(runtime, school):
    learner_id, user_id = str(uuid.uuid4()), account(runtime, "Zoé", "Lefèvre")
    deliver(runtime, "organizations.learner.linked.v1", learner_id, 3, learner_id=learner_id,
            organization_id=school.id, user_id=user_id)
    deliver(runtime, "organizations.learners.imported.v1", school.id, 4, organization_id=school.id, learners=[
        {"learner_id": learner_id, "change": "CREATED", "version": 2, "first_name": "Zoé", "last_name": "Lefèvre",
         "preferred_last_name": None, "birthdate": "2011-04-02", "national_student_id": None, "student_number": None,
         "division": "5B", "group": None, "user_id": None, "disabled": False}])

    with runtime.engine.connect() as connection:
        row = connection.execute(select(orm.learners).where(orm.learners.c.id == learner_id)).one()
    assert (row.first_name, row.division, str(row.user_id), row.version, row.link_version) == (
        "Zoé", "5B", user_id, 2, 3)


def test_an_older_content_release_does_not_replace_a_newer_one(runtime):
    release(runtime, 7)
    deliver(runtime, "assessment.content.released.v1", "learning-content", 6, version=6,
            areas=[{"code": "9", "name": {"fr": "Ancien", "en": "Old"}}], competences=[], tubes=[], skills=[],
            target_profiles=[])
    with runtime.engine.connect() as connection:
        assert connection.execute(select(orm.content_release.c.version)).scalar() == 7
        assert connection.execute(select(orm.areas.c.code).where(orm.areas.c.code == "9")).first() is None


def life_of_a_participation(organization_id: str, user_id: str) -> list:
    """Every event of one campaign and one participation, from creation to shared results."""
    campaign_id, participation_id, assessment_id = (str(uuid.uuid4()) for _ in range(3))
    about = {"campaign_id": campaign_id, "organization_id": organization_id}
    return [
        envelope("campaigns.campaign.created.v1", campaign_id, 1, **about, name="Diagnostic", code="ORDERS123",
                 type="ASSESSMENT", target_skill_ids=["recherche1", "donnees1"], external_id_label=None, title=None),
        envelope("campaigns.campaign.updated.v1", campaign_id, 2, **about, name="Diagnostic (2026)", title="T",
                 multiple_sendings=False),
        envelope("campaigns.campaign.archived.v1", campaign_id, 3, **about, archived_at="2026-11-25T08:00:00Z"),
        envelope("campaigns.participation.started.v1", participation_id, 1, **about,
                 participation_id=participation_id, user_id=user_id, campaign_type="ASSESSMENT",
                 participant_external_id="ext", organization_learner_id=None, is_improvement=False,
                 started_at="2026-11-20T09:00:00Z"),
        *[envelope("assessment.answer.recorded.v1", assessment_id, n, participation_id=participation_id,
                   campaign_id=campaign_id, answered_at=f"2026-11-20T09:0{n}:00Z", progress_rate=n / 10)
          for n in range(1, 5)],
        envelope("assessment.assessment.completed.v1", assessment_id, 5, participation_id=participation_id,
                 campaign_id=campaign_id, completed_at="2026-11-20T09:30:00Z"),
        envelope("campaigns.participation.results_shared.v1", participation_id, 3, **about,
                 participation_id=participation_id, user_id=user_id, campaign_type="ASSESSMENT",
                 shared_at="2026-11-20T10:00:00Z", results=results({"1.1": (1, 1), "1.2": (0, 1)})),
    ]


def outcome(runtime, events) -> tuple:
    """What the read models say of the campaign and participation of ``events``, ids left out."""
    campaign_id, participation_id = events[0].aggregate_id, events[3].aggregate_id
    keep = lambda row, *drop: {k: v for k, v in row._asdict().items() if k not in drop}  # noqa: E731
    return (keep(campaign_row(runtime, campaign_id), "id"),
            keep(participation_row(runtime, participation_id), "id", "campaign_id"))


@pytest.mark.parametrize("seed", range(6))
def test_the_same_events_in_any_order_build_the_same_read_models(runtime, school, seed):
    user_id = account(runtime, "Lou", "Apprenant")
    in_order, shuffled = life_of_a_participation(school.id, user_id), life_of_a_participation(school.id, user_id)
    for event in in_order:
        handle_envelope(runtime, event)
    for event in random.Random(seed).sample(shuffled, len(shuffled)):
        handle_envelope(runtime, event)

    got = outcome(runtime, shuffled)
    assert got == outcome(runtime, in_order)
    assert got[1]["status"] == "SHARED" and got[0]["name"] == "Diagnostic (2026)" and got[0]["archived_at"]


@pytest.mark.parametrize("seed", range(4))
def test_the_same_events_in_batches_build_the_same_read_models_as_one_by_one(runtime, school, seed):
    """The consumer's batch path (``CONSUMER_BATCH``): each queue's events of a shuffled life, with duplicates, in
    one batch handler call (one transaction); the read models are those of the events handled one by one, and each
    event is journaled once."""
    user_id = account(runtime, "Lou", "Apprenant")
    one_by_one, batched = life_of_a_participation(school.id, user_id), life_of_a_participation(school.id, user_id)
    for event in one_by_one:
        handle_envelope(runtime, event)
    rng = random.Random(seed)
    delivered = rng.sample(batched, len(batched)) + rng.sample(batched, 3)  # three redelivered in the same batches
    subscriptions = runtime.subscriptions()
    assert all(s.batch_handler is not None for s in subscriptions)
    for subscription in subscriptions:
        mine = [event for event in delivered if event.event_type in subscription.event_types]
        if mine:
            subscription.batch_handler(mine)

    got = outcome(runtime, batched)
    assert got == outcome(runtime, one_by_one)
    assert got[1]["status"] == "SHARED"
    assert all(journaled(runtime, event.message_id) == 1 for event in batched)


def answers_of(participation_id: str, campaign_id: str, rng: random.Random) -> list:
    """A participation's answers and completion, some sharing a minute, some repeated (a redelivery)."""
    assessment_id = str(uuid.uuid5(uuid.NAMESPACE_URL, participation_id))
    about = {"assessment_id": assessment_id, "participation_id": participation_id, "campaign_id": campaign_id}
    events = [envelope("assessment.answer.recorded.v1", assessment_id, n, **about, progress_rate=n / 10,
                       answered_at=f"2026-11-20T09:{rng.randint(1, 9):02d}:00Z") for n in range(1, 8)]
    events.append(envelope("assessment.assessment.completed.v1", assessment_id, 8, **about,
                           completed_at=f"2026-11-20T09:{rng.randint(5, 9):02d}:00Z"))
    return events + rng.sample(events, 2)


def test_a_batch_of_answers_is_written_in_one_statement_per_table_and_leaves_the_rows_of_one_by_one(runtime, school):
    """Many answers of many participations (some restarted after some of their answers): the batch journals them
    in one statement, in the order they came, and writes the participations in one; each row then is the one the
    same answers handled one by one give."""
    from sqlalchemy import event

    campaign_id, user_id, rng = campaign(runtime, school.id), account(runtime, "Lou", "Apprenant"), random.Random(7)
    pairs = [(start(runtime, campaign_id, school.id, user_id), start(runtime, campaign_id, school.id, user_id))
             for _ in range(12)]
    for one, other in pairs[:4]:  # restarted at 09:04: earlier answers do not count
        for participation_id in (one, other):
            deliver(runtime, "campaigns.participation.improvement_started.v1", participation_id, 2,
                    participation_id=participation_id, campaign_id=campaign_id, organization_id=school.id,
                    started_at="2026-11-20T09:04:00Z")
    twin = dict(pairs)
    batch = [event for one, _ in pairs for event in answers_of(one, campaign_id, rng)]
    rng.shuffle(batch)
    twins = {}
    for e in batch:
        other = twin[e.payload["participation_id"]]
        twins[e.message_id] = envelope(e.event_type, str(uuid.uuid5(uuid.NAMESPACE_URL, other)), e.aggregate_version,
                                       **{**e.payload, "participation_id": other})
    for single in (twins[e.message_id] for e in batch):  # the same answers, in the same order, redeliveries too

        handle_envelope(runtime, single)

    statements = []
    listen = lambda _c, _cursor, sql, *_: statements.append(sql)  # noqa: E731
    event.listen(runtime.engine, "before_cursor_execute", listen)
    try:
        next(s for s in runtime.subscriptions() if batch[0].event_type in s.event_types).batch_handler(batch)
    finally:
        event.remove(runtime.engine, "before_cursor_execute", listen)

    assert sum("INSERT INTO journal" in sql for sql in statements) == 1, statements
    assert sum("participations" in sql for sql in statements) == 1, statements
    with runtime.engine.connect() as connection:
        journaled_ids = connection.execute(select(orm.journal.c.message_id).where(
            orm.journal.c.message_id.in_([e.message_id for e in batch])).order_by(orm.journal.c.seq)).scalars().all()
    assert [str(m) for m in journaled_ids] == list(dict.fromkeys(e.message_id for e in batch))
    progress = lambda row: (row.progress_rate, row.progress_at, row.completed_at, row.status)  # noqa: E731
    for one, other in pairs:
        assert progress(participation_row(runtime, one)) == progress(participation_row(runtime, other))
    # some completions were taken, some came before a later answer and were not (as one by one)
    assert {participation_row(runtime, one).status for one, _ in pairs} == {"TO_SHARE", "STARTED"}


def test_a_batch_of_shares_derives_the_results_once_and_leaves_the_totals_of_one_by_one(runtime, school):
    """Shares (and a deletion) in one batch: the shared results and the campaign's totals are derived once, at
    the commit, in a few statements whatever the batch's size, and equal those of the same events one by one."""
    from sqlalchemy import event

    user_id, rng = account(runtime, "Lou", "Apprenant"), random.Random(3)
    batched, alone = campaign(runtime, school.id), campaign(runtime, school.id)
    shares: dict[str, list] = {batched: [], alone: []}
    for _ in range(20):
        competences = {"1.1": (rng.randint(0, 4), 4), "2.1": (rng.randint(0, 1), 1)}
        for campaign_id in (batched, alone):
            participation_id = start(runtime, campaign_id, school.id, user_id)
            shares[campaign_id].append(envelope(
                "campaigns.participation.results_shared.v1", participation_id, 3, participation_id=participation_id,
                campaign_id=campaign_id, organization_id=school.id, user_id=user_id, campaign_type="ASSESSMENT",
                shared_at="2026-11-20T10:00:00Z", results=results(competences)))
    for campaign_id in (batched, alone):  # the last one shared is deleted in the same batch
        gone = shares[campaign_id][-1].aggregate_id
        shares[campaign_id].append(envelope(
            "campaigns.participation.deleted.v1", gone, 9, participation_id=gone, campaign_id=campaign_id,
            organization_id=school.id, deleted_at="2026-11-21T10:00:00Z"))
    for single in shares[alone]:
        handle_envelope(runtime, single)

    statements = []
    listen = lambda _c, _cursor, sql, *_: statements.append(sql)  # noqa: E731
    event.listen(runtime.engine, "before_cursor_execute", listen)
    try:
        next(s for s in runtime.subscriptions() if shares[batched][0].event_type in s.event_types).batch_handler(
            shares[batched])
    finally:
        event.remove(runtime.engine, "before_cursor_execute", listen)

    assert sum("shared_results" in sql for sql in statements) == 2, statements  # their rows, deleted and derived
    assert sum("collective_totals" in sql for sql in statements) == 1, statements
    with runtime.engine.connect() as connection:
        def totals(campaign_id):
            table = orm.collective_totals
            return sorted(tuple(row)[1:] for row in connection.execute(
                select(table).where(table.c.campaign_id == campaign_id)).all())

        assert totals(batched) == totals(alone) and totals(batched)


def test_a_batch_with_an_unreadable_payload_changes_nothing(runtime, school):
    """All or nothing: the consumer then handles each message alone, and the unreadable one is dead-lettered."""
    from msgkit import MalformedMessage

    user_id = account(runtime, "Lou", "Apprenant")
    events = life_of_a_participation(school.id, user_id)
    answers = [event for event in events if event.event_type == "assessment.answer.recorded.v1"]
    broken = envelope("assessment.answer.recorded.v1", answers[0].aggregate_id, 9, participation_id="not-a-uuid",
                      campaign_id=events[0].aggregate_id, answered_at="2026-11-20T09:09:00Z", progress_rate=0.9)
    subscription = next(s for s in runtime.subscriptions() if broken.event_type in s.event_types)
    with pytest.raises(MalformedMessage):
        subscription.batch_handler([*answers, broken])
    assert all(journaled(runtime, event.message_id) == 0 for event in answers)


def snapshot(runtime) -> dict[str, list]:
    """Every read model's rows; the running counts added up over their slots (which slot a transaction writes
    is chance), zeros left out."""
    def rows(connection, table):
        if "slot" not in table.c:
            return connection.execute(select(table)).all()
        keys = [column for column in table.primary_key.columns if column.name != "slot"]
        counts = [func.sum(column) for column in table.c if column.name not in {"slot", *(k.name for k in keys)}]
        return [row for row in connection.execute(select(*keys, *counts).group_by(*keys)).all()
                if any(row[len(keys):])]

    with runtime.engine.connect() as connection:
        return {table.name: sorted(map(tuple, rows(connection, table)), key=repr)
                for tables in PROJECTION_TABLES.values() for table in tables}


def test_a_rebuild_from_the_journal_gives_the_same_read_models(runtime, school):
    campaign_id = campaign(runtime, school.id)
    user_id = account(runtime, "Lou", "Apprenant")
    learner(runtime, school.id, "Lou", "Apprenant", user_id=user_id, division="4B")
    participation_id = start(runtime, campaign_id, school.id, user_id)
    complete(runtime, participation_id, campaign_id)
    share(runtime, participation_id, campaign_id, school.id, user_id, results({"1.1": (3, 4)}))
    before = snapshot(runtime)

    applied = projections.rebuild(runtime.uow(), projections.NAMES, read)

    assert applied >= 8
    assert snapshot(runtime) == before


def test_one_read_model_can_be_rebuilt_alone(runtime, school):
    campaign_id = campaign(runtime, school.id, name="Seule")
    with runtime.engine.begin() as connection:
        connection.execute(orm.campaigns.delete())  # as if the read model were new, or lost
    projections.rebuild(runtime.uow(), ["campaigns"], read)
    assert campaign_row(runtime, campaign_id).name == "Seule"


def test_an_unknown_read_model_name_is_refused(runtime):
    with pytest.raises(ValueError, match="unknown projection"):
        projections.rebuild(runtime.uow(), ["everything"], read)


def test_the_commands_show_the_journal_and_rebuild_the_read_models(runtime, school, reporting_database,
                                                                      monkeypatch):
    campaign_id = campaign(runtime, school.id, name="Par la commande")
    monkeypatch.setenv("DATABASE_URL", reporting_database)
    monkeypatch.setenv("SERVICE_ENV", "test")

    status = CliRunner().invoke(main, ["projections", "status"])
    rebuilt = CliRunner().invoke(main, ["projections", "rebuild", "campaigns"])
    refused = CliRunner().invoke(main, ["projections", "rebuild", "everything"])

    assert status.exit_code == 0, status.output
    assert "campaigns.campaign.created.v1" in status.output and "lag" in status.output
    assert rebuilt.exit_code == 0, rebuilt.output
    assert rebuilt.output.startswith("rebuilt campaigns from ")
    assert campaign_row(runtime, campaign_id).name == "Par la commande"
    assert refused.exit_code != 0 and "unknown projection(s): everything" in refused.output


def shared_result_codes(runtime, participation_id) -> list[str]:
    with runtime.engine.connect() as connection:
        return sorted(connection.execute(select(orm.shared_results.c.competence_code).where(
            orm.shared_results.c.participation_id == participation_id)).scalars())


def test_a_participant_is_named_by_the_learner_imported_after_the_start(runtime, school):
    campaign_id = campaign(runtime, school.id)
    user_id = account(runtime, "Lou", "Compte")
    participation_id = start(runtime, campaign_id, school.id, user_id)
    assert (participation_row(runtime, participation_id).last_name,
            participation_row(runtime, participation_id).division) == ("Compte", None)

    learner_id = learner(runtime, school.id, "Lou", "Apprenant", user_id=user_id, division="4B")

    row = participation_row(runtime, participation_id)
    assert (row.first_name, row.last_name, row.division, str(row.learner_id)) == ("Lou", "Apprenant", "4B",
                                                                                   learner_id)


def test_a_participant_named_before_their_account_is_known_gets_the_account_s_names(runtime, school):
    campaign_id, user_id = campaign(runtime, school.id), str(uuid.uuid4())
    participation_id = start(runtime, campaign_id, school.id, user_id)
    assert participation_row(runtime, participation_id).last_name is None

    deliver(runtime, "identity.user.registered.v1", user_id, user_id=user_id, first_name="Sacha", last_name="Tardif",
            email="sacha@example.org")

    assert participation_row(runtime, participation_id).last_name == "Tardif"


def test_a_learner_linked_to_another_account_stops_naming_the_first_one(runtime, school):
    campaign_id = campaign(runtime, school.id)
    first, second = account(runtime, "Un", "Premier"), account(runtime, "Deux", "Second")
    learner_id = learner(runtime, school.id, "Zoé", "Lefèvre", user_id=first, division="5B")
    by_first = start(runtime, campaign_id, school.id, first)
    by_second = start(runtime, campaign_id, school.id, second)
    assert participation_row(runtime, by_first).last_name == "Lefèvre"

    deliver(runtime, "organizations.learner.linked.v1", learner_id, 5, learner_id=learner_id,
            organization_id=school.id, user_id=second)

    assert (participation_row(runtime, by_first).last_name, participation_row(runtime, by_first).learner_id) == (
        "Premier", None)
    assert participation_row(runtime, by_second).last_name == "Lefèvre"


def test_an_unlinked_learner_stops_naming_the_account_s_other_participations_but_keeps_its_own(runtime, school):
    campaign_id, other_campaign = campaign(runtime, school.id), campaign(runtime, school.id)
    account_id = account(runtime, "Faux", "Compte")
    learner_id = learner(runtime, school.id, "Zoé", "Lefèvre", user_id=account_id, division="5B")
    as_the_learner = start(runtime, campaign_id, school.id, account_id, learner_id=learner_id)
    through_the_account = start(runtime, other_campaign, school.id, account_id)
    assert participation_row(runtime, through_the_account).last_name == "Lefèvre"

    deliver(runtime, "organizations.learner.unlinked.v1", learner_id, 5, learner_id=learner_id,
            organization_id=school.id, user_id=account_id)

    kept, released = participation_row(runtime, as_the_learner), participation_row(runtime, through_the_account)
    assert (kept.last_name, kept.division, str(kept.learner_id)) == ("Lefèvre", "5B", learner_id)
    assert (released.last_name, released.division, released.learner_id) == ("Compte", None, None)


def learner_row(runtime, learner_id):
    with runtime.engine.connect() as connection:
        return connection.execute(select(orm.learners).where(orm.learners.c.id == learner_id)).one()


def life_of_a_link(organization_id: str, first: str, second: str) -> list:
    """A learner imported, linked to an account, unlinked by an admin, linked to another account, imported again."""
    learner_id = str(uuid.uuid4())
    about = {"learner_id": learner_id, "organization_id": organization_id}

    def imported(list_version: int, version: int, user_id: str | None, division: str):
        return envelope("organizations.learners.imported.v1", organization_id, list_version,
                        organization_id=organization_id, learners=[{
                            "learner_id": learner_id, "change": "UPDATED", "version": version, "first_name": "Zoé",
                            "last_name": "Lefèvre", "preferred_last_name": None, "birthdate": "2011-04-02",
                            "national_student_id": None, "student_number": None, "division": division, "group": None,
                            "user_id": user_id, "disabled": False}])

    return [
        imported(1, 1, None, "5A"),
        envelope("organizations.learner.linked.v1", learner_id, 2, **about, user_id=first,
                 linked_at="2026-11-23T09:00:00Z"),
        envelope("organizations.learner.unlinked.v1", learner_id, 3, **about, user_id=first),
        envelope("organizations.learner.linked.v1", learner_id, 4, **about, user_id=second,
                 linked_at="2026-11-25T10:00:00Z"),
        imported(2, 5, second, "5B"),
    ]


@pytest.mark.parametrize("seed", range(8))
def test_links_and_unlinks_in_any_order_leave_the_last_link_and_its_date(runtime, school, seed):
    first, second = account(runtime, "Un", "Premier"), account(runtime, "Deux", "Second")
    events = life_of_a_link(school.id, first, second)
    for event in random.Random(seed).sample(events, len(events)):
        handle_envelope(runtime, event)
    row = learner_row(runtime, events[1].payload["learner_id"])
    assert (str(row.user_id), row.linked_at.isoformat(), row.division, row.version, row.link_version) == (
        second, "2026-11-25T10:00:00+00:00", "5B", 5, 5)


def test_an_import_that_brings_another_account_does_not_lend_it_the_first_one_s_date(runtime, school):
    first, second = account(runtime, "Un", "Premier"), account(runtime, "Deux", "Second")
    events = life_of_a_link(school.id, first, second)
    for event in (events[0], events[1], events[4]):  # the unlink and the second link still on their way
        handle_envelope(runtime, event)
    row = learner_row(runtime, events[1].payload["learner_id"])
    assert (str(row.user_id), row.linked_at) == (second, None)


@pytest.mark.parametrize("seed", range(4))
def test_an_unlink_in_any_order_leaves_no_link(runtime, school, seed):
    first, second = account(runtime, "Un", "Premier"), account(runtime, "Deux", "Second")
    events = life_of_a_link(school.id, first, second)[:3]  # imported, linked, unlinked
    for event in random.Random(seed).sample(events, len(events)):
        handle_envelope(runtime, event)
    row = learner_row(runtime, events[1].payload["learner_id"])
    assert (row.user_id, row.linked_at, row.first_name, row.link_version) == (None, None, "Zoé", 3)


def test_shared_results_are_averaged_only_while_the_participation_is_live(runtime, school):
    campaign_id = campaign(runtime, school.id, multiple_sendings=True)
    user_id = account(runtime, "Lou", "Apprenant")
    first = start(runtime, campaign_id, school.id, user_id, at="2026-11-20T09:00:00Z")
    share(runtime, first, campaign_id, school.id, user_id, results({"1.1": (2, 3), "2.1": (1, 1)}))
    assert shared_result_codes(runtime, first) == ["1.1", "2.1"]

    retry = start(runtime, campaign_id, school.id, user_id, at="2026-11-25T09:00:00Z", is_improvement=True)
    assert shared_result_codes(runtime, first) == []  # superseded by the retry
    share(runtime, retry, campaign_id, school.id, user_id, results({"1.1": (3, 3)}),
          at="2026-11-25T10:00:00Z")
    assert shared_result_codes(runtime, retry) == ["1.1"]

    deliver(runtime, "campaigns.participation.deleted.v1", retry, 9, participation_id=retry,
            campaign_id=campaign_id, organization_id=school.id)
    assert shared_result_codes(runtime, retry) == []


def test_the_running_totals_always_equal_the_sum_of_the_shared_results_present(runtime, school):
    campaign_id = campaign(runtime, school.id, multiple_sendings=True)
    learners_ids = [account(runtime, f"L{n}", "Apprenant") for n in range(4)]
    rng = random.Random(7)
    for n, user_id in enumerate(learners_ids):
        first = start(runtime, campaign_id, school.id, user_id, at=f"2026-11-2{n}T09:00:00Z")
        share(runtime, first, campaign_id, school.id, user_id,
              results({"1.1": (rng.randint(0, 3), 3), "2.1": (rng.randint(0, 1), 1)}))
        if n % 2:  # a retry supersedes the first sending, then sends again
            retry = start(runtime, campaign_id, school.id, user_id, at=f"2026-11-2{n}T15:00:00Z", is_improvement=True)
            share(runtime, retry, campaign_id, school.id, user_id, results({"1.1": (3, 3), "1.2": (1, 2)}),
                  at=f"2026-11-2{n}T16:00:00Z")
        if n == 2:
            deliver(runtime, "campaigns.participation.deleted.v1", first, 9, participation_id=first,
                    campaign_id=campaign_id, organization_id=school.id)

    results_table, totals = orm.shared_results, orm.collective_totals
    with runtime.engine.connect() as connection:
        expected = {(row.competence_code, row.participants, row.validated, row.mastery) for row in connection.execute(
            select(results_table.c.competence_code, func.count().label("participants"),
                   func.sum(results_table.c.validated_skills_count).label("validated"),
                   func.sum(results_table.c.mastery_rate).label("mastery"))
            .where(results_table.c.campaign_id == campaign_id).group_by(results_table.c.competence_code))}
        kept = {(row.code, row.participants, row.sum_validated, row.sum_mastery) for row in connection.execute(
            select(totals).where(totals.c.campaign_id == campaign_id, totals.c.kind == "COMPETENCE",
                   totals.c.participants > 0))}
    assert kept == expected
    assert {code for code, participants, *_ in kept} == {"1.1", "1.2", "2.1"}
    assert sum(participants for code, participants, *_ in kept if code == "1.1") == 3  # one learner deleted


def test_a_profile_whose_competences_name_no_area_or_pix_is_still_counted(runtime, school):
    campaign_id = campaign(runtime, school.id, type="PROFILES_COLLECTION")
    user_id = account(runtime, "Lou", "Apprenant")
    participation_id = start(runtime, campaign_id, school.id, user_id, type="PROFILES_COLLECTION")
    share(runtime, participation_id, campaign_id, school.id, user_id, {"profile": {
        "total_pix": 8, "certifiable": False, "competences": [{"competence_code": "2.1", "level": 1},
                                                              {"competence_code": "1.1", "pix": 8}]}},
          type="PROFILES_COLLECTION")

    with runtime.engine.connect() as connection:
        rows = connection.execute(select(orm.shared_results.c.competence_code, orm.shared_results.c.area_code,
                                         orm.shared_results.c.pix, orm.shared_results.c.level)
                                  .where(orm.shared_results.c.participation_id == participation_id)
                                  .order_by(orm.shared_results.c.competence_code)).all()
        profiles = connection.execute(select(orm.collective_totals.c.participants, orm.collective_totals.c.sum_pix)
                                      .where(orm.collective_totals.c.campaign_id == campaign_id,
                                             orm.collective_totals.c.kind == "PROFILE")).one()
    assert [tuple(row) for row in rows] == [("1.1", "1", 8, 0), ("2.1", "2", 0, 1)]
    assert tuple(profiles) == (1, 8)


def test_a_rebuild_is_one_long_transaction_that_no_time_bound_of_the_connection_cuts(runtime, school,
                                                                                    reporting_database, amqp_url):
    """As behind PgBouncer, where the database's bounds apply to every connection (the api's, 0.3 s here): the
    rebuild lifts them for its own transaction. A slow step between two statements does not end it."""
    import time

    from reporting.bootstrap import bootstrap
    from reporting.config import Settings

    campaign_id = campaign(runtime, school.id, name="Reconstruite")
    settings = Settings.from_env({"SERVICE_ENV": "test", "DATABASE_URL": reporting_database, "RABBITMQ_URL": amqp_url,
                                  "DB_IDLE_IN_TRANSACTION_TIMEOUT_MS": "300", "DB_STATEMENT_TIMEOUT_MS": "300"})
    bounded = bootstrap(settings)
    steps = []

    def slow_read(envelope):
        if not steps:
            time.sleep(0.6)  # longer than the idle bound, with the transaction open
        steps.append(envelope.event_type)
        return read(envelope)

    try:
        with bounded.engine.begin() as connection:
            connection.execute(orm.campaigns.delete())
        projections.rebuild(bounded.uow(), ["campaigns"], slow_read)
    finally:
        bounded.engine.dispose()
    assert steps and campaign_row(runtime, campaign_id).name == "Reconstruite"
