"""`assessment calibration fit` on a real database: campaign answers in, fitted parameters out."""

from __future__ import annotations

import json
import math
import random
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from assessment_it import release_document
from click.testing import CliRunner
from sqlalchemy import insert

from assessment.adapters import orm
from assessment.bootstrap import bootstrap
from assessment.config import Settings
from assessment.domain.content import LearningContent
from assessment.domain.item_bank import derived_parameters
from assessment.entrypoints.cli import checksum, main
from assessment.service_layer import handlers
from svckit import migrations

T0 = datetime(2026, 10, 1, 9, 0, tzinfo=timezone.utc)
HARD = "recherche2-a"  # its truth is far from what its level says: the fit must find it
LEARNERS = 800
RARE = 30  # learners who also answer competence 1.2's challenges: too few to fit them


@pytest.fixture
def calibration_database(database_factory):
    url = database_factory(f"assessment_calibration_{uuid.uuid4().hex[:6]}")
    migrations.upgrade(url, "assessment:migrations")
    return url


def environment(url: str, amqp_url: str) -> dict[str, str]:
    return {"SERVICE_ENV": "test", "DATABASE_URL": url, "RABBITMQ_URL": amqp_url}


def assessment_row(user_id: uuid.UUID, campaign_id: uuid.UUID | None) -> dict:
    return {"id": uuid.uuid4(), "user_id": user_id, "participation_id": None, "campaign_id": campaign_id,
            "target_skill_ids": [], "improving": False, "state": "COMPLETED", "created_at": T0, "version": 1}


def answer_row(assessment_id: uuid.UUID, index: int, challenge_id: str, right: bool, at: datetime) -> dict:
    return {"id": uuid.uuid4(), "assessment_id": assessment_id, "index": index, "challenge_id": challenge_id,
            "skill_id": challenge_id.split("-")[0], "value": None, "result": "RIGHT" if right else "WRONG",
            "answered_at": at}


@pytest.fixture
def recorded(calibration_database, amqp_url):
    """A released content and the campaign answers of simulated learners of known capacity."""
    runtime = bootstrap(Settings.from_env(environment(calibration_database, amqp_url)))
    document = release_document()
    version, _ = handlers.release_content(document, checksum(document), "tests", runtime.uow(), runtime.now())
    content = LearningContent(version, document)
    truth = derived_parameters(content) | {HARD: (1.5, 2.0)}
    common = [c for c in content.challenges if content.skills[content.challenges[c].skill_id].competence_code == "1.1"]
    rare = [c for c in content.challenges if c not in common]
    rng = random.Random(17)
    assessments, answers = [], []
    for n in range(LEARNERS):
        user_id, theta = uuid.uuid4(), rng.gauss(0.0, math.sqrt(1.5))
        first = assessment_row(user_id, uuid.uuid4())
        assessments.append(first)
        asked = common + (rare if n < RARE else []) + ["retired1-a"]  # a challenge the release no longer has
        for index, challenge_id in enumerate(asked):
            a, b = truth.get(challenge_id, (1.5, 0.0))
            right = rng.random() < 1 / (1 + math.exp(a * (b - theta)))
            answers.append(answer_row(first["id"], index, challenge_id, right, T0 + timedelta(seconds=index)))
        # Later answers of the same learner to the same challenges, all right (another campaign, and outside
        # any campaign): practice, never counted.
        for campaign_id in (uuid.uuid4(), None):
            again = assessment_row(user_id, campaign_id)
            assessments.append(again)
            answers.extend(answer_row(again["id"], i, c, True, T0 + timedelta(days=1, seconds=i))
                           for i, c in enumerate(common))
    outsider = assessment_row(uuid.uuid4(), None)  # answered outside campaigns only
    assessments.append(outsider)
    answers.extend(answer_row(outsider["id"], i, c, True, T0) for i, c in enumerate(common))
    with runtime.engine.begin() as connection:
        connection.execute(insert(orm.assessments), assessments)
        connection.execute(insert(orm.answers), answers)
    runtime.engine.dispose()
    return {"content": content, "truth": truth, "common": common, "rare": rare}


def test_the_command_fits_the_challenges_from_each_learners_first_campaign_answer(recorded, calibration_database,
                                                                                  amqp_url, tmp_path):
    output = tmp_path / "fitted.json"
    result = CliRunner().invoke(main, ["calibration", "fit", "--output", str(output), "--min-answers", "100"],
                                env=environment(calibration_database, amqp_url))
    assert result.exit_code == 0, result.output + repr(result.exception)
    content, common, rare = recorded["content"], recorded["common"], recorded["rare"]
    fitted = json.loads(output.read_text(encoding="utf-8"))
    assert fitted["content_version"] == content.version
    assert datetime.fromisoformat(fitted["fitted_at"]).tzinfo is not None
    assert fitted["counts"] == {
        "learners": LEARNERS, "answers": LEARNERS * len(common) + RARE * len(rare),
        "answers_to_unknown_challenges": LEARNERS, "challenges": len(content.challenges),
        "fitted": len(common), "derived": len(rare)}
    assert fitted["converged"] and fitted["min_answers"] == 100
    assert f"{len(common)} of {len(content.challenges)} challenges fitted" in result.output

    items, truth = fitted["items"], recorded["truth"]
    assert items[HARD]["fitted"] and items[HARD]["answers"] == LEARNERS
    assert abs(items[HARD]["difficulty"] - 2.0) < 0.4  # its level said -1.0
    errors = [abs(items[c]["difficulty"] - truth[c][1]) for c in common]
    assert max(errors) < 0.5 and sum(errors) / len(errors) < 0.2
    derived = derived_parameters(content)
    for challenge_id in rare:
        assert items[challenge_id] == {"discrimination": derived[challenge_id][0],
                                       "difficulty": derived[challenge_id][1], "answers": RARE, "fitted": False}


def test_without_a_release_the_command_says_so_and_writes_nothing(calibration_database, amqp_url, tmp_path):
    output = tmp_path / "fitted.json"
    result = CliRunner().invoke(main, ["calibration", "fit", "--output", str(output)],
                                env=environment(calibration_database, amqp_url))
    assert result.exit_code == 1
    assert "no learning content is released yet" in result.output
    assert not output.exists()


def test_a_minimum_below_one_is_refused(calibration_database, amqp_url, tmp_path):
    result = CliRunner().invoke(main, ["calibration", "fit", "--output", str(tmp_path / "f.json"), "--min-answers",
                                       "0"], env=environment(calibration_database, amqp_url))
    assert result.exit_code == 2 and "--min-answers" in result.output
