"""msgkit: the messaging plumbing of the platform (see each module for its guarantees)."""

from msgkit.consumer import Consumer, is_database_down
from msgkit.envelope import Envelope, MalformedMessage, producer_of
from msgkit.relay import OutboxRelay
from msgkit.storage import (
    add_all_to_outbox,
    add_to_outbox,
    claim_message,
    claim_messages,
    inbox_table,
    outbox_table,
    prune_inbox,
    prune_outbox,
    replay_outbox,
)
from msgkit.topology import (
    DEFAULT_RETRY_DELAYS_MS,
    ConsumerQueues,
    DeclaredTopology,
    Subscription,
    TopologyConflict,
    declare_consumer_topology,
    declare_exchange,
    exchange_name,
    subscribe,
)

__all__ = [
    "DEFAULT_RETRY_DELAYS_MS",
    "Consumer",
    "ConsumerQueues",
    "DeclaredTopology",
    "Envelope",
    "MalformedMessage",
    "OutboxRelay",
    "Subscription",
    "TopologyConflict",
    "add_all_to_outbox",
    "add_to_outbox",
    "claim_message",
    "claim_messages",
    "declare_consumer_topology",
    "declare_exchange",
    "exchange_name",
    "inbox_table",
    "is_database_down",
    "outbox_table",
    "producer_of",
    "prune_inbox",
    "prune_outbox",
    "replay_outbox",
    "subscribe",
]
