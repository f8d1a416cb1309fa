"""The invigilator's page pushed live (svckit.live): the view of GET /invigilation, sent again on every
change of the session (announced by the use cases and consumer handlers through ``touch_session``) and when
an authorization expires."""

from __future__ import annotations

import json
import time
from uuid import UUID

from flask import Response, current_app

from certification import views
from certification.bootstrap import Certification
from certification.domain import commands as c
from certification.entrypoints.api.schemas import InvigilationSchema
from certification.service_layer.unit_of_work import invigilation_channel
from svckit.live import StreamSlots, View, event_stream_response

EVENT = "invigilation"
SLOTS = "certification_live_streams"
# The authorization is over at ``authorized_until`` exactly: waking a little after reads it as JOINED.
EXPIRY_MARGIN_SECONDS = 0.05


def init_app(app, runtime: Certification) -> None:
    app.extensions[SLOTS] = StreamSlots(runtime.settings.live.max_streams)


def invigilation_events(runtime: Certification, session_id: UUID, actor: c.Actor, token_expires_at: float | None,
                        ) -> Response:
    schema = InvigilationSchema()

    def render() -> View:
        now = runtime.now()
        view = views.invigilation(runtime.engine, session_id, actor, now)
        changes_in = views.invigilation_changes_in(view, now)
        return View(json.dumps(schema.dump(view), ensure_ascii=False, separators=(",", ":")),
                    None if changes_in is None else changes_in + EXPIRY_MARGIN_SECONDS)

    lifetime = runtime.settings.live.lifetime_seconds
    if token_expires_at is not None:
        lifetime = min(lifetime, token_expires_at - time.time())  # a stream never outlives its token
    return event_stream_response(slots=current_app.extensions[SLOTS], notices=runtime.notices,
                                 channel=invigilation_channel(session_id), event=EVENT, render=render,
                                 lifetime=lifetime)
