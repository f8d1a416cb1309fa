"""A content release: one version of the whole learning content, immutable once released."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from assessment.domain.content import LearningContent


@dataclass(frozen=True)
class ContentReleased:
    version: int
    checksum: str
    released_at: datetime
    structure: dict[str, Any]  # areas, competences, tubes, skills, target profiles: no challenge, no answer


@dataclass
class ContentRelease:
    version: int
    checksum: str
    released_at: datetime
    released_by: str
    skill_count: int
    challenge_count: int
    document: dict[str, Any]
    events: list[Any] = field(default_factory=list)

    @classmethod
    def release(cls, *, version: int, checksum: str, document: dict[str, Any], released_at: datetime,
                released_by: str) -> ContentRelease:
        content = LearningContent(version, document)
        release = cls(version=version, checksum=checksum, released_at=released_at, released_by=released_by,
                      skill_count=len(content.skills), challenge_count=len(content.challenges), document=document)
        release.announce(content)
        return release

    def announce(self, content: LearningContent | None = None) -> None:
        """Publish the structure (again): a service that starts consuming later gets the current release."""
        content = content or LearningContent(self.version, self.document)
        self.events.append(ContentReleased(self.version, self.checksum, self.released_at, content.structure()))
