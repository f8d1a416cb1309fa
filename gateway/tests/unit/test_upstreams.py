import threading
from collections import Counter

import pytest

from gateway.config import Settings
from gateway.upstreams import RoundRobin, split_urls
from svckit.config import ConfigurationError

A, B, C = "http://127.0.0.1:8104", "http://127.0.0.1:8114", "http://127.0.0.1:8124"


def test_each_request_takes_the_next_replica_first_and_keeps_the_others_as_fallbacks_in_turn():
    turns = RoundRobin([A, B, C])
    assert [turns.order() for _ in range(4)] == [(A, B, C), (B, C, A), (C, A, B), (A, B, C)]


def test_one_url_is_always_itself():
    turns = RoundRobin([A])
    assert {turns.order() for _ in range(3)} == {(A,)}


def test_no_url_is_refused():
    with pytest.raises(ValueError):
        RoundRobin([])


def test_concurrent_requests_share_the_turns_evenly():
    turns, firsts, lock = RoundRobin([A, B]), Counter(), threading.Lock()

    def take():
        for _ in range(500):
            first = turns.order()[0]
            with lock:
                firsts[first] += 1

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert firsts == {A: 2000, B: 2000}


def test_a_setting_lists_urls_comma_separated():
    assert split_urls(f" {A}/ ,{B},, ") == (A, B)


def test_a_service_url_may_list_replicas_and_the_first_is_its_url():
    settings = Settings.from_env({"ASSESSMENT_URL": f"{A}, {B}/"})
    assert settings.services["assessment"] == A
    assert settings.replicas["assessment"] == (A, B)
    assert settings.upstreams["assessment"] == (A, B)
    assert settings.upstreams["identity"] == ("http://127.0.0.1:8101",)


def test_settings_made_without_replicas_have_one_url_per_service():
    settings = Settings(environment="test", services={"assessment": A}, jwks_url=A)
    assert settings.upstreams == {"assessment": (A,)}


@pytest.mark.parametrize("value", [f"{A},127.0.0.1:8114", f"{A},{A}/", " , "])
def test_a_bad_replica_list_stops_the_start(value):
    with pytest.raises(ConfigurationError, match="ASSESSMENT_URL"):
        Settings.from_env({"ASSESSMENT_URL": value})


def test_the_jwks_url_is_one_url():
    with pytest.raises(ConfigurationError, match="JWKS_URL"):
        Settings.from_env({"JWKS_URL": f"{A}/jwks,{B}/jwks"})
