import pytest

from gateway.routes import ROUTES, Route, RoutingTable, split_path

table = RoutingTable()


@pytest.mark.parametrize(
    ("method", "path", "service", "needs_token"),
    [
        ("POST", "/api/users", "identity", False),
        ("POST", "/api/token", "identity", False),
        ("POST", "/api/token/refresh", "identity", False),
        ("POST", "/api/token/revoke", "identity", False),
        ("POST", "/api/oauth/token", "identity", False),
        ("GET", "/api/admin/oauth-clients", "identity", True),
        ("POST", "/api/admin/oauth-clients", "identity", True),
        ("POST", "/api/admin/oauth-clients/ac-lyon-3f2a9c1d0b7e/disablement", "identity", True),
        ("GET", "/api/livret-scolaire/certification-results", "certification", True),
        ("GET", "/.well-known/jwks.json", "identity", False),
        ("GET", "/api/users/me", "identity", True),
        ("POST", "/api/users/me/orga-terms-acceptance", "identity", True),
        ("POST", "/api/users/me/email-verification-requests", "identity", True),
        ("POST", "/api/password-reset-requests", "identity", False),
        ("POST", "/api/password-resets", "identity", False),
        ("POST", "/api/email-verifications", "identity", False),
        ("GET", "/api/admin/users", "identity", True),
        ("PATCH", "/api/admin/users/12/roles", "identity", True),
        ("POST", "/api/admin/organizations", "organizations", True),
        ("GET", "/api/organizations/7", "organizations", True),
        ("GET", "/api/organizations/7/members", "organizations", True),
        ("PATCH", "/api/organizations/7/members/3", "organizations", True),
        ("DELETE", "/api/organizations/7/invitations/9", "organizations", True),
        ("POST", "/api/invitations/9/accept", "organizations", True),
        ("GET", "/api/invitations/9", "organizations", False),
        ("POST", "/api/organizations/7/learners/reconciliation", "organizations", True),
        ("POST", "/api/organizations/7/learners/imports", "organizations", True),
        ("GET", "/api/organizations/7/learners", "reporting", True),
        ("POST", "/api/organizations/7/learners/8/temporary-password", "identity", True),
        ("POST", "/api/password/expired", "identity", False),
        ("GET", "/api/organizations/7/certification-results", "reporting", True),
        ("GET", "/api/target-profiles", "campaigns", True),
        ("POST", "/api/organizations/7/campaigns", "campaigns", True),
        ("GET", "/api/campaigns/by-code/ABCD123", "campaigns", False),
        ("GET", "/api/campaigns/1", "campaigns", True),
        ("PATCH", "/api/campaigns/1", "campaigns", True),
        ("POST", "/api/campaigns/1/archive", "campaigns", True),
        ("POST", "/api/campaigns/1/unarchive", "campaigns", True),
        ("POST", "/api/campaign-participations", "campaigns", True),
        ("POST", "/api/campaign-participations/5/share", "campaigns", True),
        ("GET", "/api/users/me/campaign-participations", "campaigns", True),
        ("GET", "/api/campaign-participations/5/assessment", "assessment", True),
        ("GET", "/api/assessments/5/next-challenge", "assessment", True),
        ("POST", "/api/assessments/5/answers", "assessment", True),
        ("GET", "/api/users/me/profile", "assessment", True),
        ("PUT", "/api/admin/content/areas", "assessment", True),
        ("POST", "/api/certification-courses", "certification", True),
        ("GET", "/api/certificates/5/attestation", "certification", True),
        ("GET", "/api/certification-centers/5/attestations", "certification", True),
        ("GET", "/api/certification-centers/5/results.csv", "certification", True),
        ("GET", "/api/certification-courses/5/assessment", "assessment", True),
        ("GET", "/api/certification-courses/5/assessment/next-challenge", "assessment", True),
        ("POST", "/api/certification-courses/5/assessment/answers", "assessment", True),
        ("POST", "/api/certification-courses/5/live-alerts", "assessment", True),
        ("GET", "/api/campaigns/1/participants", "reporting", True),
        ("GET", "/api/campaigns/1/participants/8/results", "reporting", True),
        ("GET", "/api/campaigns/1/collective-results", "reporting", True),
        ("GET", "/api/campaigns/1/export.csv", "reporting", True),
        ("GET", "/api/campaigns/1/progression", "reporting", True),
        ("GET", "/api/campaigns/1/statistics", "reporting", True),
        ("GET", "/api/campaigns/1/activity/events", "reporting", True),
    ],
)
def test_each_route_goes_to_its_owner(method, path, service, needs_token):
    route = table.route_for(method, path)
    assert route is not None, f"{method} {path} has no route"
    assert (route.service, route.token) == (service, needs_token)


