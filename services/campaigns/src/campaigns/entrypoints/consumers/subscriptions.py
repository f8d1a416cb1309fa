"""What campaigns consumes: event type -> handler; each handler has its own queue."""

from __future__ import annotations

from collections.abc import Callable

from campaigns.entrypoints.consumers.schemas import (
    AssessmentCompletedSchema,
    ContentReleasedSchema,
    LearnerLinkedSchema,
    LearnersImportedSchema,
    LearnerUnlinkedSchema,
    MembershipChangedSchema,
    OrganizationArchivedSchema,
    OrganizationCreatedSchema,
    OrganizationFeaturesChangedSchema,
    OrgaTermsAcceptedSchema,
)
from campaigns.service_layer import handlers, replication
from campaigns.service_layer.unit_of_work import CampaignsUnitOfWork
from msgkit import Envelope, Subscription
from svckit.consumers import idempotent_subscription

MEMBERSHIP_EVENTS = ("organizations.membership.granted.v1", "organizations.membership.role_changed.v1",
                     "organizations.membership.revoked.v1")


def subscriptions(uow_factory: Callable[[], CampaignsUnitOfWork]) -> list[Subscription]:
    def on_assessment_completed(data: dict, _envelope: Envelope, uow: CampaignsUnitOfWork) -> None:
        handlers.on_assessment_completed(data, uow)

    return [
        idempotent_subscription("on_organization_created", ("organizations.organization.created.v1",),
                                OrganizationCreatedSchema(), uow_factory, replication.on_organization_created),
        idempotent_subscription("on_organization_archived", ("organizations.organization.archived.v1",),
                                OrganizationArchivedSchema(), uow_factory, replication.on_organization_archived),
        idempotent_subscription("on_organization_features_changed", ("organizations.organization.features_changed.v1",),
                                OrganizationFeaturesChangedSchema(), uow_factory,
                                replication.on_organization_features_changed),
        idempotent_subscription("on_membership_changed", MEMBERSHIP_EVENTS, MembershipChangedSchema(), uow_factory,
                                replication.on_membership_changed),
        idempotent_subscription("on_orga_terms_accepted", ("identity.user.orga_terms_accepted.v1",),
                                OrgaTermsAcceptedSchema(), uow_factory, replication.on_orga_terms_accepted),
        idempotent_subscription("on_learners_imported", ("organizations.learners.imported.v1",),
                                LearnersImportedSchema(), uow_factory, replication.on_learners_imported),
        idempotent_subscription("on_learner_linked", ("organizations.learner.linked.v1",), LearnerLinkedSchema(),
                                uow_factory, replication.on_learner_linked),
        idempotent_subscription("on_learner_unlinked", ("organizations.learner.unlinked.v1",),
                                LearnerUnlinkedSchema(), uow_factory, replication.on_learner_unlinked),
        idempotent_subscription("on_assessment_completed", ("assessment.assessment.completed.v1",),
                                AssessmentCompletedSchema(), uow_factory, on_assessment_completed),
        idempotent_subscription("on_content_released", ("assessment.content.released.v1",), ContentReleasedSchema(),
                                uow_factory, replication.on_content_released),
    ]
