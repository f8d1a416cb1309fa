"""The migrations make exactly the schema the models describe (a model changed without its migration fails here)."""

from campaigns.adapters.orm import metadata
from svckit.migrations import schema_drift


def test_the_migrated_database_has_the_models_schema(campaigns_database):
    assert schema_drift(campaigns_database, metadata) == []
