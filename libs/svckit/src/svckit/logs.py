"""One JSON object per log line, each carrying the correlation id of the work in hand."""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from msgkit import context


class _ContextFilter(logging.Filter):
    def __init__(self, service: str, process_kind: str) -> None:
        super().__init__()
        self.service, self.process_kind = service, process_kind

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "service", None) is None:  # the gateway's lines name the service they went to
            record.service = self.service
        record.process_kind = self.process_kind
        if getattr(record, "correlation_id", None) is None:
            record.correlation_id = context.correlation_id.get()
        return True


def configure_logging(service: str, process_kind: str, level: str = "INFO", fmt: str = "json") -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.addFilter(_ContextFilter(service, process_kind))
    if fmt == "json":
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(service)s %(process_kind)s %(correlation_id)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                timestamp=False,
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(service)s %(correlation_id)s] %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # pika narrates every socket state at INFO; its warnings are what matter.
    logging.getLogger("pika").setLevel(logging.WARNING)
