"""The content pack on disk: YAML files checked against JSON Schemas, merged into one release document.

Layout of a pack directory::

    framework.yaml            areas and competences (names in French and English)
    competences/<code>.yaml   one per competence: tubes, skills, tutorials, challenges
    target_profiles.yaml      ready target profiles beyond the generated one-per-competence
    schemas/*.schema.json     the shape of each kind of file
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry, Resource

from assessment.domain.content import pack_problems

SCHEMAS = ("competence", "framework", "target_profiles")


def default_pack_path() -> Path:
    return Path(str(files("assessment").joinpath("content_pack")))


class ContentPackInvalid(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the content pack:\n" + "\n".join(f"- {p}" for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Pack:
    document: dict[str, Any]
    challenge_count: int
    skill_count: int


def read_pack(path: Path | None = None) -> Pack:
    """The pack at ``path`` as one release document, or ``ContentPackInvalid`` with every problem found."""
    path = path or default_pack_path()
    validators = _validators(path / "schemas")
    problems: list[str] = []
    framework = _load(path / "framework.yaml", validators["framework"], problems)
    profiles = _load(path / "target_profiles.yaml", validators["target_profiles"], problems)
    competence_files = {p.stem: p for p in sorted((path / "competences").glob("*.yaml"))}
    if framework is None or profiles is None:
        raise ContentPackInvalid(problems)

    known = {c["code"] for area in framework["areas"] for c in area["competences"]}
    problems.extend(f"competences/{stem}.yaml: no competence {stem} in framework.yaml"
                    for stem in competence_files if stem not in known)
    for area in framework["areas"]:
        for competence in area["competences"]:
            file = competence_files.get(competence["code"])
            if file is None:
                problems.append(f"competences/{competence['code']}.yaml is missing")
                competence["tubes"] = []
                continue
            doc = _load(file, validators["competence"], problems)
            if doc is not None and doc["competence"] != competence["code"]:
                problems.append(f"{file.name}: says competence {doc['competence']}, its name says {competence['code']}")
            competence["tubes"] = doc["tubes"] if doc is not None else []
    document = {"areas": framework["areas"], "target_profiles": profiles["target_profiles"]}
    if problems:  # the rules across files only make sense once each file has its shape
        raise ContentPackInvalid(problems)
    problems = pack_problems(document)
    if problems:
        raise ContentPackInvalid(problems)
    skills = [s for a in document["areas"] for c in a["competences"] for t in c["tubes"] for s in t["skills"]]
    return Pack(document, challenge_count=sum(len(s["challenges"]) for s in skills), skill_count=len(skills))


def _validators(schema_dir: Path) -> dict[str, Draft202012Validator]:
    schemas = {name: json.loads((schema_dir / f"{name}.schema.json").read_text("utf-8")) for name in SCHEMAS}
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas.values())
    return {name: Draft202012Validator(schema, registry=registry) for name, schema in schemas.items()}


def _load(file: Path, validator: Draft202012Validator, problems: list[str]) -> dict[str, Any] | None:
    name = f"{file.parent.name}/{file.name}" if file.parent.name == "competences" else file.name
    try:
        data = yaml.safe_load(file.read_text("utf-8"))
    except FileNotFoundError:
        problems.append(f"{name} is missing")
        return None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        problems.append(f"{name}: not readable YAML in UTF-8: {error}")
        return None
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    for error in errors[:50]:
        location = "/".join(str(part) for part in error.absolute_path) or "(top)"
        problems.append(f"{name} at {location}: {_message(error)}")
    return None if errors else data


def check_competence_files(paths: list[Path], schema_dir: Path | None = None) -> list[str]:
    """The problems of some competence files on their own, for an author writing part of a pack."""
    validator = _validators(schema_dir or default_pack_path() / "schemas")["competence"]
    problems: list[str] = []
    competences = []
    for path in paths:
        doc = _load(path, validator, problems)
        if doc is not None:
            competences.append({"code": doc["competence"], "tubes": doc["tubes"]})
    if not problems:
        problems = pack_problems({"areas": [{"competences": competences}]}, whole_pack=False)
    return problems


def _message(error: ValidationError) -> str:
    """The schema's complaint without the whole offending value (which can be a whole tube)."""
    if error.validator in ("minItems", "maxItems"):
        bound = "at least" if error.validator == "minItems" else "at most"
        return f"{len(error.instance)} item(s), {bound} {error.validator_value} expected"
    return error.message if len(error.message) <= 300 else error.message[:300] + "…"


def main(argv: list[str] | None = None) -> int:
    """Check a pack without a database.

    ``python -m assessment.adapters.content_pack [PACK_DIR]`` checks a whole pack;
    ``python -m assessment.adapters.content_pack --files competences/1.1.yaml ...`` checks some files.
    """
    import sys

    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--files"]:
        problems = check_competence_files([Path(a) for a in args[1:]])
        print("\n".join([f"- {p}" for p in problems] + [f"{len(problems)} problem(s) in {len(args) - 1} file(s)"]))
        return 1 if problems else 0
    try:
        pack = read_pack(Path(args[0]) if args else None)
    except ContentPackInvalid as invalid:
        print(invalid, file=sys.stderr)
        return 1
    print(f"content pack valid: {pack.skill_count} skills, {pack.challenge_count} challenges")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
