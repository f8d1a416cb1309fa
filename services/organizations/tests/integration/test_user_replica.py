"""organizations' consumer of identity.user.registered.v1, on its real database and the real broker."""

import json
import uuid

import pika
import pytest
from sqlalchemy import select

from msgkit import MalformedMessage
from msgkit.testing import blocking_channel, get_messages, running, wait_until
from msgkit.topology import declare_exchange
from organizations.adapters.orm import known_users
from svckit.contracts import load_contract


def registered(version=1, **payload):
    from pathlib import Path

    message = load_contract("identity.user.registered.v1", Path(__file__).parent).example
    user_id = payload.pop("user_id", str(uuid.uuid4()))
    message.update(message_id=str(uuid.uuid4()), aggregate_id=user_id, aggregate_version=version)
    message["payload"].update(user_id=user_id, **payload)
    return message


def replica(runtime, user_id):
    with runtime.engine.connect() as connection:
        return connection.execute(select(known_users).where(known_users.c.id == uuid.UUID(user_id))).first()


def handle(runtime, message):
    from msgkit import Envelope

    subscription = next(s for s in runtime.subscriptions() if s.name == "on_user_registered")
    subscription.handler(Envelope.from_dict(message))


def test_a_registered_user_is_replicated_once_even_if_delivered_twice(runtime):
    message = registered(email="camille@example.org")
    handle(runtime, message)
    handle(runtime, message)
    row = replica(runtime, message["aggregate_id"])
    assert row.email == "camille@example.org" and row.version == 1


def test_an_older_announcement_does_not_overwrite_a_newer_one(runtime):
    user_id = str(uuid.uuid4())
    handle(runtime, registered(version=2, user_id=user_id, email="new@example.org"))
    handle(runtime, registered(version=1, user_id=user_id, email="old@example.org"))
    assert replica(runtime, user_id).email == "new@example.org"


def test_a_pupil_without_an_email_address_is_replicated_with_their_username_and_matches_no_address(runtime):
    pupil, gar_pupil = registered(email=None, username="chloe.coeurderoy1402"), registered(email=None)
    handle(runtime, pupil)
    handle(runtime, gar_pupil)
    row = replica(runtime, pupil["aggregate_id"])
    assert (row.email, row.username, row.first_name) == (None, "chloe.coeurderoy1402", "Lou")
    assert (replica(runtime, gar_pupil["aggregate_id"]).email, replica(runtime, gar_pupil["aggregate_id"]).username) \
        == (None, None)
    with runtime.uow() as uow:
        assert uow.known_users.emails_of([uuid.UUID(pupil["aggregate_id"])]) == {}
        assert uow.known_users.get(uuid.UUID(pupil["aggregate_id"])).username == "chloe.coeurderoy1402"


def test_an_unreadable_payload_is_a_malformed_message(runtime):
    message = registered()
    del message["payload"]["email"]
    with pytest.raises(MalformedMessage):
        handle(runtime, message)


def test_the_consumer_loop_replicates_from_the_real_broker_and_dead_letters_poison(runtime, amqp_url):
    message = registered(email="from.the.broker@example.org")
    with running(runtime.make_consumer()) as consumer:
        wait_until(lambda: consumer.connected)
        with blocking_channel(amqp_url) as channel:
            declare_exchange(channel, "identity")
            channel.confirm_delivery()
            channel.basic_publish("identity.events", "identity.user.registered.v1", json.dumps(message).encode(),
                                  pika.BasicProperties(message_id=message["message_id"], delivery_mode=2))
            channel.basic_publish("identity.events", "identity.user.registered.v1", b'{"broken": true}',
                                  pika.BasicProperties(delivery_mode=2))
        wait_until(lambda: replica(runtime, message["aggregate_id"]))
        [(properties, poison)] = wait_until(lambda: get_messages(amqp_url, "organizations.all.dlq"))
    assert poison == b'{"broken": true}'
    # the service's dead-letter queue says whose it is and why
    assert properties.headers["x-original-queue"] == "organizations.on_user_registered"
    assert properties.headers["x-dead-letter-reason"] == "unreadable"
    assert "MalformedMessage" in properties.headers["x-last-error"]


def test_the_dead_letter_commands_show_and_replay_a_handler_s_letters(runtime, organizations_database, amqp_url,
                                                                      tmp_path, monkeypatch):
    from click.testing import CliRunner

    from organizations.entrypoints.cli import main

    for name, value in {"SERVICE_ENV": "test", "DATABASE_URL": organizations_database, "RABBITMQ_URL": amqp_url,
                        "MAIL_DIR": str(tmp_path / "mail"), "PUBLIC_URL": "https://orga.example.test"}.items():
        monkeypatch.setenv(name, value)
    with running(runtime.make_consumer()) as consumer:
        wait_until(lambda: consumer.connected)
        with blocking_channel(amqp_url) as channel:
            channel.confirm_delivery()
            channel.basic_publish("identity.events", "identity.user.registered.v1", b"not json at all",
                                  pika.BasicProperties(message_id="poison-for-the-cli", delivery_mode=2,
                                                       type="identity.user.registered.v1"))
        def listed_letter() -> str | None:  # the letter's own line, as read below (its id may first show in a log line)
            out = CliRunner().invoke(main, ["dead-letters", "list", "on_user_registered"]).output
            return out if any(line.startswith("poison-for-the-cli") for line in out.splitlines()) else None

        listed = wait_until(listed_letter)
    [line] = [line for line in listed.splitlines() if line.startswith("poison-for-the-cli")]  # not a log line
    assert line.split()[:4] == ["poison-for-the-cli", "on_user_registered", "identity.user.registered.v1",
                                "unreadable"]
    assert "MalformedMessage: the body is not JSON" in line
    assert "poison-for-the-cli" in CliRunner().invoke(main, ["dead-letters", "list"]).output  # every handler's
    unknown = CliRunner().invoke(main, ["dead-letters", "replay", "on_nothing"])
    assert unknown.exit_code != 0 and "no handler 'on_nothing'; the handlers are: " in unknown.output
    replayed = CliRunner().invoke(main, ["dead-letters", "replay", "on_user_registered"])
    assert replayed.exit_code == 0 and "replayed into organizations.on_user_registered" in replayed.output


def test_a_verification_may_arrive_before_the_registration_and_an_older_one_changes_nothing(runtime):
    from organizations_it import deliver

    user_id = str(uuid.uuid4())
    deliver(runtime, "identity.user.email_verified.v1", 3, user_id=user_id, email="camille@example.org")
    deliver(runtime, "identity.user.email_verified.v1", 2, user_id=user_id, email="stale@example.org")
    handle(runtime, registered(user_id=user_id, email="camille@example.org"))
    with runtime.uow() as uow:
        assert uow.known_users.get(uuid.UUID(user_id)).verified_email == "camille@example.org"
