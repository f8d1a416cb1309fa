"""svckit.live without I/O: the event-stream framing, and a stream's timing on a scripted clock (notices at
given moments, the view's expiry, keep-alives, its end), the slots, the unit of work's announcements."""

from __future__ import annotations

import threading

import pytest

from svckit.live import (
    RECONNECT_MS,
    RECONNECT_WITHOUT_REDIS_MS,
    InMemoryNotices,
    LiveSettings,
    LiveStream,
    LiveUnavailable,
    StreamSlots,
    View,
    sse_comment,
    sse_event,
)


def test_an_event_has_its_name_id_and_each_line_of_data_on_its_own_field():
    assert sse_event('{"a":1}', event="invigilation", id="7") == b'event: invigilation\nid: 7\ndata: {"a":1}\n\n'
    assert sse_event("one\ntwo\r\nthree", retry_ms=1000) == b"retry: 1000\ndata: one\ndata: two\ndata: three\n\n"
    assert sse_comment("keep-alive") == b": keep-alive\n\n"


def test_a_field_with_a_line_break_is_refused():
    with pytest.raises(ValueError):
        sse_event("x", event="a\nb")


class Script:
    """A clock and a listener: notices arrive at the given moments (seconds); waiting moves the clock."""

    def __init__(self, notices=(), broken_at=None):
        self.now, self.notices, self.broken_at = 0.0, sorted(notices), broken_at

    def clock(self):
        return self.now

    def wait(self, timeout):
        until = self.now + timeout
        if self.broken_at is not None and self.broken_at <= until:
            self.now = max(self.now, self.broken_at)
            raise LiveUnavailable("gone")
        due = [t for t in self.notices if t <= until]
        if due:  # woken by the first; every notice already there by then is taken with it
            self.now = max(self.now, due[0])
            self.notices = [t for t in self.notices if t > self.now]
            return True
        self.now = until
        return False


def run(script, *, first=None, views=None, lifetime=60.0, keepalive=15.0, coalesce=0.1, listener=True,
        draining=None):
    """The stream's messages with the moment each was written: (time, kind, data)."""
    rendered = iter(views or [])

    def render():
        view = next(rendered, None)
        return view if view is not None else View(f"view at {script.now:.2f}")

    stream = LiveStream(event="e", first=first or View("0"), render=render, listener=script if listener else None,
                        keepalive=keepalive, coalesce=coalesce, lifetime=lifetime, clock=script.clock,
                        wall_ms=lambda: 1000, draining=draining or threading.Event())
    written = []
    for chunk in stream:
        text = chunk.decode()
        kind = "comment" if text.startswith(":") else "event"
        data = [line[6:] for line in text.splitlines() if line.startswith("data: ")]
        written.append((round(script.now, 2), kind, data[0] if data else None))
    return written, stream


def test_the_first_view_goes_at_once_and_the_stream_ends_after_its_lifetime():
    written, _ = run(Script(), lifetime=10.0)
    assert written == [(0.0, "event", "0")]  # 10 s of silence: no keep-alive needed yet


def test_a_keep_alive_comment_after_15_seconds_of_silence():
    written, _ = run(Script(), lifetime=40.0)
    assert written == [(0.0, "event", "0"), (15.0, "comment", None), (30.0, "comment", None)]


def test_a_notice_after_a_quiet_spell_is_sent_at_once():
    written, _ = run(Script(notices=[5.0]), lifetime=6.0)
    assert written == [(0.0, "event", "0"), (5.0, "event", "view at 5.00")]


def test_a_burst_of_notices_gives_one_view_per_100_ms_at_most():
    burst = [5.0, 5.02, 5.04, 5.06, 5.08, 5.1, 5.12, 5.15]
    written, _ = run(Script(notices=burst), lifetime=6.0)
    events = [(t, data) for t, kind, data in written if kind == "event"]
    assert events[0] == (0.0, "0") and events[1] == (5.0, "view at 5.00")
    assert events[1:] == [(5.0, "view at 5.00"), (5.1, "view at 5.10"), (5.2, "view at 5.20")]
    # without coalescing, one view per notice
    uncoalesced, _ = run(Script(notices=burst), lifetime=6.0, coalesce=0.0)
    assert len(uncoalesced) == 1 + len(burst)


