"""What every request must be before a route reads it, checked once for every route of every service.

- Text is UTF-8 without NUL: PostgreSQL refuses a NUL in a text value and UTF-8 cannot carry a lone
  surrogate (``"\\ud800"`` is valid JSON, yet no database, log or JSON answer can hold it), so either,
  in the path, the query string, a form field or anywhere in a JSON body (keys included), would have
  reached the driver and come back as a 500. A path or query string that is not valid UTF-8 once
  percent-decoded is refused too, rather than read with replacement characters.
- A JSON body is nested at most ``MAX_JSON_DEPTH`` deep: Python's parser raises ``RecursionError``
  (not a ``ValueError``) on ``[[[[…`` 100,000 deep, which no JSON library's caller expects, and no
  request of this platform nests beyond a few levels.

Each refusal is a 400 ``VALIDATION_ERROR`` in the common shape, with the place of the fault in
``details.fields`` as webargs names invalid fields (``_path``, ``_query``, ``_json`` for the whole
thing, else the field's name or dotted path).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_to_bytes

from flask import Flask, request

from svckit.errors import ApiError

MAX_JSON_DEPTH = 32
_FORBIDDEN = "Text must be valid UTF-8 without NUL characters or lone surrogates."


def refuse(field: str, message: str = _FORBIDDEN) -> ApiError:
    return ApiError(400, "VALIDATION_ERROR", "The request is invalid.", {"fields": {field: [message]}})


def is_clean_text(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


def _raw_is_clean(raw: str, *, query: bool) -> bool:
    """A path or query string (WSGI: bytes as latin-1) is UTF-8 without NUL once percent-decoded."""
    data = raw.encode("latin-1", "replace")
    decoded = unquote_to_bytes(data.replace(b"+", b" ") if query else data)
    if b"\x00" in decoded:
        return False
    try:
        decoded.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _check_json(value: Any) -> None:
    """Walks the document without recursion: NUL, lone surrogates and depth, with the path of the fault."""
    stack: list[tuple[Any, str, int]] = [(value, "", 1)]
    while stack:
        item, where, depth = stack.pop()
        if isinstance(item, (dict, list)) and depth > MAX_JSON_DEPTH:
            raise refuse("_json", f"JSON may be nested at most {MAX_JSON_DEPTH} levels deep.")
        if isinstance(item, str):
            if not is_clean_text(item):
                raise refuse(where or "_json")
        elif isinstance(item, dict):
            for key, child in item.items():
                name = f"{where}.{key}" if where else key
                if not is_clean_text(key):
                    raise refuse(where or "_json")
                stack.append((child, name, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, f"{where}.{index}" if where else str(index), depth + 1)
                         for index, child in enumerate(item))


def check_request() -> None:
    environ = request.environ
    # The request target as the client sent it (gunicorn's RAW_URI; werkzeug's REQUEST_URI), still
    # percent-encoded: PATH_INFO may already hold replacement characters where the bytes were not UTF-8.
    raw_path = (environ.get("RAW_URI") or environ.get("REQUEST_URI") or "").partition("?")[0]
    if not (_raw_is_clean(environ.get("PATH_INFO", ""), query=False) and _raw_is_clean(raw_path, query=False)):
        raise refuse("_path")
    if not _raw_is_clean(environ.get("QUERY_STRING", ""), query=True):
        raise refuse("_query")
    if request.is_json and request.content_length != 0:
        try:
            document = json.loads(request.get_data(cache=True))
        except RecursionError:
            raise refuse("_json", f"JSON may be nested at most {MAX_JSON_DEPTH} levels deep.") from None
        except ValueError:
            return  # not JSON at all: webargs answers it with its own message
        _check_json(document)
    elif request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        for name, value in request.form.items(multi=True):
            if not (is_clean_text(name) and is_clean_text(value)):
                raise refuse(name if is_clean_text(name) else "_form")


def init_app(app: Flask) -> None:
    app.before_request(check_request)
