"""Releasing content: versions, no double release, the structure event, each process's cache."""

import copy
import json

import pytest
from assessment_it import release_document
from sqlalchemy import text

from assessment.adapters.content_store import ContentStore
from assessment.domain.exceptions import ContentNotReleased
from assessment.entrypoints.cli import checksum
from assessment.service_layer import handlers
from svckit import migrations
from svckit.db import create_db_engine


def outbox_events(runtime, event_type):
    with runtime.engine.connect() as connection:
        rows = connection.execute(text("SELECT body, aggregate_version FROM outbox WHERE event_type = :t ORDER BY id"),
                                  {"t": event_type}).all()
    return [(json.loads(row.body)["payload"], row.aggregate_version) for row in rows]


def test_the_same_content_is_released_once_and_a_change_makes_the_next_version(runtime):
    document = release_document()
    version, created = handlers.release_content(document, checksum(document), "tests", runtime.uow(), runtime.now())
    assert not created  # the fixture released this very document
    changed = copy.deepcopy(document)
    changed["areas"][0]["competences"][0]["tubes"][0]["title"]["fr"] = "Recherche, revue"
    newer, created = handlers.release_content(changed, checksum(changed), "tests", runtime.uow(), runtime.now())
    assert created and newer == version + 1
    released = outbox_events(runtime, "assessment.content.released.v1")
    payload, aggregate_version = released[-1]
    assert aggregate_version == newer == payload["version"]
    assert payload["tubes"][0]["title"]["fr"] == "Recherche, revue"
    assert "challenges" not in str(payload)
    handlers.release_content(document, checksum(document), "tests", runtime.uow(), runtime.now())  # back to it


def test_each_process_sees_a_new_release_after_its_refresh_delay(runtime):
    now = [0.0]
    store = ContentStore(runtime.engine, refresh_seconds=30, clock=lambda: now[0])
    first = store.current()
    changed = release_document()
    changed["areas"][0]["name"]["en"] = "Information (revised)"
    handlers.release_content(changed, checksum(changed), "tests", runtime.uow(), runtime.now())
    now[0] = 29.0
    assert store.current() is first
    now[0] = 30.0
    assert store.current().version == first.version + 1
    assert store.current().areas["1"].name.en == "Information (revised)"


@pytest.fixture
def empty_database(database_factory):
    url = database_factory("assessment_empty")
    migrations.upgrade(url, "assessment:migrations")
    return url


def test_nothing_is_asked_before_a_release(empty_database):
    engine = create_db_engine(empty_database)
    try:
        with pytest.raises(ContentNotReleased):
            ContentStore(engine).current()
    finally:
        engine.dispose()


def test_an_unchanged_release_can_be_announced_again_for_late_consumers(runtime):
    document = release_document()
    before = outbox_events(runtime, "assessment.content.released.v1")
    version, created = handlers.release_content(document, checksum(document), "tests", runtime.uow(), runtime.now())
    assert not created and outbox_events(runtime, "assessment.content.released.v1") == before
    handlers.release_content(document, checksum(document), "tests", runtime.uow(), runtime.now(),
                             announce_if_unchanged=True)
    after = outbox_events(runtime, "assessment.content.released.v1")
    assert len(after) == len(before) + 1 and after[-1][1] == version == after[-1][0]["version"]
