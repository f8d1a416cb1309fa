"""Figures of the adaptive test, on the content pack shipped with the service.

    python bench/adaptive_test.py simulation     # simulated learners take the initial diagnosis
    python bench/adaptive_test.py hot-path       # next challenge + answer, in-process and through HTTP

- simulation: each simulated learner has a true level per tube (0 to 5, drawn at random) and
  answers right exactly when the skill's level is at or below it; then the same with 5% noise
  (a slip or a lucky guess on any answer). Reported: questions asked per target skill, and
  the agreement of the final skill statuses with the truth (noise-free, it must be 100%).
- hot path: a 150-skill target with 60 answers already given (60 skills settled directly,
  90 unknown). One sample = GET next-challenge + POST answer; p50 and p99, first in-process
  (the service layer on the real PostgreSQL, no HTTP), then through HTTP to the assessment
  API under gunicorn, then through the gateway (tokens signed by a test key that a local JWKS
  endpoint publishes, so that each prepared assessment has its own learner).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_content():
    from assessment.adapters.content_pack import read_pack
    from assessment.domain.content import LearningContent

    return LearningContent(1, read_pack().document)


# -- simulation -----------------------------------------------------------------------------


def simulate(content, learners: int, noise: float, seed: int) -> dict:
    from assessment.domain.model import Rules, new_assessment

    rules = Rules()
    profile = content.target_profiles["initial-diagnosis"]
    targets = profile.skill_ids(content)
    tubes = sorted({content.skills[s].tube_id for s in targets})
    rng = random.Random(seed)
    asked_per_skill, agreements, durations, lengths = [], [], [], []
    t0 = datetime(2026, 11, 23, tzinfo=timezone.utc)
    for _ in range(learners):
        truth = {tube: rng.randint(0, 5) for tube in tubes}
        assessment = new_assessment(id=uuid.UUID(int=rng.getrandbits(128)), user_id=uuid.uuid4(), participation_id=None,
                                    campaign_id=None, target_skill_ids=targets, improving=False, created_at=t0,
                                    knowledge=[], answered_before=[])
        started = time.perf_counter()
        asked = 0
        while (challenge := assessment.current_challenge(content, rules, t0)) is not None:
            skill = content.skills[challenge.skill_id]
            right = skill.level <= truth[skill.tube_id]
            if rng.random() < noise:
                right = not right
            assessment.answer(content, rules, challenge_id=challenge.id, value=_value(challenge, right),
                              skipped=False, now=t0, new_id=uuid.uuid4)
            asked += 1
        durations.append((time.perf_counter() - started) * 1000 / max(asked, 1))
        known = assessment.known(rules)
        agreed = sum(1 for s in targets if s in known
                     and known[s].validated == (content.skills[s].level <= truth[content.skills[s].tube_id]))
        agreements.append(agreed / len(targets))
        asked_per_skill.append(asked / len(targets))
        lengths.append(asked)
    result = {
        "learners": learners, "noise": noise, "target_skills": len(targets), "tubes": len(tubes),
        "questions_mean": round(statistics.mean(lengths), 1), "questions_min": min(lengths),
        "questions_max": max(lengths),
        "questions_per_target_skill": round(statistics.mean(asked_per_skill), 3),
        "agreement_mean": round(statistics.mean(agreements), 4), "agreement_min": round(min(agreements), 4),
        "ms_per_question_p50": round(statistics.median(durations), 2),
    }
    print(f"simulation ({int(noise * 100)}% noise, {learners} learners, {len(targets)} target skills in "
          f"{len(tubes)} tubes): {result['questions_mean']} questions on average ({result['questions_min']} to "
          f"{result['questions_max']}), {result['questions_per_target_skill']} per target skill; agreement with the "
          f"truth {result['agreement_mean'] * 100:.2f}% on average, {result['agreement_min'] * 100:.2f}% at worst; "
          f"{result['ms_per_question_p50']} ms of engine per question (p50)")
    return result


def _value(challenge, right: bool):
    """A right (or wrong) answer to any kind of challenge, as a learner would type it."""
    from assessment.domain.content import FIELDS, FREE_ANSWER, MULTIPLE_CHOICE, SINGLE_CHOICE

    if challenge.kind == SINGLE_CHOICE:
        good = next(iter(challenge.right_choices))
        return good if right else next(n for n in range(1, len(challenge.proposals) + 1) if n != good)
    if challenge.kind == MULTIPLE_CHOICE:
        good = sorted(challenge.right_choices)
        return good if right else sorted(set(range(1, len(challenge.proposals) + 1)) - set(good))[:1] or good[:-1]
    if challenge.kind == FREE_ANSWER:
        return challenge.accepted["fr"][0] if right else "je ne sais pas"
    if challenge.kind == FIELDS:
        return {f.key: (f.accepted["fr"][0] if right else "je ne sais pas") for f in challenge.fields}
    raise ValueError(challenge.kind)


def bench_simulation(learners: int) -> dict:
    content = load_content()
    return {"noise_free": simulate(content, learners, 0.0, seed=1),
            "noise_5_percent": simulate(content, learners, 0.05, seed=2)}


# -- hot path -------------------------------------------------------------------------------


def prepared_assessments(runtime, content, count: int,
                         campaign_id: uuid.UUID | None = None) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(assessment id, learner id) of assessments over a 150-skill target (30 tubes, levels 1 to 5), each of
    its own learner (and participation, in ``campaign_id`` when given) with 60 answers given: one per skill of
    levels 1 and 2, settled directly, so 90 target skills are still unknown."""
    from assessment.domain.knowledge import DIRECT, INVALIDATED, VALIDATED, KnowledgeElement
    from assessment.domain.model import RIGHT, WRONG, Answer, new_assessment

    tubes = sorted({s.tube_id for s in content.skills.values()})[:30]
    targets = [s.id for t in tubes for s in content.skills_of_tube(t) if s.level <= 5]
    assert len(targets) == 150, len(targets)
    answered = [s for s in targets if content.skills[s].level <= 2]  # 60 skills
    t0 = datetime.now(timezone.utc) - timedelta(hours=1)
    ids = []
    for _ in range(count):
        user_id = uuid.uuid4()
        assessment = new_assessment(id=uuid.uuid4(), user_id=user_id, participation_id=uuid.uuid4(),
                                    campaign_id=campaign_id, target_skill_ids=targets, improving=False, created_at=t0,
                                    knowledge=[], answered_before=[])
        for index, skill_id in enumerate(answered, 1):
            skill = content.skills[skill_id]
            challenge = content.challenges_of(skill_id)[0]
            right = skill.level == 1 or index % 2 == 0
            moment = t0 + timedelta(seconds=index)
            answer = Answer(uuid.uuid4(), assessment.id, index, challenge.id, skill_id, 1, RIGHT if right else WRONG,
                            moment, 9000)
            element = KnowledgeElement(uuid.uuid4(), user_id, assessment.id, skill_id, skill.competence_code,
                                       VALIDATED if right else INVALIDATED, DIRECT,
                                       round(float(skill.pix_value), 4) if right else 0.0, moment)
            assessment.answers.append(answer)
            assessment.new_answers.append(answer)
            assessment.new_knowledge.append(element)
        with runtime.uow() as uow:
            uow.assessments.add(assessment)
            uow.commit()
        ids.append((assessment.id, user_id))
    return ids


