"""What certification consumes: event type -> handler; each handler has its own queue."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from certification.entrypoints.consumers import schemas as s
from certification.service_layer import live_alerts, mails, replication, results
from certification.service_layer.unit_of_work import CertificationUnitOfWork
from msgkit import Subscription
from svckit.consumers import idempotent_subscription
from svckit.mail import Mailer

MEMBERSHIP_EVENTS = ("organizations.membership.granted.v1", "organizations.membership.role_changed.v1",
                     "organizations.membership.revoked.v1")


def subscriptions(uow_factory: Callable[[], CertificationUnitOfWork], mailer: Mailer,
                  public_url: str, results_url: str = "") -> list[Subscription]:
    return [
        idempotent_subscription("on_organization_created", ("organizations.organization.created.v1",),
                                s.OrganizationCreatedSchema(), uow_factory, replication.on_organization_created),
        idempotent_subscription("on_organization_archived", ("organizations.organization.archived.v1",),
                                s.OrganizationArchivedSchema(), uow_factory, replication.on_organization_archived),
        idempotent_subscription("on_membership_changed", MEMBERSHIP_EVENTS, s.MembershipChangedSchema(), uow_factory,
                                replication.on_membership_changed),
        idempotent_subscription("on_learners_imported", ("organizations.learners.imported.v1",),
                                s.LearnersImportedSchema(), uow_factory, replication.on_learners_imported),
        idempotent_subscription("on_learner_linked", ("organizations.learner.linked.v1",), s.LearnerLinkedSchema(),
                                uow_factory, replication.on_learner_linked),
        idempotent_subscription("on_learner_unlinked", ("organizations.learner.unlinked.v1",),
                                s.LearnerUnlinkedSchema(), uow_factory, replication.on_learner_unlinked),
        idempotent_subscription("on_assessment_completed", ("assessment.assessment.completed.v1",),
                                s.AssessmentCompletedSchema(), uow_factory, replication.on_assessment_completed),
        idempotent_subscription("on_email_verified", ("identity.user.email_verified.v1",), s.EmailVerifiedSchema(),
                                uow_factory, replication.on_email_verified),
        # certification reads its own event: the mail leaves through the outbox, with its retries.
        idempotent_subscription("send_invitation_mail", ("certification.invitation.issued.v1",),
                                s.InvitationIssuedSchema(), uow_factory,
                                partial(mails.on_invitation_issued, mailer=mailer, public_url=public_url)),
        # one event per answer at a window's peak: taken in batches (CONSUMER_BATCH), one transaction and one
        # notice to each session's page per batch; it publishes nothing (svckit.consumers)
        idempotent_subscription("on_test_progressed", ("assessment.certification_test.progressed.v1",),
                                s.CertificationTestProgressedSchema(), uow_factory, results.on_test_progressed,
                                batch=True),
        idempotent_subscription("on_test_completed", ("assessment.certification_test.completed.v1",),
                                s.CertificationTestCompletedSchema(), uow_factory, results.on_test_completed),
        idempotent_subscription("on_live_alert_raised", ("assessment.certification_test.live_alert_raised.v1",),
                                s.LiveAlertRaisedSchema(), uow_factory, live_alerts.on_live_alert_raised),
        # each published result is mailed by certification's own consumer, through the outbox, with its retries
        idempotent_subscription("send_results_mail", ("certification.results.published.v1",),
                                s.ResultPublishedSchema(), uow_factory,
                                partial(mails.on_result_published, mailer=mailer, results_url=results_url)),
    ]
