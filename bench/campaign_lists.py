"""Figures of the campaigns service at the size of a large organization, on the real PostgreSQL.

    python bench/campaign_lists.py [--campaigns 400] [--participants 250]

- list: `GET /api/organizations/{id}/campaigns` as the views answer it (a page of 20 with the
  participant and results-received counts), over an organization with that many campaigns,
  each with that many participations (a quarter shared), in a table also holding a second
  organization of the same size; p50 and p95 of 200 requests, newest first and by name.
- join: `POST /api/campaign-participations` as the handler runs it (one transaction, the
  participation and its outbox event), learners one after the other; p50, p95 and per second.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import uuid
from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fill(runtime, organization_id: uuid.UUID, campaigns: int, participants: int) -> list[str]:
    """Campaigns and participations written in bulk (the domain's rules are tested elsewhere)."""
    from sqlalchemy import insert

    from campaigns.adapters import orm
    from campaigns.domain.codes import new_code

    now = datetime.now(timezone.utc)
    owner = uuid.uuid4()
    codes = []
    with runtime.engine.begin() as connection:
        rows, participations = [], []
        for n in range(campaigns):
            campaign_id, code = uuid.uuid4(), new_code()
            codes.append(code)
            rows.append({"id": campaign_id, "organization_id": organization_id, "code": code, "type": "ASSESSMENT",
                         "name": f"Campagne {n:04d}", "title": "Diagnostic", "landing_text": None,
                         "external_id_label": None, "external_id_type": None, "multiple_sendings": False,
                         "target_profile_id": "initial-diagnosis", "target_skill_ids": [], "owner_id": owner,
                         "creator_id": owner, "created_at": now, "archived_at": None, "archived_by": None,
                         "version": 1})
            for p in range(participants):
                participations.append({
                    "id": uuid.uuid4(), "campaign_id": campaign_id, "organization_id": organization_id,
                    "user_id": uuid.uuid4(), "campaign_type": "ASSESSMENT",
                    "status": "SHARED" if p % 4 == 0 else "STARTED", "participant_external_id": None,
                    "organization_learner_id": None, "created_at": now, "results": None, "shared_at": None,
                    "is_improvement": False, "version": 1})
        connection.execute(insert(orm.campaigns), rows)
        for start in range(0, len(participations), 5000):
            connection.execute(insert(orm.participations), participations[start:start + 5000])
    return codes


def bench(campaigns: int, participants: int) -> dict:
    from sqlalchemy import text

    from campaigns import views
    from campaigns.bootstrap import bootstrap
    from campaigns.config import Settings
    from campaigns.domain import commands
    from campaigns.service_layer import handlers, replication
    from msgkit import Envelope
    from svckit import migrations
    from svckit.testing import fresh_database

    with ExitStack() as stack:
        url = stack.enter_context(fresh_database("bench"))
        migrations.upgrade(url, "campaigns:migrations")
        runtime = bootstrap(Settings.from_env({"SERVICE_ENV": "test", "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}))
        stack.callback(runtime.engine.dispose)
        organization_id, other = uuid.uuid4(), uuid.uuid4()
        admin = uuid.uuid4()
        with runtime.uow() as uow:
            for org in (organization_id, other):
                replication.on_organization_created(
                    {"organization_id": org, "name": "Lycée", "type": "SUP", "manages_students": False},
                    Envelope("organizations.organization.created.v1", "organizations", str(org), 1, {}), uow)
            replication.on_membership_changed({"membership_id": uuid.uuid4(), "organization_id": organization_id,
                                               "user_id": admin, "role": "ADMIN"},
                                              Envelope("organizations.membership.granted.v1", "organizations",
                                                       str(organization_id), 2, {}), uow)
            replication.on_orga_terms_accepted({"user_id": admin, "accepted_at": datetime.now(timezone.utc)},
                                               Envelope("identity.user.orga_terms_accepted.v1", "identity", str(admin), 1, {}), uow)
            uow.commit()
        started = time.perf_counter()
        codes = fill(runtime, organization_id, campaigns, participants)
        fill(runtime, other, campaigns, participants)
        filled_s = time.perf_counter() - started
        with runtime.engine.begin() as connection:
            connection.execute(text("ANALYZE"))

        lists = {}
        for sort in ("created_at", "name"):
            args = {"page": 1, "page_size": 20, "sort": sort, "archived": False}
            views.campaigns_page(runtime.engine, organization_id, admin, args)  # warm
            samples = []
            for _ in range(200):
                begun = time.perf_counter()
                items, total = views.campaigns_page(runtime.engine, organization_id, admin, args)
                samples.append((time.perf_counter() - begun) * 1000)
            assert total == campaigns and items[0]["participations_count"] == participants
            lists[sort] = samples

        joins = []
        for n in range(300):
            begun = time.perf_counter()
            handlers.join_campaign(commands.JoinCampaign(uuid.uuid4(), codes[n % len(codes)]), runtime.uow,
                                   runtime.now(), uuid.uuid4)
            joins.append((time.perf_counter() - begun) * 1000)
    result = {
        "campaigns_per_organization": campaigns, "participations_per_campaign": participants,
        "participations_in_table": 2 * campaigns * participants, "fill_seconds": round(filled_s, 1),
        "list_newest_p50_ms": round(statistics.median(lists["created_at"]), 2),
        "list_newest_p95_ms": round(statistics.quantiles(lists["created_at"], n=20)[18], 2),
        "list_by_name_p50_ms": round(statistics.median(lists["name"]), 2),
        "list_by_name_p95_ms": round(statistics.quantiles(lists["name"], n=20)[18], 2),
        "join_p50_ms": round(statistics.median(joins), 2), "join_p95_ms": round(statistics.quantiles(joins, n=20)[18], 2),
        "joins_per_second_one_client": round(1000 / statistics.mean(joins), 1),
    }
    print(f"campaigns: {campaigns} campaigns x {participants} participations per organization "
          f"({result['participations_in_table']:,} participations in the table); a page of 20 with counts: "
          f"p50 {result['list_newest_p50_ms']} ms, p95 {result['list_newest_p95_ms']} ms newest first, "
          f"p50 {result['list_by_name_p50_ms']} ms by name; joining: p50 {result['join_p50_ms']} ms, "
          f"p95 {result['join_p95_ms']} ms ({result['joins_per_second_one_client']}/s from one client)")
    return result


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--campaigns", type=int, default=400)
    parser.add_argument("--participants", type=int, default=250)
    return parser.parse_args(argv)


def main() -> None:
    args = parse_args()
    results = {"at": datetime.now(timezone.utc).isoformat(), "campaigns": bench(args.campaigns, args.participants)}
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    path = out / f"campaigns-{datetime.now(timezone.utc):%Y-%m-%dT%H%M%S}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"\nfigures written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
