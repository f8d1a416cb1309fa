"""The routing table: which service owns which public path, and whether a token is needed.

It is data: one line per route, read top to bottom, the first match wins, so a specific
pattern stands above the general one it carves out of (``/api/campaigns/{id}/participants``
goes to reporting, above campaigns' ``/api/campaigns/{id}``).

Pattern syntax, one path segment at a time:

- ``literal``  the segment itself;
- ``{name}``   exactly one non-empty segment (the name is documentation only);
- ``**``       last only: zero or more further segments (the route and everything under it).

Paths are forwarded unchanged; the services serve them under ``/api/...`` themselves. The
gateway checks the token on ``token`` routes before forwarding, and the service checks it
again (it never trusts the gateway for authorization, only for the first filter). A person's
token and an OAuth 2 client's (``token_use`` ``access`` or ``client``) both pass that filter;
each service refuses the kind its route does not serve (svckit.auth).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

IDENTITY = "identity"
ORGANIZATIONS = "organizations"
CAMPAIGNS = "campaigns"
ASSESSMENT = "assessment"
REPORTING = "reporting"
CERTIFICATION = "certification"
SERVICES = (IDENTITY, ORGANIZATIONS, CAMPAIGNS, ASSESSMENT, REPORTING, CERTIFICATION)

ANY = None  # any method

# Rate-limit groups a route can belong to (see ratelimit.py). Log-in, refresh, sign-up and asking
# for a reset link come before there is an account: counted per client address, and only there.
# Reconciliation is counted per account, on top of the account's general limit.
LOGIN = "login"  # and the mailed links followed with no token: a new password (a hash), an address verified
REFRESH = "refresh"
SIGNUP = "signup"
RESET_REQUEST = "password_reset"  # asking for a reset link: no hash, identity caps the mails per address
RECONCILIATION = "reconciliation"  # names and birth dates tried against a school's list: no guessing at speed
CERTIFICATE_CHECK = "certificate_check"  # anyone checking a certificate by its code, no account: per address
ADDRESS_GROUPS = frozenset({LOGIN, REFRESH, SIGNUP, RESET_REQUEST, CERTIFICATE_CHECK})

_PARAM, _REST = object(), object()


@dataclass(frozen=True)
class Route:
    methods: frozenset[str] | None
    pattern: str
    service: str
    token: bool
    limit_group: str | None = None
    # Whether the service keeps the first answer of an Idempotency-Key on this route, so that
    # the gateway may send a keyed mutation again after a broken connection (gateway.proxy).
    # identity's token routes do not (a token must never be stored), and a refresh token sent
    # twice would revoke its family.
    honours_idempotency_keys: bool = True
    _segments: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.pattern.startswith("/"):
            raise ValueError(f"route pattern {self.pattern!r} must start with /")
        segments = []
        parts = self.pattern.split("/")[1:]
        for index, part in enumerate(parts):
            if part == "**":
                if index != len(parts) - 1:
                    raise ValueError(f"route pattern {self.pattern!r}: ** must come last")
                segments.append(_REST)
            elif part.startswith("{") and part.endswith("}"):
                segments.append(_PARAM)
            elif not part or part in (".", "..") or "{" in part or "*" in part:
                raise ValueError(f"route pattern {self.pattern!r}: bad segment {part!r}")
            else:
                segments.append(part)
        object.__setattr__(self, "_segments", tuple(segments))

    def matches_path(self, segments: tuple[str, ...]) -> bool:
        pattern = self._segments
        if pattern and pattern[-1] is _REST:
            head = pattern[:-1]
            if len(segments) < len(head):
                return False
            return all(s for s in segments[len(head):]) and _match(head, segments[:len(head)])
        return len(segments) == len(pattern) and _match(pattern, segments)

    def allows(self, method: str) -> bool:
        if self.methods is None:
            return True
        return method in self.methods or (method == "HEAD" and "GET" in self.methods)


def _match(pattern: tuple, segments: tuple[str, ...]) -> bool:
    for expected, actual in zip(pattern, segments, strict=True):
        if expected is _PARAM:
            if not actual:
                return False
        elif expected != actual:
            return False
    return True


def public(methods: str, pattern: str, service: str, limit_group: str | None = None,
           honours_idempotency_keys: bool = True) -> Route:
    return Route(frozenset(methods.split()), pattern, service, token=False, limit_group=limit_group,
                 honours_idempotency_keys=honours_idempotency_keys)


def token(pattern: str, service: str, methods: str | None = ANY, limit_group: str | None = None,
          honours_idempotency_keys: bool = True) -> Route:
    return Route(frozenset(methods.split()) if methods else None, pattern, service, token=True,
                 limit_group=limit_group, honours_idempotency_keys=honours_idempotency_keys)


ROUTES: tuple[Route, ...] = (
    # identity: accounts, tokens, the public keys
    public("POST", "/api/users", IDENTITY, limit_group=SIGNUP),
    public("POST", "/api/token", IDENTITY, limit_group=LOGIN, honours_idempotency_keys=False),
    public("POST", "/api/token/refresh", IDENTITY, limit_group=REFRESH, honours_idempotency_keys=False),
    public("POST", "/api/token/revoke", IDENTITY, honours_idempotency_keys=False),
    # Getting back into an account: no account yet, so limited per address like signing up and logging in.
    public("POST", "/api/password-reset-requests", IDENTITY, limit_group=RESET_REQUEST),
    public("POST", "/api/password-resets", IDENTITY, limit_group=LOGIN),
    public("POST", "/api/email-verifications", IDENTITY, limit_group=LOGIN),
    # A temporary password replaced, with the token its log-in answered: a new hash and tokens, like a log-in.
    public("POST", "/api/password/expired", IDENTITY, limit_group=LOGIN, honours_idempotency_keys=False),
    public("GET", "/.well-known/jwks.json", IDENTITY),
    # Signing in through the GAR (SAML): the browser comes back from the GAR with its answer, counted as a log-in;
    # linking an arrival to an account checks its password like a log-in. Tokens: never kept for a replay.
    public("GET", "/api/saml/metadata", IDENTITY),
    public("GET", "/api/saml/login", IDENTITY),
    public("POST", "/api/saml/acs", IDENTITY, limit_group=LOGIN, honours_idempotency_keys=False),
    public("POST", "/api/saml/links", IDENTITY, limit_group=LOGIN, honours_idempotency_keys=False),
    # An arrival's own GAR account: an account made, limited as signing up is.
    public("POST", "/api/saml/accounts", IDENTITY, limit_group=SIGNUP, honours_idempotency_keys=False),
    # Before that account is made, the arrival finds the pupil in the school's list (organizations checks the
    # arrival token): no account yet, so counted per address as log-ins are.
    public("POST", "/api/gar/learner-match", ORGANIZATIONS, limit_group=LOGIN),
    # Applications (the school report's) get their tokens as OAuth 2 clients: a secret checked, counted as a log-in.
    # Registering a client answers its secret: identity keeps no answer for a key there either.
    public("POST", "/api/oauth/token", IDENTITY, limit_group=LOGIN, honours_idempotency_keys=False),
    token("/api/admin/oauth-clients/**", IDENTITY, honours_idempotency_keys=False),
    # /api/users/me/...: each sub-resource has its owner; /api/users/me itself is identity's
    token("/api/users/me/profile", ASSESSMENT),
    token("/api/users/me/campaign-participations", CAMPAIGNS),
    token("/api/users/me/orga-terms-acceptance", IDENTITY),
    token("/api/users/me/email-verification-requests", IDENTITY),
    token("/api/users/me", IDENTITY),
    token("/api/admin/users/**", IDENTITY),
    # organizations; the learner list and the certification results are reporting's read models, the imports
    # are organizations'
    token("/api/admin/organizations/**", ORGANIZATIONS),
    token("/api/organizations/{id}/learners", REPORTING, methods="GET"),
    token("/api/organizations/{id}/certification-results", REPORTING, methods="GET"),
    token("/api/organizations/{id}/learners/imports/**", ORGANIZATIONS),
    token("/api/organizations/{id}/learners/reconciliation", ORGANIZATIONS, methods="POST",
          limit_group=RECONCILIATION),
    token("/api/organizations/{id}/learners/{learner_id}/account-link", ORGANIZATIONS),
    # identity owns passwords. Its answer is the password itself, which identity never keeps (not even for a key's
    # replay): the gateway must not send it again after a broken connection, and a client's retry gives another
    # password (only the last one works). The account's general limit is enough: an admin's action, each costing one
    # argon2id hash, as many a minute at most as one address's log-ins.
    token("/api/organizations/{id}/learners/{learner_id}/temporary-password", IDENTITY, methods="POST",
          honours_idempotency_keys=False),
    token("/api/organizations/{id}/campaigns/**", CAMPAIGNS),
    token("/api/organizations/{id}/members/**", ORGANIZATIONS),
    token("/api/organizations/{id}/invitations/**", ORGANIZATIONS),
    token("/api/organizations/{id}", ORGANIZATIONS),
    # The accept page shows what an invitation is for before the invitee logs in (the code is asked).
    public("GET", "/api/invitations/{id}", ORGANIZATIONS),
    token("/api/invitations/**", ORGANIZATIONS),
    # campaigns; the results views under /api/campaigns/{id}/ are reporting's
    public("GET", "/api/campaigns/by-code/{code}", CAMPAIGNS),
    token("/api/campaigns/{id}/activity", REPORTING),
    token("/api/campaigns/{id}/activity/events", REPORTING, methods="GET"),  # an event stream (svckit.live)
    token("/api/campaigns/{id}/participants/**", REPORTING),
    token("/api/campaigns/{id}/collective-results", REPORTING),
    token("/api/campaigns/{id}/export.csv", REPORTING),
    token("/api/campaigns/{id}/progression", REPORTING),
    token("/api/campaigns/{id}/statistics", REPORTING),
    token("/api/campaigns/{id}/archive", CAMPAIGNS),
    token("/api/campaigns/{id}/unarchive", CAMPAIGNS),
    token("/api/campaigns/{id}", CAMPAIGNS),
    token("/api/target-profiles/**", CAMPAIGNS),
    token("/api/admin/target-profiles/**", CAMPAIGNS),
    token("/api/campaign-participations/{id}/assessment", ASSESSMENT),
    token("/api/campaign-participations/**", CAMPAIGNS),
    # assessment
    token("/api/assessments/**", ASSESSMENT),
    token("/api/admin/content/**", ASSESSMENT),
    token("/api/certification-courses/{id}/assessment/**", ASSESSMENT),  # the test runs in assessment
    token("/api/certification-courses/{id}/live-alerts", ASSESSMENT),  # a problem signalled on its question
    # certification: centres, national windows, sessions, candidates. Joining tries names and birth dates, starting
    # an access code, invigilating a password: counted per account like reconciliation (certification counts the
    # failures too, domain/limits.py).
    token("/api/admin/certification-centers/**", CERTIFICATION),
    token("/api/admin/certification-windows", CERTIFICATION),
    token("/api/certification-centers/**", CERTIFICATION),
    token("/api/certification-center-invitations/**", CERTIFICATION),
    token("/api/certification-windows", CERTIFICATION),
    token("/api/certification-sessions/**", CERTIFICATION),
    token("/api/certification-candidates/**", CERTIFICATION),
    token("/api/certification-joinings", CERTIFICATION, methods="POST", limit_group=RECONCILIATION),
    token("/api/certification-joinings/{id}", CERTIFICATION, methods="GET"),
    token("/api/certification-courses", CERTIFICATION, methods="POST", limit_group=RECONCILIATION),
    token("/api/certification-invigilations", CERTIFICATION, methods="POST", limit_group=RECONCILIATION),
    # after the test: the incident categories, the jury's review and publication, the candidate's certificates,
    # and anyone's check of a certificate by its verification code (no token; per address, in its own group)
    token("/api/certification-issue-report-categories", CERTIFICATION, methods="GET"),
    token("/api/admin/certification-sessions/**", CERTIFICATION),
    token("/api/certificates", CERTIFICATION, methods="GET"),
    token("/api/certificates/{id}", CERTIFICATION, methods="GET"),
    token("/api/certificates/{id}/attestation", CERTIFICATION, methods="GET"),  # the PDF
    public("POST", "/api/certificate-verifications", CERTIFICATION, limit_group=CERTIFICATE_CHECK),
    # the school report (LSU/LSL): applications with a client's token (the gateway verifies it as any token and
    # counts it per client; certification refuses a person's and checks the scope and the academy)
    token("/api/livret-scolaire/certification-results", CERTIFICATION, methods="GET"),
)


@dataclass(frozen=True)
class Resolution:
    route: Route | None
    allowed: frozenset[str]  # when no route: the methods other routes accept on this path

    @property
    def path_known(self) -> bool:
        return self.route is not None or bool(self.allowed)


class RoutingTable:
    def __init__(self, routes: Iterable[Route] = ROUTES) -> None:
        self.routes = tuple(routes)

    def resolve(self, method: str, path: str) -> Resolution:
        segments = split_path(path)
        if segments is None:
            return Resolution(None, frozenset())
        allowed: set[str] = set()
        for route in self.routes:
            if not route.matches_path(segments):
                continue
            if route.allows(method):
                return Resolution(route, frozenset())
            # methods is never None here: a route without methods allows them all
            allowed.update(route.methods or ())
        if "GET" in allowed:
            allowed.add("HEAD")
        return Resolution(None, frozenset(allowed))

    def route_for(self, method: str, path: str) -> Route | None:
        return self.resolve(method, path).route

    def services(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(route.service for route in self.routes))


def split_path(path: str) -> tuple[str, ...] | None:
    """The path's segments, or None for a path no route may ever match.

    Dot segments are refused outright: the HTTP client below would normalize
    ``/api/campaigns/1/../../admin/users`` after the route was chosen, so the request would
    reach a path the table never approved.
    """
    if not path.startswith("/"):
        return None
    segments = tuple(path.split("/")[1:])
    if any(segment in (".", "..") for segment in segments):
        return None
    return segments
