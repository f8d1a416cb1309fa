"""Prometheus metrics of the plumbing, shared by the relay and the consumer."""

from prometheus_client import Counter, Gauge, Histogram

PUBLISHED = Counter("msgkit_published_total", "Events confirmed by the broker", ["event_type"])
PUBLISH_FAILURES = Counter(
    "msgkit_publish_failures_total", "Events the broker did not take (kept in the outbox for later)", ["reason"]
)
OUTBOX_BATCH_SECONDS = Histogram("msgkit_outbox_batch_seconds", "Time to publish and confirm one outbox batch")
CONSUMED = Counter("msgkit_consumed_total", "Messages handled, by outcome", ["handler", "outcome"])
HANDLER_SECONDS = Histogram("msgkit_handler_seconds", "Time spent in a handler", ["handler"])
EVENT_LAG_SECONDS = Histogram(
    "msgkit_event_lag_seconds",
    "From an event's occurrence to its effect committed by a handler",
    ["handler"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800),
)
BROKER_CONNECTED = Gauge("msgkit_broker_connected", "1 while the process holds a broker connection", ["role"])
