"""bench/share_visible.py's bookkeeping: each share's latency from its 2xx to seen, and the protocol's row."""

import importlib.util
import sys
from pathlib import Path

spec = importlib.util.spec_from_file_location("bench_share_visible", Path(__file__).parents[2] / "bench" /
                                              "share_visible.py")
share_visible = sys.modules.setdefault("bench_share_visible", importlib.util.module_from_spec(spec))
if not hasattr(share_visible, "visibility_ms"):
    spec.loader.exec_module(share_visible)


def test_a_share_is_timed_from_its_2xx_to_seen_and_never_below_zero():
    ok_at = {"a": 10.0, "b": 10.0, "c": 11.0}
    seen_at = {"a": 10.25, "b": 9.99}  # b seen before its answer came back; c never seen
    assert share_visible.visibility_ms(ok_at, seen_at) == [250.0, 0.0]


def test_the_row_follows_issue_18s_protocol_with_the_median_of_the_runs():
    row = share_visible.protocol_row("share_visible_p99_ms", "share → visible", 250.0, [300.0, 120.0, 180.0])
    assert row == {"key": "share_visible_p99_ms", "label": "share → visible", "unit": "ms", "goal": 250.0,
                   "better": "lower", "before": None, "now": 180.0, "runs_before": [],
                   "runs_now": [300.0, 120.0, 180.0], "notes": ""}
