"""The outside every service shares: error shape, correlation ids, health, metrics."""

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from svckit.errors import ApiError
from svckit.web import correlation_id_from, create_service_app


class ThingSchema(Schema):
    name = fields.String(required=True)


class ThingNotFound(Exception):
    pass


things = Blueprint("things", __name__, url_prefix="/api/things")


@things.route("")
class Things(MethodView):
    @things.arguments(ThingSchema)
    @things.response(201, ThingSchema)
    def post(self, data):
        if data["name"] == "forbidden":
            raise ApiError(403, "NOT_YOURS", "Not yours.")
        if data["name"] == "missing":
            raise ThingNotFound("No such thing.")
        if data["name"] == "boom":
            raise RuntimeError("secret internals")
        return data


def make_client(ready=True):
    app = create_service_app(name="things", title="Things", blueprints=[things],
                             error_table={ThingNotFound: (404, "THING_NOT_FOUND")},
                             ready_checks={"database": lambda: ready})
    return app.test_client()


def test_every_error_has_the_common_shape():
    client = make_client()
    invalid = client.post("/api/things", json={})
    assert invalid.status_code == 400
    assert invalid.get_json() == {"error": {"code": "VALIDATION_ERROR", "message": "The request is invalid.",
                                            "details": {"fields": {"name": ["Missing data for required field."]}}}}
    assert client.post("/api/things", json={"name": "forbidden"}).get_json()["error"]["code"] == "NOT_YOURS"
    missing = client.post("/api/things", json={"name": "missing"})
    assert missing.status_code == 404 and missing.get_json()["error"] == {
        "code": "THING_NOT_FOUND", "message": "No such thing.", "details": {}}
    unknown = client.get("/api/nowhere")
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "NOT_FOUND"
    wrong_method = client.delete("/api/things")
    assert wrong_method.status_code == 405 and "POST" in wrong_method.headers["Allow"]


def test_an_unexpected_error_is_a_500_that_leaks_nothing():
    response = make_client().post("/api/things", json={"name": "boom"})
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "INTERNAL_ERROR"
    assert b"secret internals" not in response.data


def test_the_correlation_id_is_kept_when_sane_and_made_otherwise():
    client = make_client()
    assert client.get("/health/live", headers={"X-Correlation-ID": "abc-123"}).headers["X-Correlation-ID"] == "abc-123"
    made = client.get("/health/live", headers={"X-Correlation-ID": "has spaces\tand tabs"}).headers["X-Correlation-ID"]
    assert made != "has spaces\tand tabs" and len(made) == 36
    assert correlation_id_from("x" * 201) != "x" * 201


def test_readiness_reports_each_check():
    assert make_client().get("/health/ready").status_code == 200
    down = make_client(ready=False).get("/health/ready")
    assert down.status_code == 503 and down.get_json()["checks"] == {"database": "down"}


def test_metrics_count_requests_by_route_pattern():
    client = make_client()
    client.post("/api/things", json={"name": "a"})
    metrics = client.get("/metrics").data.decode()
    assert 'http_requests_total{endpoint="/api/things",method="POST",status="201"}' in metrics
