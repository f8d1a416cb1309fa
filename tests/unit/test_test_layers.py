"""Each test's layer comes from its folder, so `make test-unit` runs no test that needs a service."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_unit_selection_collects_no_integration_e2e_or_browser_test():
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "-m", "not integration and not e2e", "--collect-only", "-q"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert collected.returncode == 0, collected.stdout[-2000:] + collected.stderr[-2000:]
    ids = [line for line in collected.stdout.splitlines() if "::" in line]
    assert len(ids) > 500  # the selection is not empty by accident
    leaked = [test_id for test_id in ids if "/tests/integration/" in test_id or "tests/e2e/" in test_id]
    assert leaked == []


def test_integration_e2e_and_browser_tests_carry_their_markers():
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "-m", "integration or e2e", "--collect-only", "-q"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    ids = [line for line in collected.stdout.splitlines() if "::" in line]
    assert any("/tests/integration/" in test_id for test_id in ids)
    assert any("tests/e2e/browser/" in test_id for test_id in ids)
    browser = subprocess.run(
        [sys.executable, "-m", "pytest", "-m", "browser", "--collect-only", "-q"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    browser_ids = [line for line in browser.stdout.splitlines() if "::" in line]
    assert browser_ids and all("tests/e2e/browser/" in test_id for test_id in browser_ids)
