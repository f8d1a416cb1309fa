"""A campaign's activity pushed live to Orga (svckit.live): the view of GET /activity, sent at once and again
whenever the campaign's participations change (announced by the participations' projection through
``touch_campaign`` once its transaction commits), at most once every ``LIVE_ACTIVITY_COALESCE_SECONDS``."""

from __future__ import annotations

import json
import time
from uuid import UUID

from flask import Response, current_app

from reporting.bootstrap import Reporting
from reporting.entrypoints.api.schemas import ActivitySchema
from reporting.service_layer.unit_of_work import activity_channel
from reporting.views import statistics
from svckit.live import StreamSlots, View, event_stream_response

EVENT = "activity"
SLOTS = "reporting_live_streams"


def init_app(app, runtime: Reporting) -> None:
    app.extensions[SLOTS] = StreamSlots(runtime.settings.live.max_streams)


def activity_events(runtime: Reporting, campaign_id: UUID, user_id: UUID, token_expires_at: float | None) -> Response:
    schema = ActivitySchema()

    def render() -> View:
        # the access checks of GET /activity, again at every view: a membership revoked ends the stream
        activity = statistics.activity(runtime.engine, campaign_id, user_id)
        return View(json.dumps(schema.dump(activity), ensure_ascii=False, separators=(",", ":")))

    lifetime = runtime.settings.live.lifetime_seconds
    if token_expires_at is not None:
        lifetime = min(lifetime, token_expires_at - time.time())  # a stream never outlives its token
    return event_stream_response(slots=current_app.extensions[SLOTS], notices=runtime.notices,
                                 channel=activity_channel(campaign_id), event=EVENT, render=render,
                                 lifetime=lifetime, coalesce=runtime.settings.activity_coalesce_seconds)