def measure_in_process(runtime, content, ids: list[tuple[uuid.UUID, uuid.UUID]]) -> list[float]:
    from assessment.domain import commands
    from assessment.service_layer import handlers

    rules, samples = runtime.settings.rules, []
    for assessment_id, user_id in ids:
        started = time.perf_counter()
        _, challenge = handlers.current_challenge(assessment_id, user_id, runtime.uow, content, rules, runtime.now())
        handlers.answer(commands.AnswerChallenge(assessment_id, user_id, challenge.id, None, True), runtime.uow(),
                        content, rules, runtime.now(), uuid.uuid4)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def measure_http(session, base: str, ids: list[tuple[uuid.UUID, uuid.UUID]]) -> list[float]:
    from svckit.testing import token_for

    samples = []
    for assessment_id, user_id in ids:
        headers = {"Authorization": f"Bearer {token_for(str(user_id), f'{user_id}@example.org')}"}
        started = time.perf_counter()
        body = session.get(f"{base}/api/assessments/{assessment_id}/next-challenge", headers=headers)
        body.raise_for_status()
        answered = session.post(f"{base}/api/assessments/{assessment_id}/answers", headers=headers,
                                json={"challenge_id": body.json()["challenge"]["id"], "skipped": True})
        assert answered.status_code == 201, answered.text
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def bench_hot_path(samples_count: int) -> dict:
    import requests
    from sqlalchemy import text

    from assessment.bootstrap import bootstrap
    from assessment.config import Settings
    from assessment.entrypoints.cli import checksum
    from assessment.service_layer import handlers
    from msgkit.testing import isolated_vhost
    from svckit.config import DEFAULT_RABBITMQ_URL
    from svckit.testing import ServiceProcess, free_port, fresh_database, service_command

    content = load_content()
    with ExitStack() as stack:
        database = stack.enter_context(fresh_database("bench"))
        amqp_url = stack.enter_context(isolated_vhost(DEFAULT_RABBITMQ_URL, "bench"))
        logs = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        jwks_url = stack.enter_context(serving_test_jwks())
        env = {"SERVICE_ENV": "test", "RABBITMQ_URL": amqp_url, "LOG_LEVEL": "WARNING", "DATABASE_URL": database,
               "JWKS_URL": jwks_url}
        ServiceProcess([*service_command("assessment"), "migrate"], env, logs / "migrate.log").start().process.wait(60)
        runtime = bootstrap(Settings.from_env(env))
        stack.callback(runtime.engine.dispose)
        document = read_document()
        handlers.release_content(document, checksum(document), "bench", runtime.uow(), runtime.now())

        ports = {name: free_port() for name in ("assessment", "gateway")}
        processes = [
            ServiceProcess([*service_command("assessment"), "api", "--bind", f"127.0.0.1:{ports['assessment']}"],
                           env, logs / "assessment.log", f"http://127.0.0.1:{ports['assessment']}/health/ready"),
            ServiceProcess([*service_command("gateway"), "api", "--bind", f"127.0.0.1:{ports['gateway']}"],
                           {**env, "ASSESSMENT_URL": f"http://127.0.0.1:{ports['assessment']}",
                            "RATELIMIT_ENABLED": "false"},
                           logs / "gateway.log", f"http://127.0.0.1:{ports['gateway']}/health/ready"),
        ]
        for process in processes:
            process.start()
            stack.callback(process.stop)
        for process in processes:
            process.wait_ready()

        session = requests.Session()
        warm, size = 20, samples_count + 20
        ids = prepared_assessments(runtime, content, 3 * size)
        with runtime.engine.begin() as connection:  # as autovacuum would have: fresh tables have no statistics
            connection.execute(text("ANALYZE"))
        in_process = measure_in_process(runtime, content, ids[:size])[warm:]
        direct = measure_http(session, f"http://127.0.0.1:{ports['assessment']}", ids[size:2 * size])[warm:]
        gateway = measure_http(session, f"http://127.0.0.1:{ports['gateway']}", ids[2 * size:])[warm:]
    result = {"samples": samples_count, "target_skills": 150, "answers_before": 60}
    for name, samples in (("in_process", in_process), ("http_direct", direct), ("http_gateway", gateway)):
        result[f"{name}_p50_ms"] = round(statistics.median(samples), 2)
        result[f"{name}_p99_ms"] = round(statistics.quantiles(samples, n=100)[98], 2)
    print(f"hot path (next challenge + answer, 150-skill target, 60 answers given, {samples_count} samples each): "
          f"in-process p50 {result['in_process_p50_ms']} ms, p99 {result['in_process_p99_ms']} ms; "
          f"HTTP to the API p50 {result['http_direct_p50_ms']} ms, p99 {result['http_direct_p99_ms']} ms; "
          f"through the gateway p50 {result['http_gateway_p50_ms']} ms, p99 {result['http_gateway_p99_ms']} ms")
    return result


