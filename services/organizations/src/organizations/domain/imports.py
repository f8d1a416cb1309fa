"""The record of an import: who, when, which file, what it changed or why it was refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

SUCCEEDED, FAILED = "SUCCEEDED", "FAILED"


@dataclass(eq=False)
class LearnerImport:
    id: UUID
    organization_id: UUID
    created_by: UUID
    created_at: datetime
    filename: str
    mode: str
    status: str
    format: str | None = None
    encoding: str | None = None
    created_count: int = 0
    updated_count: int = 0
    disabled_count: int = 0
    enabled_count: int = 0
    unchanged_count: int = 0
    skipped_count: int = 0  # in the file but not for us (left the school, no class, no INE yet)
    unregistered_count: int = 0  # of the skipped, pupils without an INE yet
    # Pupils linked to the account their INE has in another school (domain/school_changes.py), and those
    # whose account was not carried over, with why.
    carried_over_count: int = 0
    not_carried_over: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0  # all of them, even past the first 1,000 kept in ``errors``
    error_code: str | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
