"""Writing a transaction's events to the outbox: in their order, a thousand rows per round trip."""

from msgkit_it import event, outbox, unique_name
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy import select

from msgkit import add_all_to_outbox


def test_many_events_are_written_in_their_order_in_one_statement_per_thousand(engine):
    producer = unique_name("p")
    envelopes = [event(producer, n) for n in range(2500)]
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO OUTBOX"):
            statements.append(executemany)

    with engine.begin() as connection:
        sqlalchemy_event.listen(connection, "before_cursor_execute", count)
        add_all_to_outbox(connection, outbox, envelopes)
    with engine.connect() as connection:
        written = connection.execute(select(outbox.c.message_id).where(outbox.c.event_type == envelopes[0].event_type)
                                     .order_by(outbox.c.id)).scalars().all()
    # The relay sends by id: the rows keep the order the transaction announced its facts in.
    assert [str(message_id) for message_id in written] == [envelope.message_id for envelope in envelopes]
    assert len(statements) == 3

