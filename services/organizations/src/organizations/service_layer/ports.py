from __future__ import annotations

import abc
from uuid import UUID

from organizations.domain.model import KnownUser


class AbstractKnownUsers(abc.ABC):
    @abc.abstractmethod
    def save(self, user: KnownUser) -> None:
        """Keep the newest version of the account; an older announcement changes nothing."""

    @abc.abstractmethod
    def get(self, user_id: UUID) -> KnownUser | None: ...
