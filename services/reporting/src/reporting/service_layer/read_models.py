"""The port through which projections write the read models (``adapters/read_models.py`` is the real one)."""

from __future__ import annotations

import abc
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID


class AbstractReadModels(abc.ABC):
    @abc.abstractmethod
    def save_organization(self, organization_id: UUID, version: int, **values: Any) -> None: ...

    @abc.abstractmethod
    def archive_organization(self, organization_id: UUID, version: int) -> None: ...

    @abc.abstractmethod
    def save_membership(self, membership_id: UUID, version: int, **values: Any) -> None: ...

    @abc.abstractmethod
    def save_orga_terms(self, user_id: UUID, version: int, accepted_at: datetime) -> None: ...

    @abc.abstractmethod
    def save_user(self, user_id: UUID, version: int, first_name: str, last_name: str, *, has_email: bool,
                  username: str | None) -> None: ...

    @abc.abstractmethod
    def save_gar_sign_in(self, user_id: UUID, version: int, linked_at: datetime) -> None: ...

    @abc.abstractmethod
    def save_learners(self, organization_id: UUID, learners: list[dict[str, Any]]) -> None: ...

    @abc.abstractmethod
    def link_learner(self, learner_id: UUID, version: int, organization_id: UUID, user_id: UUID,
                     linked_at: datetime) -> None: ...

    @abc.abstractmethod
    def unlink_learner(self, learner_id: UUID, version: int, organization_id: UUID) -> None: ...

    @abc.abstractmethod
    def replace_content(self, version: int, areas: list[dict[str, Any]], competences: list[dict[str, Any]],
                        skills: list[dict[str, Any]], target_profiles: list[dict[str, Any]]) -> bool: ...

    @abc.abstractmethod
    def save_campaign_created(self, campaign_id: UUID, version: int, organization_id: UUID,
                              facts: dict[str, Any], details: dict[str, Any]) -> None: ...

    @abc.abstractmethod
    def save_campaign_details(self, campaign_id: UUID, version: int, organization_id: UUID,
                              details: dict[str, Any]) -> None: ...

    @abc.abstractmethod
    def save_campaign_archive(self, campaign_id: UUID, version: int, organization_id: UUID,
                              archived_at: datetime | None) -> None: ...

    @abc.abstractmethod
    def save_participation_started(self, participation_id: UUID, version: int, row: dict[str, Any]) -> None: ...

    @abc.abstractmethod
    def restart_participation(self, participation_id: UUID, version: int, known: dict[str, Any],
                              restarted_at: datetime) -> None: ...

    @abc.abstractmethod
    def share_participation(self, participation_id: UUID, version: int, known: dict[str, Any],
                            results: dict[str, Any]) -> None: ...

    @abc.abstractmethod
    def delete_participation(self, participation_id: UUID, version: int, known: dict[str, Any],
                             deleted_at: datetime) -> None: ...

    @abc.abstractmethod
    def record_progress(self, participation_id: UUID, campaign_id: UUID, at: datetime, progress_rate: float,
                        completed: bool) -> None: ...

    @abc.abstractmethod
    def save_certification_result(self, course_id: UUID, version: int, row: dict[str, Any]) -> None: ...

    @abc.abstractmethod
    def clear(self, projections: Iterable[str]) -> None: ...
