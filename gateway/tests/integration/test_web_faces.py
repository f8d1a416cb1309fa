"""The gateway serves the built web faces: each face's page for its paths, assets cached for a
year, and the API untouched by the catch-all."""

from __future__ import annotations

import pytest
import requests


@pytest.fixture
def web_root(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "orga").mkdir()
    (tmp_path / "certif").mkdir()
    (tmp_path / "index.html").write_text("<html><body>learner face</body></html>")
    (tmp_path / "orga" / "index.html").write_text("<html><body>orga face</body></html>")
    (tmp_path / "certif" / "index.html").write_text("<html><body>certif face</body></html>")
    (tmp_path / "assets" / "learner-abc123.js").write_text("console.log('learner');")
    (tmp_path / "robots.txt").write_text("User-agent: *\n")
    return tmp_path


@pytest.fixture
def web_gateway(start_gateway, web_root):
    return start_gateway(RATELIMIT_ENABLED="false", WEB_ROOT=str(web_root))


@pytest.mark.parametrize("path", ["/", "/campagnes/ABC123", "/profil", "/campagnes/ABC123/evaluation?x=1"])
def test_the_learner_paths_get_the_learner_page(web_gateway, path):
    response = requests.get(web_gateway.url + path, timeout=5)
    assert response.status_code == 200
    assert response.text == "<html><body>learner face</body></html>"
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("path", ["/orga", "/orga/", "/orga/campagnes/42/activite"])
def test_the_orga_paths_get_the_orga_page(web_gateway, path):
    response = requests.get(web_gateway.url + path, timeout=5)
    assert response.status_code == 200
    assert response.text == "<html><body>orga face</body></html>"


@pytest.mark.parametrize("path", ["/certif", "/certif/", "/certif/sessions/42/candidats"])
def test_the_certif_paths_get_the_certif_page(web_gateway, path):
    response = requests.get(web_gateway.url + path, timeout=5)
    assert response.status_code == 200
    assert response.text == "<html><body>certif face</body></html>"
    assert response.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("path", ["/certification", "/certifications/42", "/orgas"])
def test_a_path_that_only_starts_like_a_face_is_the_learners(web_gateway, path):
    assert requests.get(web_gateway.url + path, timeout=5).text == "<html><body>learner face</body></html>"


def test_pages_forbid_scripts_from_elsewhere_and_framing(web_gateway):
    headers = requests.get(web_gateway.url + "/", timeout=5).headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_hashed_assets_are_cached_for_a_year(web_gateway):
    response = requests.get(web_gateway.url + "/assets/learner-abc123.js", timeout=5)
    assert response.status_code == 200
    assert response.text == "console.log('learner');"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_missing_asset_is_a_404_not_the_page(web_gateway):
    assert requests.get(web_gateway.url + "/assets/gone-000.js", timeout=5).status_code == 404


def test_a_file_of_the_build_is_served_as_it_is(web_gateway):
    response = requests.get(web_gateway.url + "/robots.txt", timeout=5)
    assert response.text == "User-agent: *\n"


def test_a_path_climbing_out_of_the_build_gets_the_page_not_the_file(web_gateway, web_root):
    (web_root.parent / "secret.txt").write_text("secret")
    for path in ("/assets/../../secret.txt", "/../secret.txt", "/orga/../../secret.txt"):
        prepared = requests.Request("GET", web_gateway.url + path).prepare()
        prepared.url = web_gateway.url + path  # keep the dots: requests would resolve them
        with requests.Session() as session:
            response = session.send(prepared, timeout=5)
        assert "secret" not in response.text


def test_the_api_is_still_forwarded_and_unknown_api_paths_stay_json(web_gateway):
    response = requests.get(web_gateway.url + "/api/no-such-thing", timeout=5)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "ROUTE_NOT_FOUND"


def test_without_a_build_the_home_page_says_how_to_build_it(start_gateway, tmp_path):
    gateway = start_gateway(RATELIMIT_ENABLED="false", WEB_ROOT=str(tmp_path / "nothing"))
    response = requests.get(gateway.url + "/", timeout=5)
    assert response.status_code == 200
    assert "make install" in response.text and "/api/openapi.json" in response.text
