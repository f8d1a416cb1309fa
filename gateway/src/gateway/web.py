"""The web faces: the learner's test at ``/``, the Orga dashboard at ``/orga/`` and the certification
centres' face at ``/certif/``.

They are single pages built by Vite (``web/``, ``npm run build``) into ``Settings.web_root``.
Every path outside ``/api`` and ``/.well-known`` is theirs: a file of the build when there is
one, else the face's ``index.html``, whose router shows the page (``/campagnes/ABC123``,
``/orga/campagnes/42``, ``/certif/sessions/7``) or its own "not found".

- Hashed assets (``/assets/*``) are cached for a year; the pages are revalidated each time, so
  a new release reaches every browser at its next visit.
- A Content-Security-Policy allows scripts, styles and calls only from this origin: the
  faces load nothing from elsewhere, and a campaign's Markdown text cannot run a script even
  if it slipped past the sanitizer.
- Without a build (``make install`` not run), the home page says so instead of failing.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, request, send_from_directory
from werkzeug.security import safe_join

ORGA = "orga"
CERTIF = "certif"
FACES = (ORGA, CERTIF)  # the faces with a folder of their own in the build; the learner's is the root
YEAR = 365 * 24 * 3600
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
                           "form-action 'self'; frame-ancestors 'none'")


def face_of(path: str) -> str:
    """The face a path belongs to: the folder of its index.html in the build."""
    return next((face for face in FACES if path == face or path.startswith(face + "/")), "")


def install_web_faces(app: Flask, root: Path) -> None:
    def page(face: str) -> Response:
        index = Path(root, face, "index.html")
        if not index.is_file():
            return app.send_static_file("index.html")  # the "not built yet" page
        response = send_from_directory(index.parent, "index.html", max_age=0)
        response.headers["Cache-Control"] = "no-cache"
        return response

    def web(path: str = "") -> Response:
        if path.startswith("assets/"):
            response = send_from_directory(root, path, max_age=YEAR)
            response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
            return response
        candidate = safe_join(str(root), path) if path else None
        if candidate and Path(candidate).is_file() and not path.endswith("index.html"):
            return send_from_directory(root, path, max_age=3600)
        return page(face_of(path))

    app.add_url_rule("/", "web", web, methods=["GET"])
    app.add_url_rule("/<path:path>", "web", web, methods=["GET"])

    @app.after_request
    def _protect_pages(response: Response) -> Response:
        if request.endpoint in ("web", "static"):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
            response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
