"""How long reporting's consumer takes to apply shares, in batches of 20 and of 100, in process on a real
database of its own, with a cProfile of each (where share → visible spends its time: bench/share_visible.py).

    .venv/bin/python bench/share_projection.py 400        # participations shared (half per batch size)
"""
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "services/reporting/tests/integration"))  # reporting_it: events as production builds them

from reporting_it import account, campaign, grant, organization, person, release, results, start  # noqa: E402

from reporting.bootstrap import bootstrap  # noqa: E402
from reporting.config import Settings  # noqa: E402
from svckit import migrations  # noqa: E402
from svckit.testing import create_database, drop_database, example_envelope  # noqa: E402

name = f"shareproj_{os.getpid()}"
url = create_database(name)
try:
    migrations.upgrade(url, "reporting:migrations")
    runtime = bootstrap(Settings.from_env({"SERVICE_ENV": "test", "DATABASE_URL": url}))
    release(runtime)
    org = organization(runtime, type="PRO", manages_students=False)
    grant(runtime, org, person("t"), "ADMIN", 2)
    camp = campaign(runtime, org, type="PROFILES_COLLECTION")
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 600
    users = [account(runtime, "A", f"B{i}") for i in range(n)]
    parts = [start(runtime, camp, org, u, type="PROFILES_COLLECTION") for u in users]
    shared = {"profile": results({}, pix={"1.1": (8, 1), "1.2": (16, 2), "2.1": (0, 0)})["profile"]}
    envelopes = [example_envelope("campaigns.participation.results_shared.v1", aggregate_id=p, aggregate_version=3,
                                  contracts_from=ROOT / "services/reporting/tests/integration",
                                  participation_id=p, campaign_id=camp, organization_id=org, user_id=u,
                                  campaign_type="PROFILES_COLLECTION", shared_at="2026-11-20T10:00:00Z", results=shared)
                 for p, u in zip(parts, users, strict=True)]
    sub = next(s for s in runtime.subscriptions() if "campaigns.participation.results_shared.v1" in s.event_types)
    for size in (20, 100):
        chunk = envelopes[:n // 2] if size == 20 else envelopes[n // 2:]
        profiler = cProfile.Profile()
        began, cpu = time.perf_counter(), time.process_time()
        profiler.enable()
        for i in range(0, len(chunk), size):
            sub.batch_handler(chunk[i:i + size])
        profiler.disable()
        wall, cpu = time.perf_counter() - began, time.process_time() - cpu
        print(f"batches of {size}: {len(chunk)} shares in {wall:.2f} s = {len(chunk)/wall:.0f} shares/s; "
              f"consumer CPU {1000*cpu/len(chunk):.2f} ms/share; wall {1000*wall/len(chunk):.2f} ms/share")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(18)
    runtime.engine.dispose()
finally:
    drop_database(name)
