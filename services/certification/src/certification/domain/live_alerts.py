"""Live alerts: a candidate signalled a problem with a question; the invigilator, in the room, decides.

The candidate signals it in assessment, where the test runs; certification hears of it
(``assessment.certification_test.live_alert_raised.v1``) and shows it on the invigilator's page.
The invigilator looks at the screen and either **validates** it (the question really is
broken: assessment withdraws it and serves another, and the question never counts) or
**dismisses** it (the candidate answers it as usual). One alert of a candidate is ongoing at
a time, and an alert is decided once: a second click, or a colleague's, finds nothing to
decide (LIVE_ALERT_NOT_FOUND). The decision goes back to assessment
(``certification.live_alert.decided.v1``); a validated alert stays on the course's record for
the jury.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from certification.domain import events as ev
from certification.domain import exceptions as e

ONGOING, VALIDATED, DISMISSED = "ONGOING", "VALIDATED", "DISMISSED"


@dataclass
class LiveAlert:
    id: UUID  # assessment's, as the raised event named it
    course_id: UUID
    candidate_id: UUID
    session_id: UUID
    challenge_id: str
    question_number: int
    raised_at: datetime
    status: str = ONGOING
    decided_at: datetime | None = None
    decided_by: UUID | None = None
    version: int = 1
    events: list[Any] = field(default_factory=list, repr=False, compare=False)

    def validate(self, by: UUID, now: datetime) -> None:
        self._decide(VALIDATED, by, now)

    def dismiss(self, by: UUID, now: datetime) -> None:
        self._decide(DISMISSED, by, now)

    def _decide(self, decision: str, by: UUID, now: datetime) -> None:
        if self.status != ONGOING:
            raise e.NotFound("LIVE_ALERT_NOT_FOUND", "This candidate has no problem signalled awaiting a decision.")
        self.status, self.decided_by, self.decided_at = decision, by, now
        self.version += 1
        self.events.append(ev.LiveAlertDecided(self.id, self.version, self.course_id, self.candidate_id,
                                               self.session_id, decision, by, now))