def test_a_specific_route_wins_over_the_general_one_it_carves_out_of():
    assert table.route_for("GET", "/api/campaigns/1/participants").service == "reporting"
    assert table.route_for("GET", "/api/campaigns/1").service == "campaigns"
    assert table.route_for("GET", "/api/users/me/profile").service == "assessment"
    assert table.route_for("GET", "/api/users/me").service == "identity"
    assert table.route_for("GET", "/api/campaign-participations/4/assessment").service == "assessment"
    assert table.route_for("GET", "/api/campaign-participations/4").service == "campaigns"


def test_public_routes_are_public_only_for_their_method():
    assert table.route_for("POST", "/api/users").token is False
    resolution = table.resolve("GET", "/api/users")
    assert resolution.route is None
    assert resolution.allowed == {"POST"}


def test_a_public_get_route_also_answers_head():
    assert table.route_for("HEAD", "/api/campaigns/by-code/XYZ").service == "campaigns"


def test_the_learner_list_is_reporting_for_get_and_nothing_else():
    resolution = table.resolve("POST", "/api/organizations/7/learners")
    assert resolution.route is None and resolution.allowed == {"GET", "HEAD"}


def test_an_organization_s_certification_results_are_reporting_s_and_only_read():
    assert table.route_for("GET", "/api/organizations/7").service == "organizations"
    resolution = table.resolve("POST", "/api/organizations/7/certification-results")
    assert resolution.route is None and resolution.allowed == {"GET", "HEAD"}


def test_an_unknown_path_has_no_route_and_no_allowed_method():
    resolution = table.resolve("GET", "/api/nothing/here")
    assert resolution.route is None and not resolution.path_known


@pytest.mark.parametrize(
    "path",
    [
        "/api/campaigns/1/../../admin/users",
        "/api/admin/users/./1",
        "/api/assessments/..",
        "/api//users/me",
        "/api/users/me/",
        "api/users/me",
        "/api/campaigns//participants",
    ],
)
def test_paths_with_dot_or_empty_segments_match_nothing(path):
    assert table.route_for("GET", path) is None


def test_split_path_refuses_dot_segments():
    assert split_path("/a/../b") is None
    assert split_path("/a/b") == ("a", "b")


def _sample_path(route: Route) -> str:
    parts = []
    for part in route.pattern.split("/")[1:]:
        if part == "**":
            continue
        parts.append("7" if part.startswith("{") else part)
    return "/" + "/".join(parts)


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.pattern)
def test_no_route_is_hidden_by_one_above_it(route):
    method = sorted(route.methods)[0] if route.methods else "GET"
    assert table.route_for(method, _sample_path(route)) is route


@pytest.mark.parametrize("pattern", ["api/users", "/api/**/x", "/api//x", "/api/../x", "/api/a*b"])
def test_a_bad_pattern_is_refused_when_the_table_is_built(pattern):
    with pytest.raises(ValueError):
        Route(None, pattern, "identity", token=True)


def test_a_rest_pattern_matches_the_route_itself_and_below():
    route = Route(None, "/api/things/**", "identity", token=True)
    assert route.matches_path(("api", "things"))
    assert route.matches_path(("api", "things", "1", "parts"))
    assert not route.matches_path(("api", "thing"))


def test_only_identitys_token_routes_ignore_idempotency_keys():
    """identity keeps no answer for a key on /api/token*, the GAR's sign-ins, the OAuth 2 clients' tokens and a
    temporary password's change (their answers are tokens) nor on registering a client (its answer holds the secret)
    or giving a temporary password (its answer is the password): a keyed POST there must never be sent again after a
    broken connection. Every other service keeps them all."""
    ignoring = {route.pattern for route in ROUTES if not route.honours_idempotency_keys}
    assert ignoring == {"/api/token", "/api/token/refresh", "/api/token/revoke", "/api/saml/acs", "/api/saml/links",
                        "/api/saml/accounts", "/api/oauth/token", "/api/admin/oauth-clients/**",
                        "/api/password/expired", "/api/organizations/{id}/learners/{learner_id}/temporary-password"}
    assert all(route.service == "identity" for route in ROUTES if not route.honours_idempotency_keys)


def test_a_temporary_password_is_identity_s_and_only_posted_and_its_change_counts_as_a_log_in():
    """Carved out of organizations' /api/organizations/{id}/**: identity owns passwords."""
    route = table.route_for("POST", "/api/organizations/7/learners/8/temporary-password")
    assert (route.service, route.limit_group, route.honours_idempotency_keys) == ("identity", None, False)
    assert table.route_for("GET", "/api/organizations/7/learners/8/temporary-password") is None
    assert table.route_for("POST", "/api/password/expired").limit_group == "login"


def test_a_gar_arrival_finds_itself_in_organizations_counted_per_address_as_log_ins():
    route = table.route_for("POST", "/api/gar/learner-match")
    assert (route.service, route.limit_group, route.token) == ("organizations", "login", False)


def test_an_application_s_token_request_counts_with_log_ins_per_address():
    """A client's secret is checked there, as a password at a log-in: the same group, counted per address."""
    assert table.route_for("POST", "/api/oauth/token").limit_group == "login"
    assert table.route_for("GET", "/api/oauth/token") is None
