"""certification's use cases, by command: the one table ``bootstrap.Certification.handle`` runs them from.

Each use case opens a unit of work, loads aggregates, calls the domain, commits; it takes its command and the
``Dependencies`` bound once in bootstrap, so routes only build commands. They live by subject: centres and
windows (centers.py), sessions and enrolment (enrolment.py), the test's day (taking.py), live alerts
(live_alerts.py), finalization, review and publication (results.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from certification.domain import commands as c
from certification.service_layer import centers, enrolment, live_alerts, results, taking
from certification.service_layer.dependencies import Dependencies

HANDLERS: dict[type, Callable[[Any, Dependencies], Any]] = {
    c.CreateCenter: centers.create_center,
    c.RecordAttestationDownloads: results.record_attestation_downloads,
    c.SetSchoolKind: centers.set_school_kind,
    c.AcceptInvitation: centers.accept_invitation,
    c.OpenWindow: centers.open_window,
    c.ScheduleSession: enrolment.schedule_session,
    c.EditSession: enrolment.edit_session,
    c.EnrolCandidate: enrolment.enrol_candidate,
    c.ImportCandidates: enrolment.import_candidates,
    c.EnrolStudents: enrolment.enrol_students,
    c.ChangeCandidate: enrolment.change_candidate,
    c.RemoveCandidate: enrolment.remove_candidate,
    c.JoinSession: taking.join_session,
    c.OpenInvigilation: taking.open_invigilation,
    c.AuthorizeCandidate: taking.authorize_candidate,
    c.StartCourse: taking.start_course,
    c.EndCourse: taking.end_course,
    c.ValidateLiveAlert: live_alerts.validate_live_alert,
    c.DismissLiveAlert: live_alerts.dismiss_live_alert,
    c.FinalizeSession: results.finalize_session,
    c.TakeSessionForReview: results.take_session_for_review,
    c.CommentSession: results.comment_session,
    c.NeutralizeChallenge: results.neutralize_challenge,
    c.PublishSession: results.publish_session,
}
