"""The answers recorded in campaigns, as calibration reads them."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

from sqlalchemy import Engine, text

from assessment.domain.model import RIGHT

# Each learner's first answer to each challenge, in campaign assessments only: a second answer
# to the same challenge (improving before sharing, another campaign) is practice, not a
# fresh measure. A skip or a timeout is not right, as in the test.
_FIRST_CAMPAIGN_ANSWERS = text("""
SELECT DISTINCT ON (a.user_id, ans.challenge_id) a.user_id, ans.challenge_id, ans.result
  FROM answers ans JOIN assessments a ON a.id = ans.assessment_id
 WHERE a.campaign_id IS NOT NULL
 ORDER BY a.user_id, ans.challenge_id, ans.answered_at, ans.index
""")


def first_campaign_answers(engine: Engine, batch: int = 10_000) -> Iterator[tuple[UUID, str, bool]]:
    """(learner, challenge id, right) for each learner's first answer to each challenge, streamed."""
    with engine.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=batch).execute(_FIRST_CAMPAIGN_ANSWERS)
        for user_id, challenge_id, result_code in result:
            yield user_id, challenge_id, result_code == RIGHT
