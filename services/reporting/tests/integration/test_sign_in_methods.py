"""How each account signs in (issue 19), as the projections keep it from identity's events: whether it has an email
address, its username, its GAR link; in any order, rebuilt from the journal, and back-filled by revision 0007."""

from __future__ import annotations

import json
import random
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from reporting.adapters import orm
from reporting.entrypoints.consumers.subscriptions import read
from reporting.service_layer import projections
from svckit import migrations
from svckit.config import normalize_database_url
from svckit.testing import example_envelope, fresh_database, handle_envelope


def envelope(event_type: str, aggregate_id: str, version: int = 1, **payload):
    return example_envelope(event_type, aggregate_id=aggregate_id, aggregate_version=version,
                            contracts_from=Path(__file__).parent, **payload)


def registered(user_id: str, **payload):
    return envelope("identity.user.registered.v1", user_id, 1, user_id=user_id, first_name="Chloé",
                    last_name="Cœurderoy", **payload)


def gar_linked(user_id: str, version: int = 2):
    return envelope("identity.user.gar_linked.v1", user_id, version, user_id=user_id)


def sign_in(runtime, user_id: str) -> tuple:
    with runtime.engine.connect() as connection:
        user = connection.execute(select(orm.users.c.has_email, orm.users.c.username)
                                  .where(orm.users.c.id == user_id)).first()
        gar = connection.execute(select(orm.gar_sign_ins.c.version, orm.gar_sign_ins.c.linked_at)
                                 .where(orm.gar_sign_ins.c.user_id == user_id)).first()
    return (tuple(user) if user else None), (tuple(gar) if gar else None)


@pytest.mark.parametrize("seed", range(4))
def test_a_registration_and_its_gar_link_in_any_order_give_the_same_account(runtime, seed):
    in_order, shuffled = str(uuid.uuid4()), str(uuid.uuid4())

    def life(user_id):
        return [registered(user_id, email=None, username="chloe.coeurderoy1402"), gar_linked(user_id),
                gar_linked(user_id)]

    for event in life(in_order):
        handle_envelope(runtime, event)
    for event in random.Random(seed).sample(life(shuffled), 3):
        handle_envelope(runtime, event)

    assert sign_in(runtime, shuffled) == sign_in(runtime, in_order)
    (has_email, username), (version, linked_at) = sign_in(runtime, shuffled)
    assert (has_email, username, version, linked_at.isoformat()) == (
        False, "chloe.coeurderoy1402", 2, "2026-12-07T08:02:11.201000+00:00")


def test_the_address_itself_is_not_kept(runtime):
    user_id = str(uuid.uuid4())
    handle_envelope(runtime, registered(user_id, email="chloe@example.org", username=None))

    assert sign_in(runtime, user_id) == ((True, None), None)
    with runtime.engine.connect() as connection:
        row = connection.execute(select(orm.users).where(orm.users.c.id == user_id)).one()
    assert "chloe@example.org" not in map(str, row)


def test_a_rebuild_from_the_journal_gives_the_same_sign_in_methods(runtime):
    user_id = str(uuid.uuid4())
    handle_envelope(runtime, registered(user_id, email="chloe@example.org", username=None))
    handle_envelope(runtime, gar_linked(user_id))
    before = sign_in(runtime, user_id)

    projections.rebuild(runtime.uow(), ["directory"], read)

    assert sign_in(runtime, user_id) == before == ((True, None), (2, before[1][1]))


def test_the_migration_back_fills_the_accounts_already_there_from_the_journal():
    """Revision 0007 reads the registrations journaled before it, with or without a username."""
    with_email, with_username, before_usernames = (str(uuid.uuid4()) for _ in range(3))
    events = [registered(with_email, email="lou@example.org", username=None),
              registered(with_username, email=None, username="chloe.coeurderoy1402"),
              registered(before_usernames, email="old@example.org")]
    del events[2].payload["username"]  # absent from the events of before issue 19
    with fresh_database("reporting_sign_in") as url:
        migrations.upgrade(url, "reporting:migrations", "0006")
        engine = create_engine(normalize_database_url(url))
        try:
            with engine.begin() as connection:
                for event in events:
                    connection.execute(text(
                        "INSERT INTO journal (message_id, event_type, aggregate_id, aggregate_version, occurred_at, "
                        "envelope) VALUES (:message_id, :event_type, :aggregate_id, 1, now(), CAST(:envelope AS jsonb))"
                    ), {"message_id": event.message_id, "event_type": event.event_type,
                        "aggregate_id": event.aggregate_id, "envelope": json.dumps(event.to_dict())})
                    connection.execute(text("INSERT INTO users (id, version, first_name, last_name) "
                                            "VALUES (:id, 1, 'Chloé', 'Cœurderoy')"), {"id": event.aggregate_id})
            migrations.upgrade(url, "reporting:migrations", "head")
            with engine.connect() as connection:
                got = dict(connection.execute(text("SELECT id::text, (has_email, username)::text FROM users")).all())
        finally:
            engine.dispose()
    assert got == {with_email: "(t,)", with_username: "(f,chloe.coeurderoy1402)", before_usernames: "(t,)"}
