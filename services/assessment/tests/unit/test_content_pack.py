"""The pack checker: every broken rule is reported with its file and place; a sound pack reads whole."""

import shutil
from pathlib import Path

import pytest
import yaml
from assessment_builders import document, text, tube

from assessment.adapters.content_pack import ContentPackInvalid, check_competence_files, default_pack_path, read_pack

SCHEMAS = default_pack_path() / "schemas"


def write_pack(root: Path, doc: dict) -> Path:
    shutil.copytree(SCHEMAS, root / "schemas")
    (root / "competences").mkdir()
    framework = {"areas": [{"code": a["code"], "name": a["name"],
                            "competences": [{"code": c["code"], "name": c["name"]} for c in a["competences"]]}
                           for a in doc["areas"]]}
    (root / "framework.yaml").write_text(yaml.safe_dump(framework, allow_unicode=True), "utf-8")
    (root / "target_profiles.yaml").write_text(yaml.safe_dump({"target_profiles": doc["target_profiles"]}), "utf-8")
    for area in doc["areas"]:
        for competence in area["competences"]:
            (root / "competences" / f"{competence['code']}.yaml").write_text(
                yaml.safe_dump({"competence": competence["code"], "tubes": competence["tubes"]}, allow_unicode=True),
                "utf-8")
    return root


def problems_of(root: Path) -> list[str]:
    with pytest.raises(ContentPackInvalid) as raised:
        read_pack(root)
    return raised.value.problems


def big_document(**changes) -> dict:
    """Enough challenges to pass the pack's minimum: 2 competences x 3 tubes x 6 levels x 7 challenges."""
    return document({code: [tube(f"{name}{code[-1]}x", 6, challenges=7) for name in ("alpha", "beta", "gamma")]
                     for code in ("1.1", "1.2")}, **changes)


def rename_tubes(doc: dict) -> dict:
    """Tube ids are letters only: alpha1x -> alphaAx."""
    for area in doc["areas"]:
        for competence in area["competences"]:
            for t in competence["tubes"]:
                new = t["id"].replace("1x", "Ax").replace("2x", "Bx")
                for skill in t["skills"]:
                    for challenge in skill["challenges"]:
                        challenge["id"] = challenge["id"].replace(t["id"], new)
                t["id"] = new
    return doc


def test_a_sound_pack_reads_as_one_document(tmp_path):
    profiles = [{"id": "diagnostic", "name": text("D"), "description": text("D"),
                 "tubes": [{"tube_id": "alphaAx", "max_level": 5}]}]
    pack = read_pack(write_pack(tmp_path, rename_tubes(big_document(target_profiles=profiles))))
    assert pack.skill_count == 36 and pack.challenge_count == 252


def test_too_few_challenges_in_all_is_refused(tmp_path):
    problems = problems_of(write_pack(tmp_path, document({"1.1": [tube("recherche"), tube("sources"), tube("veille")]})))
    assert any("at least 250 needed" in p for p in problems)


def test_every_rule_broken_is_reported_with_its_place(tmp_path):
    doc = rename_tubes(big_document(target_profiles=[
        {"id": "diagnostic", "name": text("D"), "description": text("D"),
         "tubes": [{"tube_id": "nowhere", "max_level": 5}, {"tube_id": "betaAx", "max_level": 8}]}]))
    tubes = doc["areas"][0]["competences"][0]["tubes"]
    tubes[0]["skills"].pop(2)  # a gap at level 3
    tubes[1]["skills"][0]["challenges"] = tubes[1]["skills"][0]["challenges"][:1]  # level 1 with one challenge
    tubes[1]["skills"][4]["challenges"] = tubes[1]["skills"][4]["challenges"][:1]  # level 5 too: none for a retry
    tubes[2]["skills"][4]["challenges"][0]["answer"] = 9  # no proposal 9
    tubes[2]["skills"][4]["challenges"][1]["id"] = "alphaAx1-a"  # the id of another skill's challenge
    problems = problems_of(write_pack(tmp_path, doc))
    expected = ["tube alphaAx: skills must run from level 1", "tube betaAx, level 1: a skill needs at least 2 challenges",
                "tube betaAx, level 5: a skill needs at least 2 challenges",
                "challenge gammaAx5-a: the answer names a proposal that does not exist",
                "challenge alphaAx1-a: the challenge id is used twice",
                "target profile diagnostic: no tube nowhere", "tube betaAx stops at level 6, not 8"]
    for fragment in expected:
        assert any(fragment in p for p in problems), (fragment, problems)


def test_a_file_of_the_wrong_shape_is_refused_with_the_path_inside_it(tmp_path):
    root = write_pack(tmp_path, rename_tubes(big_document()))
    competence = root / "competences" / "1.2.yaml"
    data = yaml.safe_load(competence.read_text("utf-8"))
    data["tubes"][0]["skills"][0]["challenges"][0]["kind"] = "essay"
    del data["tubes"][1]["skills"][1]["statement"]["en"]
    competence.write_text(yaml.safe_dump(data), "utf-8")
    (root / "competences" / "1.1.yaml").write_text("competence: '1.1'\ntubes: [unclosed", "utf-8")
    problems = problems_of(root)
    assert any(p.startswith("competences/1.2.yaml at tubes/0/skills/0/challenges/0/kind") for p in problems)
    assert any(p.startswith("competences/1.2.yaml at tubes/1/skills/1/statement") and "'en'" in p for p in problems)
    assert any(p.startswith("competences/1.1.yaml: not readable YAML") for p in problems)


def test_a_missing_or_unknown_competence_file_is_reported(tmp_path):
    root = write_pack(tmp_path, rename_tubes(big_document()))
    (root / "competences" / "1.2.yaml").rename(root / "competences" / "9.9.yaml")
    problems = problems_of(root)
    assert "competences/1.2.yaml is missing" in problems
    assert "competences/9.9.yaml: no competence 9.9 in framework.yaml" in problems


def test_an_author_checks_their_files_alone(tmp_path):
    root = write_pack(tmp_path, rename_tubes(big_document()))
    assert check_competence_files([root / "competences" / "1.1.yaml"]) == []
