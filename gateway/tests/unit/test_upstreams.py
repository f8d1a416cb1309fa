import threading
from collections import Counter

import pytest

from gateway.config import Settings
from gateway.upstreams import Attempts, RoundRobin, split_urls
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


def test_a_service_url_may_list_replicas():
    settings = Settings.from_env({"ASSESSMENT_URL": f"{A}, {B}/"})
    assert settings.services["assessment"] == (A, B)
    assert settings.services["identity"] == ("http://127.0.0.1:8101",)


@pytest.mark.parametrize("value", [f"{A},127.0.0.1:8114", f"{A},{A}/", " , "])
def test_a_bad_replica_list_stops_the_start(value):
    with pytest.raises(ConfigurationError, match="ASSESSMENT_URL"):
        Settings.from_env({"ASSESSMENT_URL": value})


def test_the_jwks_url_is_one_url():
    with pytest.raises(ConfigurationError, match="JWKS_URL"):
        Settings.from_env({"JWKS_URL": f"{A}/jwks,{B}/jwks"})


class Clock:
    """A monotonic clock the test moves; sleeping moves it."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


def test_a_replica_that_refused_goes_last_for_a_second():
    clock = Clock()
    turns = RoundRobin([A, B, C], clock=clock)
    turns.refused(A)
    assert [turns.order() for _ in range(3)] == [(B, C, A), (B, C, A), (C, B, A)]
    clock.now += 1.5
    assert turns.order() == (A, B, C)  # its second is over: it takes its turn again
    turns.refused(B)
    turns.reached(B)
    assert turns.order() == (B, C, A)


def test_attempts_go_round_the_replicas_then_again_after_growing_pauses_until_the_window_closes():
    clock = Clock()
    turns = RoundRobin([A, B], clock=clock)
    attempts = Attempts(turns, window=2.0, clock=clock, sleep=clock.sleep)
    tried = [attempts.next()]
    while (following := attempts.next()) is not None:
        tried.append(following)
    assert tried[:4] == [A, B, B, A]  # each new round takes the next turn
    assert clock.slept[:5] == [0.05, 0.1, 0.2, 0.4, 0.8] and sum(clock.slept) == pytest.approx(2.0)


def test_one_url_is_tried_again_after_a_pause():
    clock = Clock()
    attempts = Attempts(RoundRobin([A], clock=clock), window=5.0, clock=clock, sleep=clock.sleep)
    assert [attempts.next(), attempts.next(), attempts.next()] == [A, A, A]
    assert clock.slept == [0.05, 0.1]


def test_the_window_opens_at_the_first_failure():
    clock = Clock()
    attempts = Attempts(RoundRobin([A], clock=clock), window=1.0, clock=clock, sleep=clock.sleep)
    assert attempts.next() == A
    clock.now += 30  # a long first attempt, then its connection broke
    assert attempts.next() == A


def test_a_service_down_for_longer_than_the_window_gets_one_round_only():
    clock = Clock()
    turns = RoundRobin([A, B], clock=clock)
    turns.refused(A)
    turns.refused(B)
    clock.now += 6
    attempts = Attempts(turns, window=5.0, clock=clock, sleep=clock.sleep)
    assert [attempts.next(), attempts.next(), attempts.next()] == [A, B, None]
    assert clock.slept == []
    turns.reached(B)  # one answers again: the full window once more
    assert turns.down_for() == 0.0


def test_waiting_to_ask_the_same_replica_again_pauses_within_the_window():
    clock = Clock()
    attempts = Attempts(RoundRobin([A, B, C], clock=clock), window=1.0, clock=clock, sleep=clock.sleep)
    attempts.next()
    waited = []
    while attempts.wait():
        waited.append(True)
    assert len(waited) == 5 and clock.slept == [0.05, 0.1, 0.2, 0.4, 0.25]
