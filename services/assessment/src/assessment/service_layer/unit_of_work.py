from __future__ import annotations

from assessment.service_layer.ports import (
    AbstractAssessments,
    AbstractCampaignTargets,
    AbstractCertificationTests,
    AbstractReleases,
)
from svckit.uow import AbstractUnitOfWork


class AssessmentUnitOfWork(AbstractUnitOfWork):
    """The repositories a use case of assessment reaches, in one transaction."""

    releases: AbstractReleases
    campaign_targets: AbstractCampaignTargets
    assessments: AbstractAssessments
    certification_tests: AbstractCertificationTests
