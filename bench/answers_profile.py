"""The answer's path in process, under cProfile (issue 18): what an api worker spends its CPU on.

    python bench/answers_profile.py                      # this tree's code; prints the top of each profile
    python bench/answers_profile.py --no-profile         # only the CPU per answer, without the profiler's cost
    PYTHONPATH=<old tree's src folders> python bench/answers_profile.py   # another code (bench/answers.py's old_tree)

Flask's test client on a fresh database (no gunicorn, no gateway, no HTTP): ``--tests`` campaign tests (150-skill
target, 60 answers given, as bench/answers.py) and as many certification tests, each asked and answered once
before the measure (as a worker that served the learner before), then ``--rounds`` times: next question, then
an answer (skipped) with a new ``Idempotency-Key``. CPU is the process's (``time.process_time``). Writes
``<kind>.prof`` files (``--out``) for pstats or snakeviz. No lock needed: it starts no process.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import pstats
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tests", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)

    from adaptive_test import load_content, prepared_assessments, read_document
    from sqlalchemy import text

    from assessment.bootstrap import bootstrap
    from assessment.config import Settings
    from assessment.domain import commands
    from assessment.entrypoints.api.app import create_app
    from assessment.entrypoints.cli import checksum
    from assessment.service_layer import certification, handlers
    from svckit import migrations
    from svckit.auth import TokenVerifier
    from svckit.config import DEFAULT_RABBITMQ_URL
    from svckit.testing import TestKeys, fresh_database, token_for

    with fresh_database("profile_answers") as url:
        migrations.upgrade(url, "assessment:migrations")
        runtime = bootstrap(Settings.from_env({"SERVICE_ENV": "test", "DATABASE_URL": url, "LOG_LEVEL": "WARNING",
                                               "RABBITMQ_URL": DEFAULT_RABBITMQ_URL}))
        runtime = dataclasses.replace(runtime, verifier=TokenVerifier(TestKeys(), "skills-platform", "skills-platform"))
        document = read_document()
        handlers.release_content(document, checksum(document), "bench", runtime.uow(), runtime.now())
        client = create_app(runtime).test_client()
        tests = {"campaign": prepared_assessments(runtime, load_content(), args.tests), "certification": []}
        for _ in range(args.tests):
            course, user = uuid.uuid4(), uuid.uuid4()
            with runtime.uow() as uow:
                certification.on_course_started(commands.StartCertificationTest(course, user, 1, 0, runtime.now()),
                                                uow, runtime.content, runtime.item_parameters)
                uow.commit()
            tests["certification"].append((course, user))
        with runtime.engine.begin() as connection:
            connection.execute(text("ANALYZE"))

        def run(kind: str, rounds: int) -> int:
            prefix = "/api/assessments/{}" if kind == "campaign" else "/api/certification-courses/{}/assessment"
            headers = {user: {"Authorization": f"Bearer {token_for(str(user), f'{user}@example.org')}"}
                       for _, user in tests[kind]}
            answered = 0
            for _ in range(rounds):
                for test_id, user in tests[kind]:
                    path = prefix.format(test_id)
                    body = client.get(f"{path}/next-challenge", headers=headers[user])
                    assert body.status_code == 200, body.text
                    challenge = body.json["challenge"]
                    if challenge is None:
                        continue
                    reply = client.post(f"{path}/answers", json={"challenge_id": challenge["id"], "skipped": True},
                                        headers={**headers[user], "Idempotency-Key": str(uuid.uuid4())})
                    assert reply.status_code == 201, reply.text
                    answered += 1
            return answered

        args.out.mkdir(parents=True, exist_ok=True)
        for kind in ("campaign", "certification"):
            run(kind, 1)
            profile = cProfile.Profile(time.process_time)
            started = time.process_time()
            if not args.no_profile:
                profile.enable()
            answered = run(kind, args.rounds)
            profile.disable()
            spent = time.process_time() - started
            print(f"{kind}: {answered} answers, {spent * 1000 / answered:.2f} ms of CPU per answer"
                  f"{'' if args.no_profile else ' (under the profiler)'}", flush=True)
            if not args.no_profile:
                profile.dump_stats(args.out / f"{kind}.prof")
                pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)
        runtime.engine.dispose()


if __name__ == "__main__":
    main()
