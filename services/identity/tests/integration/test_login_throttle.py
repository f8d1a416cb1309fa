"""The log-in throttle through the API, on the real database: the owner of an account still gets
in while someone hammers it, a school behind one address is not shut out, and a guesser is slowed
whatever address they use (domain/login_throttle.py states the rule)."""

import dataclasses
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from argon2 import PasswordHasher as Argon2

from identity.adapters.hashing import Argon2PasswordHasher
from identity.bootstrap import bootstrap
from identity.config import Settings
from identity.entrypoints.api.app import create_app

PASSWORD = "Sup3r-Secret!"
WRONG = "Wrong-Pass-1"


@pytest.fixture
def client(identity_database, amqp_url, clock):
    # The default settings, as production has them; a cheap argon2 so that a hundred failures take
    # a second, not half a minute (the rule does not depend on the hash's cost).
    settings = Settings.from_env({"SERVICE_ENV": "test", "DATABASE_URL": identity_database, "RABBITMQ_URL": amqp_url})
    runtime = dataclasses.replace(bootstrap(settings), now=clock, hasher=Argon2PasswordHasher(
        Argon2(time_cost=1, memory_cost=1024, parallelism=1)))
    yield create_app(runtime).test_client()
    runtime.engine.dispose()


def account(client):
    email = f"lou.{uuid.uuid4().hex[:8]}@example.org"
    created = client.post("/api/users", json={"first_name": "Lou", "last_name": "Apprenant", "email": email,
                                              "password": PASSWORD, "accepted_terms": True})
    assert created.status_code == 201, created.get_json()
    return email


def log_in(client, email, password=PASSWORD, address="10.1.1.1"):
    return client.post("/api/token", json={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_the_owner_logs_in_from_a_clean_address_while_an_attacker_hammers_the_account(client, clock):
    victim = account(client)
    refused = 0
    for _ in range(40):  # ten minutes of guessing, every fifteen seconds
        refused += log_in(client, victim, WRONG, address="198.51.100.66").status_code == 429
        clock.advance(seconds=15)
    assert refused > 0  # the attacker was held back...
    owner = log_in(client, victim, address="203.0.113.10")
    assert owner.status_code == 200, owner.get_json()  # ...and the owner, from home, got in at once


def test_an_attacker_failing_elsewhere_never_keeps_the_owner_waiting_longer(client, clock):
    victim, home = account(client), "203.0.113.10"
    for n in range(50):  # ten addresses, five free guesses each: the account is under siege
        assert log_in(client, victim, WRONG, address=f"198.51.100.{n % 10}").status_code == 401
    for _ in range(5):  # the owner's typos
        log_in(client, victim, WRONG, address=home)
    held = log_in(client, victim, address=home)
    assert held.status_code == 429 and int(held.headers["Retry-After"]) == 900
    for minute in range(1, 15):  # an attacker fails every minute from one more new address
        clock.advance(minutes=1)
        assert log_in(client, victim, WRONG, address=f"192.0.2.{minute}").status_code == 401
        assert log_in(client, victim, address=home).status_code == 429
    clock.advance(minutes=1)  # fifteen minutes after the owner's own latest typo
    owner = log_in(client, victim, address=home)
    assert owner.status_code == 200, owner.get_json()


def test_a_school_behind_one_address_where_pupils_mistype_is_not_shut_out(client, clock):
    school = "192.0.2.40"
    pupils = [account(client) for _ in range(35)]
    for pupil in pupils:  # every pupil of the class mistypes three times...
        for _ in range(3):
            assert log_in(client, pupil, WRONG, address=school).status_code == 401
    for pupil in pupils:  # ...105 failures from one address, then each types the right password
        assert log_in(client, pupil, address=school).status_code == 200
    clumsy = account(client)
    for _ in range(4):
        assert log_in(client, clumsy, WRONG, address=school).status_code == 401
    assert log_in(client, clumsy, address=school).status_code == 200  # four typos are not a lock-out


def test_a_guesser_is_slowed_with_retry_after_whatever_address_they_use(client, clock):
    victim = account(client)
    for _ in range(5):
        assert log_in(client, victim, WRONG, address="198.51.100.1").status_code == 401
    held = log_in(client, victim, WRONG, address="198.51.100.1")
    assert held.status_code == 429 and held.get_json()["error"]["code"] == "TOO_MANY_LOGIN_ATTEMPTS"
    assert int(held.headers["Retry-After"]) == 60
    assert log_in(client, victim, address="198.51.100.1").status_code == 429  # the right password waits too there
    clock.advance(seconds=60)
    assert log_in(client, victim, WRONG, address="198.51.100.1").status_code == 401  # one more try, then longer
    assert int(log_in(client, victim, WRONG, address="198.51.100.1").headers["Retry-After"]) == 120

    # Moving to other addresses buys five tries on each, then each waits as long as the account's failures
    # from every address say: 11 and 16 when they failed, the longest wait.
    clock.advance(seconds=1)
    for address in ("198.51.100.2", "198.51.100.3"):
        for _ in range(5):
            assert log_in(client, victim, WRONG, address=address).status_code == 401
        held = log_in(client, victim, WRONG, address=address)
        assert held.status_code == 429 and int(held.headers["Retry-After"]) == 900
    # The first address's wait was set when it failed (2 minutes): the others' failures since did not lengthen
    # it; its next failure comes after 16 of the account's, so its wait is the longest too.
    clock.advance(seconds=119)
    assert log_in(client, victim, WRONG, address="198.51.100.1").status_code == 401
    assert int(log_in(client, victim, WRONG, address="198.51.100.1").headers["Retry-After"]) == 900


def test_the_addresses_of_one_ipv6_64_network_count_as_one_client(client, clock):
    """A home or a school gets a whole /64 and a machine picks any address in it: one client, not 2^64."""
    victim = account(client)
    for host in range(1, 6):
        assert log_in(client, victim, WRONG, address=f"2001:db8:5:6::{host}").status_code == 401
    held = log_in(client, victim, address="2001:db8:5:6:a1b2:c3d4:e5f6:1")  # the sixth, from a new address of it
    assert held.status_code == 429 and int(held.headers["Retry-After"]) == 60
    assert log_in(client, victim, address="2001:db8:5:7::1").status_code == 200  # the next /64: another client
    clock.advance(seconds=60)
    assert log_in(client, victim, address="2001:db8:5:6::99").status_code == 200  # its minute over, in again


def test_guesses_sent_at_once_are_counted_one_after_the_other(client):
    victim = account(client)
    app = client.application

    def guess(_):
        return log_in(app.test_client(), victim, WRONG, address="198.51.100.9").status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(guess, range(12)))
    assert statuses == [401] * 5 + [429] * 7  # five checked, not twelve
