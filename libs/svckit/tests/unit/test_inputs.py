"""The checks every request passes before a route reads it (svckit.inputs), on a small app without I/O."""

import pytest
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from svckit.inputs import MAX_JSON_DEPTH, is_clean_text
from svckit.testing import LONE_SURROGATE, NUL, assert_error, deeply_nested_json, send_json
from svckit.web import create_service_app

echo = Blueprint("echo", __name__, url_prefix="/api/echo")


class EchoSchema(Schema):
    text = fields.Raw()


@echo.route("/<string:word>")
class Echo(MethodView):
    @echo.arguments(EchoSchema)
    @echo.response(200, EchoSchema)
    def post(self, data, word):
        return data

    @echo.response(200, EchoSchema)
    def get(self, word):
        return {"text": word}


@pytest.fixture
def client():
    return create_service_app(name="echo", title="Echo", blueprints=[echo]).test_client()


def test_clean_text_is_utf8_without_nul():
    assert is_clean_text("Gustave Flaubert, Collège — 日本 😀")
    assert not is_clean_text("a" + NUL) and not is_clean_text(LONE_SURROGATE + "b")


@pytest.mark.parametrize("body, field", [
    ({"text": "a" + NUL}, "text"), ({"text": LONE_SURROGATE}, "text"), ({"text": ["ok", {"deep": NUL}]}, "text.1.deep"),
    ({"text": {"key" + NUL: 1}}, "text"), ({"te" + LONE_SURROGATE: 1}, "_json")])
def test_a_nul_or_a_lone_surrogate_anywhere_in_a_json_body_is_refused_with_its_place(client, body, field):
    error = assert_error(send_json(client, "POST", "/api/echo/x", body))
    assert list(error["details"]["fields"]) == [field]


def test_json_is_nested_at_most_the_limit(client):
    at_limit = deeply_nested_json(MAX_JSON_DEPTH - 1)  # inside the top-level object
    assert client.post("/api/echo/x", data='{"text": ' + at_limit + "}", content_type="application/json"
                       ).status_code == 200
    for depth in (MAX_JSON_DEPTH + 1, 100_000):
        error = assert_error(client.post("/api/echo/x", data=deeply_nested_json(depth), content_type="application/json"))
        assert error["details"] == {"fields": {"_json": [f"JSON may be nested at most {MAX_JSON_DEPTH} levels deep."]}}


@pytest.mark.parametrize("url, field", [("/api/echo/a%00b", "_path"), ("/api/echo/%ED%A0%80", "_path"),
                                        ("/api/echo/x?q=%00", "_query"), ("/api/echo/x?q=%C3", "_query"),
                                        ("/api/nowhere%00", "_path")])
def test_a_nul_or_broken_utf8_in_the_path_or_query_is_refused(client, url, field):
    assert list(assert_error(client.get(url))["details"]["fields"]) == [field]


def test_clean_requests_pass_untouched(client):
    assert client.get("/api/echo/%C3%A9t%C3%A9?q=caf%C3%A9+cr%C3%A8me").get_json() == {"text": "été"}
    assert client.post("/api/echo/x", json={"text": {"list": [1, "é", None]}}).get_json() == {
        "text": {"list": [1, "é", None]}}
    not_json = client.post("/api/echo/x", data="{not json", content_type="application/json")
    assert_error(not_json)


def test_form_fields_are_checked_too(client):
    assert_error(client.post("/api/echo/x", data={"text": "a" + NUL}))
