"""A consumer in its own process, for tests that kill it or send it SIGTERM.

usage: python consumer_process.py DATABASE_URL AMQP_URL CONSUMER PRODUCER SLOW_SECONDS [BATCH]
With BATCH > 1 the consumer takes batches; SHARED_TRANSACTION=1 makes each batch one transaction
(``msgkit_it.effect_batch_handler``), and DIE_AFTER_COMMIT=1 has the process exit right after the first
batch's commit, before any ack.
Messages whose payload has "slow": true make the handler sleep SLOW_SECONDS inside its
transaction (after marking the table ``started``), so a test can act while it is in hand.
"""

import logging
import os
import signal
import sys
from pathlib import Path

from sqlalchemy import create_engine

sys.path.insert(0, str(Path(__file__).parent))

from msgkit_it import effect_batch_handler, effect_handler  # noqa: E402

from msgkit import Consumer, subscribe  # noqa: E402


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("pika").setLevel(logging.WARNING)
    database_url, amqp_url, consumer_name, producer, slow_seconds = sys.argv[1:6]
    batch = int(sys.argv[6]) if len(sys.argv) > 6 else 1
    engine = create_engine(database_url)
    slow = effect_handler(engine, "on_thing", slow_seconds=float(slow_seconds))
    fast = effect_handler(engine, "on_thing")

    def on_thing(envelope):
        (slow if envelope.payload.get("slow") else fast)(envelope)

    def batch_handler(envelopes):  # with BATCH > 1: the batch path, each message applied by the handler above
        for envelope in envelopes:
            on_thing(envelope)

    if os.environ.get("SHARED_TRANSACTION"):  # one transaction per batch (msgkit_it.effect_batch_handler)
        def crash(envelopes):  # committed, not acked yet: the process dies as a kill -9 would leave it
            if os.environ.get("DIE_AFTER_COMMIT"):
                os._exit(9)
        batch_handler = effect_batch_handler(engine, "on_thing", after_commit=crash)

    consumer = Consumer(amqp_url=amqp_url, consumer=consumer_name, batch=batch, retry_delays_ms=(100,),
                        subscriptions=[subscribe(on_thing, f"{producer}.thing.happened.v1",
                                                 batch_handler=batch_handler if batch > 1 else None)])
    signal.signal(signal.SIGTERM, lambda *_: consumer.stop())
    consumer.run()


if __name__ == "__main__":
    main()