def test_the_stream_wakes_when_the_view_changes_by_time_alone():
    # An authorization ends 7 s after the first view; the view read then ends nothing more.
    written, _ = run(Script(), first=View("authorized", changes_in=7.0), lifetime=10.0)
    assert written == [(0.0, "event", "authorized"), (7.0, "event", "view at 7.00")]


def test_a_later_view_sets_the_next_wake_up():
    views = [View("authorized again", changes_in=3.0)]
    written, _ = run(Script(notices=[2.0]), views=views, lifetime=10.0)
    assert written == [(0.0, "event", "0"), (2.0, "event", "authorized again"), (5.0, "event", "view at 5.00")]


def test_ids_increase_and_the_first_event_tells_when_to_reconnect():
    stream = LiveStream(event="invigilation", first=View("{}"), render=lambda: View("{}"), listener=Script([1.0]),
                        lifetime=2.0, clock=Script().clock, wall_ms=lambda: 1000, draining=threading.Event())
    script = stream.listener
    stream.clock = script.clock
    chunks = [chunk.decode() for chunk in stream]
    assert chunks[0] == f"retry: {RECONNECT_MS}\nevent: invigilation\nid: 1000\ndata: {{}}\n\n"
    assert chunks[1] == "event: invigilation\nid: 1001\ndata: {}\n\n"  # the same millisecond: still increasing


def test_without_notices_the_view_is_sent_and_the_stream_ends_with_a_longer_retry():
    written, stream = run(Script(), listener=False)
    assert written == [(0.0, "event", "0")]
    chunk = next(iter(LiveStream(event="e", first=View("x"), render=lambda: View("y"), listener=None)))
    assert chunk.startswith(f"retry: {RECONNECT_WITHOUT_REDIS_MS}\n".encode())


def test_the_stream_ends_when_its_notices_break():
    written, _ = run(Script(notices=[1.0], broken_at=4.0), lifetime=60.0)
    assert written == [(0.0, "event", "0"), (1.0, "event", "view at 1.00")]


def test_a_draining_process_ends_its_streams():
    draining = threading.Event()

    class DrainAt(Script):
        def wait(self, timeout):
            assert timeout <= 0.5, "a stream looks at the drain flag at least every half second"
            heard = super().wait(timeout)
            if self.now >= 3.0:
                draining.set()
            return heard

    written, _ = run(DrainAt(), lifetime=60.0, draining=draining)
    assert written == [(0.0, "event", "0")]


def test_a_view_that_fails_ends_the_stream_cleanly(caplog):
    def render():
        raise PermissionError("no longer an invigilator")

    script = Script([1.0])
    stream = LiveStream(event="e", first=View("0"), render=render, listener=script, clock=script.clock,
                        draining=threading.Event())
    assert len(list(stream)) == 1  # the first view, then the end: the browser reconnects and meets the 403
    assert "its view failed" in caplog.text


def test_slots_bound_the_streams_of_a_process():
    slots = StreamSlots(2)
    assert [slots.take(), slots.take(), slots.take()] == [True, True, False]
    slots.give_back()
    assert slots.take() and slots.in_use == 2
    assert StreamSlots(0).take() is False


def test_in_memory_notices_reach_the_listeners_of_their_channel_only():
    notices = InMemoryNotices()
    with notices.listen("a") as a, notices.listen("b") as b:
        notices.publish("a")
        assert a.wait(0) is True and b.wait(0) is False
        assert a.wait(0) is False  # taken
        notices.break_all()
        with pytest.raises(LiveUnavailable):
            b.wait(0)


def test_settings_leave_threads_for_ordinary_requests():
    from svckit.config import ConfigurationError

    settings = LiveSettings.from_env({"WEB_THREADS": "64"}, "certification", production=False)
    assert settings.max_streams == 32 and settings.prefix == "live:certification"
    assert LiveSettings.from_env({"WEB_THREADS": "64", "LIVE_MAX_STREAMS": "48"}, "x", production=False
                                 ).max_streams == 48
    with pytest.raises(ConfigurationError, match="LIVE_MAX_STREAMS"):
        LiveSettings.from_env({"WEB_THREADS": "8", "LIVE_MAX_STREAMS": "8"}, "x", production=False)
    with pytest.raises(ConfigurationError, match="LIVE_REDIS_URL"):
        LiveSettings.from_env({}, "x", production=True)
