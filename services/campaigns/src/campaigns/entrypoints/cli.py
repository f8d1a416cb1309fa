"""``campaigns``: the service's processes (api, consumer, relay, migrate...)."""

from campaigns.bootstrap import bootstrap
from svckit.cli import ServiceDefinition, service_cli

main = service_cli(ServiceDefinition(
    name="campaigns",
    app_factory="campaigns.entrypoints.api.app:create_app",
    load_runtime=bootstrap,
    migrations="campaigns:migrations",
))
