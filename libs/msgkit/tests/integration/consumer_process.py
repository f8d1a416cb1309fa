"""A consumer in its own process, for tests that kill it or send it SIGTERM.

usage: python consumer_process.py DATABASE_URL AMQP_URL CONSUMER PRODUCER SLOW_SECONDS
Messages whose payload has "slow": true make the handler sleep SLOW_SECONDS inside its
transaction (after marking the table ``started``), so a test can act while it is in hand.
"""

import logging
import signal
import sys
from pathlib import Path

from sqlalchemy import create_engine

sys.path.insert(0, str(Path(__file__).parent))

from msgkit_it import effect_handler  # noqa: E402

from msgkit import Consumer, subscribe  # noqa: E402


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("pika").setLevel(logging.WARNING)
    database_url, amqp_url, consumer_name, producer, slow_seconds = sys.argv[1:6]
    engine = create_engine(database_url)
    slow = effect_handler(engine, "on_thing", slow_seconds=float(slow_seconds))
    fast = effect_handler(engine, "on_thing")

    def on_thing(envelope):
        (slow if envelope.payload.get("slow") else fast)(envelope)

    consumer = Consumer(amqp_url=amqp_url, consumer=consumer_name,
                        subscriptions=[subscribe(on_thing, f"{producer}.thing.happened.v1")], retry_delays_ms=(100,))
    signal.signal(signal.SIGTERM, lambda *_: consumer.stop())
    consumer.run()


if __name__ == "__main__":
    main()
