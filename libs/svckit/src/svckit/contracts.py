"""Reading the event contracts of ``contracts/events/`` in producer and consumer tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker


def contracts_dir(start: Path) -> Path:
    for folder in [start, *start.parents]:
        candidate = folder / "contracts" / "events"
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"no contracts/events above {start}")


@dataclass(frozen=True)
class Contract:
    event_type: str
    example: dict[str, Any]
    schema: dict[str, Any]

    def validate_payload(self, payload: dict[str, Any]) -> None:
        """Raise jsonschema.ValidationError when the payload breaks the contract."""
        Draft202012Validator(self.schema, format_checker=FormatChecker()).validate(payload)


def load_contract(event_type: str, start: Path | None = None) -> Contract:
    producer, rest = event_type.split(".", 1)
    folder = contracts_dir(start or Path.cwd()) / producer
    example = json.loads((folder / f"{rest}.example.json").read_text())
    schema = json.loads((folder / f"{rest}.schema.json").read_text())
    return Contract(event_type, example, schema)


def all_contracts(start: Path | None = None) -> list[Contract]:
    root = contracts_dir(start or Path.cwd())
    return [load_contract(f"{path.parent.name}.{path.name.removesuffix('.example.json')}", root.parent.parent)
            for path in sorted(root.glob("*/*.example.json"))]
