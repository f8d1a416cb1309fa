"""Attestations as PDF: a class of 35 and a school of 1,000 pupils (time, memory, file size).

    .venv/bin/python bench/attestations.py                 # builder and route, 3 runs each
    .venv/bin/python bench/attestations.py --runs 5 --school 1000 --class-size 35

Two parts, each case in a fresh Python process (so that its peak resident memory is its own):

- **builder**: ``adapters.attestation_pdf.write`` on certificates made in memory, into a temporary file: a class
  of 35 in one PDF, and the whole school of 1,000 in one PDF (no route gives that: it bounds what one document
  costs). Wall time, the process's peak RSS over its RSS before, the file's size, and in the first run only
  tracemalloc's peak of Python allocations (a second pass: tracemalloc makes it ten times slower); the PDF is then opened with pypdf and its pages counted (one per pupil, or the bench stops).
- **route**: ``GET /api/certification-centers/{id}/attestations?division=`` through the real Flask app (its
  access checks, the query, the PDF into a temporary file, the answer read to its end) on a fresh PostgreSQL
  database migrated to this tree's head and filled in bulk with a school of 1,000 pupils in classes of 35, every
  pupil with a published, validated result: one class, then every class of the school one after the other (what
  a school does at the end of the year).

The goals, and why: a class under 2 s through the route (an admin clicks and waits for a download; the
reference's per-class download is the same gesture), a whole school's classes under 60 s in all (the end-of-year
gesture done class after class); memory that does not grow with the class beyond a few MB (the route's worker
serves others meanwhile: 64 threads share a process), and a file small enough to mail: under 100 kB a pupil.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

GOALS = {"class_route_s": 2.0, "school_route_s": 60.0, "kb_per_pupil": 100.0, "class_rss_mb": 20.0,
         "school_one_pdf_rss_mb": 60.0}
FIRST = ["Chloé", "Léa", "Zoé", "Maëlle", "Inès", "Noémie", "Anaïs", "François", "Jérôme", "Noël", "Gaëtan", "Théo",
         "Raphaël", "Benoît", "Joël", "Loïc", "Mathéo", "Élodie", "Çağla", "Łucja"]
LAST = ["Lefèvre", "Cœurderoy", "Garçon", "Béranger", "D'Almeida", "Ménard", "Lœuillet", "François", "Hébert",
        "Périer-Dupré de la Fontaine-Saint-Aubin", "Boël", "Martin", "Roussel", "Öztürk", "Nguyen", "Traoré"]
CODE_LETTERS = "2346789BCDFGHJKMPQRTVWXY"


def _rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux


def _current_rss_kb() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def certificates(count: int, seed: int = 19) -> list[dict]:
    from certification.domain.results import COMPETENCES

    rng = random.Random(seed)
    return [{"id": str(uuid.UUID(int=rng.getrandbits(128))), "first_name": rng.choice(FIRST),
             "last_name": rng.choice(LAST), "birthdate": date(2011, rng.randint(1, 12), rng.randint(1, 28)),
             "birthplace": rng.choice(["Lyon", "Saint-Étienne", None]), "certification_center": "Collège Victor Hugo",
             "certification_date": date(2026, 12, 1), "delivered_at": datetime(2026, 12, 10, 9, tzinfo=UTC),
             "status": "validated", "score": rng.randint(64, 895), "max_score": 895, "mesh_level": rng.randint(1, 7),
             "competence_levels": [{"competence_code": c, "level": rng.randint(0, 7)} for c in COMPETENCES],
             "verification_code": "P-" + "".join(rng.sample(CODE_LETTERS, 8)), "scale_version": "v1"}
            for _ in range(count)]


# -- the builder, in this process ---------------------------------------------------------------------------

def builder_case(pupils: int, trace: bool) -> dict:
    from pypdf import PdfReader

    from certification.adapters import attestation_pdf

    made = certificates(pupils)
    attestation_pdf.write(certificates(1), tempfile.TemporaryFile(), "warm-up")  # fonts registered, code loaded
    rss_before = _current_rss_kb()
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        pages = attestation_pdf.write(made, out, "bench")
        seconds = time.perf_counter() - started
        size = out.tell()
        out.seek(0)
        assert pages == pupils == len(PdfReader(out).pages), (pages, pupils)
    rss_growth = max(_rss_kb() - rss_before, 0) / 1024
    traced_peak = None
    if trace:  # again under tracemalloc, which slows it down tenfold: its peak only, not its time; once
        tracemalloc.start()
        with tempfile.TemporaryFile() as out:
            attestation_pdf.write(made, out, "bench")
        traced_peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    return {"pupils": pupils, "seconds": seconds, "traced_peak_mb": traced_peak, "rss_growth_mb": rss_growth,
            "bytes": size}


# -- the route, on a real database ------------------------------------------------------------------------------

def _fill(url: str, pupils: int, class_size: int) -> tuple[str, str, list[str]]:
    """A school with its admin, one published session, ``pupils`` pupils in classes of ``class_size``."""
    from sqlalchemy import create_engine, insert

    from certification.adapters import orm

    rng = random.Random(7)
    now = datetime(2026, 12, 10, 9, tzinfo=UTC)
    organization_id, admin_id, session_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    divisions = [f"3{chr(65 + n // 10)}{n % 10}" for n in range(-(-pupils // class_size))]
    codes: set[str] = set()
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(insert(orm.known_organizations).values(
            id=organization_id, name="Collège Victor Hugo", type="SCO", external_id="0751234A", archived=False,
            version=1))
        connection.execute(insert(orm.memberships).values(membership_id=uuid.uuid4(), organization_id=organization_id,
                                                          user_id=admin_id, role="ADMIN", active=True, version=1))
        connection.execute(insert(orm.centers).values(
            id=organization_id, type="SCO", name="Collège Victor Hugo", external_id="0751234A",
            organization_id=organization_id, school_kind="COLLEGE", archived=False, created_at=now, version=1))
        connection.execute(insert(orm.sessions).values(
            id=session_id, center_id=organization_id, number=1001, address="1 rue de l'École", room="B12",
            date=date(2026, 12, 1), time="09:00", examiner="M. Martin", access_code="BCDF23",
            invigilator_password="a1b2c3",  # noqa: S106 (a session of the bench)
            status="PUBLISHED", created_by=admin_id, created_at=now, finalized_at=now, published_at=now, version=3))
        learners, candidates, results = [], [], []
        for n, certificate in enumerate(certificates(pupils)):
            learner_id, candidate_id, course_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
            while certificate["verification_code"] in codes:
                certificate["verification_code"] = "P-" + "".join(rng.sample(CODE_LETTERS, 8))
            codes.add(certificate["verification_code"])
            learners.append({"id": learner_id, "organization_id": organization_id,
                             "first_name": certificate["first_name"], "last_name": certificate["last_name"],
                             "birthdate": certificate["birthdate"], "division": divisions[n // class_size],
                             "disabled": False, "version": 1})
            candidates.append({"id": candidate_id, "session_id": session_id, "center_id": organization_id,
                               "first_name": certificate["first_name"], "last_name": certificate["last_name"],
                               "birthdate": certificate["birthdate"], "birthplace": certificate["birthplace"],
                               "extra_time_percentage": 0, "organization_learner_id": learner_id,
                               "user_id": uuid.uuid4(), "course_id": course_id,
                               "verification_code": certificate["verification_code"], "started_at": now,
                               "created_at": now, "version": 3})
            results.append({"course_id": course_id, "candidate_id": candidate_id, "session_id": session_id,
                             "status": "validated", "reason": "COMPLETE", "scale_version": "v1",
                             "score": certificate["score"], "mesh_level": certificate["mesh_level"],
                             "competence_levels": {item["competence_code"]: item["level"]
                                                   for item in certificate["competence_levels"]},
                             "capacity": 0.5, "error": 0.3, "answers": 32, "counted": 32, "simulated_skips": 0,
                             "neutralized": [], "scored_at": now, "published_at": now, "version": 2})
        connection.execute(insert(orm.school_learners), learners)
        connection.execute(insert(orm.candidates), candidates)
        connection.execute(insert(orm.course_results), results)
    engine.dispose()
    return str(organization_id), str(admin_id), divisions


def route_case(pupils: int, class_size: int, runs: int) -> dict:
    import dataclasses

    from certification.bootstrap import bootstrap
    from certification.config import Settings
    from certification.entrypoints.api.app import create_app
    from svckit import migrations
    from svckit.auth import TokenVerifier
    from svckit.testing import TestKeys, fresh_database, token_for

    with fresh_database("bench_attestations") as url, tempfile.TemporaryDirectory() as mail:
        migrations.upgrade(url, "certification:migrations")
        center_id, admin_id, divisions = _fill(url, pupils, class_size)
        settings = Settings.from_env({"SERVICE_ENV": "test", "DATABASE_URL": url,
                                      "RABBITMQ_URL": "amqp://guest:guest@127.0.0.1:5672/%2F", "MAIL_DIR": mail})
        runtime = dataclasses.replace(bootstrap(settings),
                                      verifier=TokenVerifier(TestKeys(), "skills-platform", "skills-platform"))
        client = create_app(runtime).test_client()
        headers = {"Authorization": f"Bearer {token_for(admin_id, 'principal@example.org')}"}

        def download(division: str) -> int:
            response = client.get(f"/api/certification-centers/{center_id}/attestations?division={division}",
                                  headers=headers)
            assert response.status_code == 200, response.get_json()
            return len(response.get_data())

        download(divisions[0])  # warm-up: fonts, connections, code
        class_times, sizes = [], []
        rss_before = _current_rss_kb()
        for _ in range(runs):
            started = time.perf_counter()
            sizes.append(download(divisions[0]))
            class_times.append(time.perf_counter() - started)
        class_rss = max(_rss_kb() - rss_before, 0) / 1024
        school_times, school_bytes = [], 0
        for _ in range(runs):
            started, school_bytes = time.perf_counter(), 0
            for division in divisions:
                school_bytes += download(division)
            school_times.append(time.perf_counter() - started)
        runtime.engine.dispose()
    return {"pupils": pupils, "class_size": class_size, "classes": len(divisions),
            "class_s": statistics.median(class_times), "class_bytes": sizes[0], "class_rss_growth_mb": class_rss,
            "school_s": statistics.median(school_times), "school_bytes": school_bytes,
            "school_rss_growth_mb": max(_rss_kb() - rss_before, 0) / 1024}


# -- the driver ------------------------------------------------------------------------------------------------

def _in_fresh_process(*arguments: str) -> dict:
    done = subprocess.run([sys.executable, __file__, *arguments], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{' '.join(arguments)} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--class-size", type=int, default=35)
    parser.add_argument("--school", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)  # one case, in a fresh process, printing JSON
    args = parser.parse_args()
    if args.case == "builder":
        print(json.dumps(builder_case(args.school, args.trace)))
        return
    if args.case == "route":
        print(json.dumps(route_case(args.school, args.class_size, args.runs)))
        return

    def builder(pupils: int) -> dict:
        runs = [_in_fresh_process("--case", "builder", "--school", str(pupils), *(["--trace"] if n == 0 else []))
                for n in range(args.runs)]
        return {**{key: statistics.median(run[key] for run in runs) for key in runs[0] if key != "traced_peak_mb"},
                "traced_peak_mb": runs[0]["traced_peak_mb"]}

    one_class, whole = builder(args.class_size), builder(args.school)
    route = _in_fresh_process("--case", "route", "--school", str(args.school), "--class-size",
                              str(args.class_size), "--runs", str(args.runs))
    rows = [
        ("builder: a class in one PDF", f"{one_class['pupils']} pupils", f"{one_class['seconds']:.3f} s",
         f"{one_class['traced_peak_mb']:.1f} MB traced, RSS +{one_class['rss_growth_mb']:.1f} MB",
         f"{one_class['bytes'] / 1024:.0f} kB ({one_class['bytes'] / 1024 / one_class['pupils']:.1f} kB a pupil)"),
        ("builder: the school in one PDF", f"{whole['pupils']} pupils", f"{whole['seconds']:.2f} s",
         f"{whole['traced_peak_mb']:.1f} MB traced, RSS +{whole['rss_growth_mb']:.1f} MB "
         f"(goal < {GOALS['school_one_pdf_rss_mb']:.0f})",
         f"{whole['bytes'] / 1024:.0f} kB ({whole['bytes'] / 1024 / whole['pupils']:.1f} kB a pupil; "
         f"goal < {GOALS['kb_per_pupil']:.0f})"),
        ("route: one class", f"{route['class_size']} pupils",
         f"{route['class_s']:.3f} s (goal < {GOALS['class_route_s']:.0f})",
         f"RSS +{route['class_rss_growth_mb']:.1f} MB over {args.runs} downloads (goal < {GOALS['class_rss_mb']:.0f})",
         f"{route['class_bytes'] / 1024:.0f} kB"),
        ("route: every class, in turn", f"{route['pupils']} pupils, {route['classes']} classes",
         f"{route['school_s']:.2f} s (goal < {GOALS['school_route_s']:.0f})",
         f"RSS +{route['school_rss_growth_mb']:.1f} MB in all", f"{route['school_bytes'] / 1024:.0f} kB"),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    print(f"attestations, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, medians of {args.runs} (builder: fresh process each)")
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    met = (route["class_s"] < GOALS["class_route_s"] and route["school_s"] < GOALS["school_route_s"]
           and whole["bytes"] / 1024 / whole["pupils"] < GOALS["kb_per_pupil"]
           and whole["rss_growth_mb"] < GOALS["school_one_pdf_rss_mb"] and route["class_rss_growth_mb"] < GOALS[
               "class_rss_mb"])
    print("goals met" if met else "GOALS MISSED")
    results = Path(__file__).parent / "results"
    results.mkdir(exist_ok=True)
    (results / f"attestations-{datetime.now(UTC):%Y%m%dT%H%M%S}.json").write_text(json.dumps(
        {"bench": "attestations", "goals": GOALS, "class": one_class, "school": whole, "route": route}, indent=2))


if __name__ == "__main__":
    main()