@contextmanager
def serving_test_jwks():
    """A JWKS endpoint publishing the test key (svckit.testing.TestKeys), so tokens for any learner are free."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    import jwt

    from svckit.testing import TestKeys

    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(TestKeys.private_key().public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": "test", "alg": "RS256", "use": "sig"}]}).encode()

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/.well-known/jwks.json"
    finally:
        server.shutdown()


def read_document() -> dict:
    from assessment.adapters.content_pack import read_pack

    return read_pack().document


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", nargs="*", help="simulation, hot-path or all (the default)")
    parser.add_argument("--learners", type=int, default=500)
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args(argv)
    args.what = set(args.what or ["all"])
    unknown = args.what - {"simulation", "hot-path", "all"}
    if unknown:
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))} (choose from simulation, hot-path, all)")
    return args


def run(what: set[str], learners: int, samples: int) -> dict:
    results = {}
    if what & {"all", "simulation"}:
        results["simulation"] = bench_simulation(learners)
    if what & {"all", "hot-path"}:
        results["hot_path"] = bench_hot_path(samples)
    return results


def main() -> None:
    args = parse_args()
    results = {"at": datetime.now(timezone.utc).isoformat(), **run(args.what, args.learners, args.samples)}
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    path = out / f"assessment-{datetime.now(timezone.utc):%Y-%m-%dT%H%M%S}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"\nfigures written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
