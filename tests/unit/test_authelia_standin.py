"""Contract tests: the Authelia stand-in (tests/lab/standins/authelia.py) follows Authelia's documented
access-control semantics and forward-auth responses, so a lab result means what it would with Authelia 4.39.

The rule sets are the examples of Authelia's "Access Control" configuration page and "Access Control
Rule Guide"; the responses are those of "Integration > Proxies > Introduction" and "Validating Forwarded
Authentication". The HTTP flow runs the stand-in on 127.0.0.1, first with a small configuration, then
with the Authelia configuration the collection renders for inventories/single-host (the document
``make render`` writes, built here from the same plugin functions so the test stays fast).
"""

from __future__ import annotations

import base64
import http.client
import ipaddress
import json
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import load_catalog
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._inputs import views
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import build_plan
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.authelia import authelia_configuration
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.traefik import traefik_dynamic

from ..lab.standins import authelia as standin
from .plugins.plugin_utils.test_render import SPECS, validate

ROOT = Path(__file__).resolve().parents[2]
STANDIN = ROOT / "tests/lab/standins/authelia.py"
JOHN_SECRET = base64.b32encode(b"john-totp-secret-bytes").decode()

USERS = {
    "users": {
        "john": {
            "displayname": "John Doe",
            "password": "$plaintext$john-password",
            "email": "john@example.com",
            "groups": ["admins", "users"],
        },
        "harry": {
            "displayname": "Harry Potter",
            "password": "$plaintext$harry-password",
            "email": "harry@example.com",
            "groups": ["users"],
        },
        "bob": {"displayname": "Bob", "password": "$plaintext$bob-password", "disabled": True, "groups": ["users"]},
    }
}

# A small configuration in the collection's shape: API bypass first, then per-host rules.
EXAMPLE = {
    "server": {"address": "tcp://127.0.0.1:9091/"},
    "authentication_backend": {"file": {"path": "/config/users_database.yml"}},
    "totp": {"issuer": "example.com"},
    "access_control": {
        "default_policy": "deny",
        "rules": [
            {"domain": ["app.example.com"], "resources": ["^/api([/?].*)?$"], "policy": "bypass"},
            {"domain": ["auth.example.com"], "policy": "bypass"},
            {"domain": ["home.example.com"], "policy": "one_factor"},
            {"domain": ["app.example.com"], "policy": "one_factor", "subject": ["group:users"]},
            {"domain": ["admin.example.com"], "policy": "two_factor", "subject": ["group:admins"]},
        ],
    },
    "session": {
        "cookies": [
            {
                "domain": "example.com",
                "authelia_url": "https://auth.example.com",
                "default_redirection_url": "https://home.example.com",
            }
        ]
    },
}

# "Detailed example" of the Access Control page, as published (mixed list forms included).
DETAILED = yaml.safe_load(r"""
default_policy: deny
networks:
  - name: internal
    networks: ['10.10.0.0/16', '192.168.2.0/24']
  - name: VPN
    networks: 10.9.0.0/16
rules:
  - domain: public.example.com
    policy: bypass
  - domain: '*.example.com'
    policy: bypass
    methods: [OPTIONS]
  - domain: secure.example.com
    policy: one_factor
    networks: [internal, VPN, 192.168.1.0/24, 10.0.0.1]
  - domain: [secure.example.com, private.example.com]
    policy: two_factor
  - domain: singlefactor.example.com
    policy: one_factor
  - domain: mx2.mail.example.com
    subject: 'group:admins'
    policy: deny
  - domain: '*.example.com'
    subject: ['group:admins', 'group:moderators']
    policy: two_factor
  - domain: dev.example.com
    resources: ['^/groups/dev/.*$']
    subject: 'group:dev'
    policy: two_factor
  - domain: dev.example.com
    resources: ['^/users/john/.*$']
    subject: [['group:dev', 'user:john'], 'group:admins']
    policy: two_factor
  - domain: '{user}.example.com'
    policy: bypass
""")


def who(username: str = "", *groups: str, ip: str = "203.0.113.7") -> standin.Subject:
    return standin.Subject(username, groups, ipaddress.ip_address(ip))


ANONYMOUS = who()
A, U1, U2 = standin.ANONYMOUS, standin.ONE_FACTOR, standin.TWO_FACTOR


# -- decisions: the documented rule sets -----------------------------------------------------
@pytest.mark.parametrize(
    ("subject", "level", "request_line", "expected"),
    [
        (ANONYMOUS, A, "GET https://public.example.com/", (1, "bypass", "authorized")),
        (ANONYMOUS, A, "OPTIONS https://app.example.com/x", (2, "bypass", "authorized")),
        (who(ip="10.10.4.2"), A, "GET https://secure.example.com/", (3, "one_factor", "unauthorized")),
        (who(ip="10.0.0.1"), A, "GET https://secure.example.com/", (3, "one_factor", "unauthorized")),
        (who(ip="10.9.1.1"), A, "GET https://secure.example.com/", (3, "one_factor", "unauthorized")),
        (who("john", "dev", ip="10.10.4.2"), U1, "GET https://secure.example.com/", (3, "one_factor", "authorized")),
        (who("john", "dev"), U1, "GET https://secure.example.com/", (4, "two_factor", "unauthorized")),
        (who("john", "dev"), U2, "GET https://PRIVATE.Example.com/", (4, "two_factor", "authorized")),
        (who("john", "dev"), U1, "GET https://singlefactor.example.com/", (5, "one_factor", "authorized")),
        (ANONYMOUS, A, "GET https://mx2.mail.example.com/", (6, "deny", "unauthorized")),
        (who("harry", "admins"), U2, "GET https://mx2.mail.example.com/", (6, "deny", "forbidden")),
        (who("bob", "users"), U2, "GET https://mx2.mail.example.com/", (None, "deny", "forbidden")),
        (ANONYMOUS, A, "GET https://dev.example.com/groups/dev/x", (7, "two_factor", "unauthorized")),
        (who("mo", "moderators"), U2, "GET https://blog.example.com/", (7, "two_factor", "authorized")),
        (who("dan", "dev"), U2, "GET https://dev.example.com/groups/dev/x", (8, "two_factor", "authorized")),
        (who("john", "dev"), U1, "GET https://dev.example.com/users/john/x", (9, "two_factor", "unauthorized")),
        (who("fred", "dev"), U2, "GET https://dev.example.com/users/john/x", (None, "deny", "forbidden")),
        (who("bob", "users"), U1, "GET https://bob.example.com/", (10, "bypass", "authorized")),
        (ANONYMOUS, A, "GET https://bob.example.com/", (7, "two_factor", "unauthorized")),
        (ANONYMOUS, A, "GET https://example.org/", (None, "deny", "forbidden")),
    ],
    ids=[
        "public-bypass",
        "options-bypass-on-wildcard",
        "secure-from-named-network",
        "secure-from-listed-address",
        "secure-from-second-named-network",
        "secure-internal-user-one-factor",
        "secure-elsewhere-needs-two-factor",
        "domain-case-insensitive",
        "singlefactor",
        "anonymous-potential-deny-asks-to-authenticate",
        "admin-deny-is-forbidden",
        "non-admin-falls-through-to-default",
        "anonymous-first-potential-subject-rule-decides",
        "wildcard-subject-moderator",
        "dev-group-resource",
        "john-and-dev-at-one-factor",
        "dev-but-not-john-default",
        "user-wildcard-own-host",
        "user-wildcard-anonymous-meets-subject-rule-first",
        "unlisted-domain-default",
    ],
)
def test_detailed_example_decides_as_documented(subject, level, request_line, expected):
    method, url = request_line.split()
    access_control = standin.parse_access_control(DETAILED)
    decision = standin.decide(access_control, subject, standin.target_from_url(url, method))
    assert (decision.position, decision.policy, standin.outcome(decision, level)) == expected


def test_sequential_order_first_matching_rule_wins():
    """Rule Matching Concept 1: the bypass for /api on every subdomain shadows app's two_factor."""
    access_control = standin.parse_access_control(
        {
            "rules": [
                {"domain": ["example.com", "*.example.com"], "policy": "bypass", "resources": ["^/api$", "^/api/"]},
                {"domain": ["app.example.com"], "policy": "two_factor"},
            ]
        }
    )
    decide = standin.decide
    assert decide(access_control, ANONYMOUS, standin.target_from_url("https://app.example.com/api")).position == 1
    assert decide(access_control, ANONYMOUS, standin.target_from_url("https://app.example.com/app")).position == 2
    assert decide(access_control, ANONYMOUS, standin.target_from_url("https://example.com/api/x")).position == 1


# -- criteria, one at a time --------------------------------------------------------------------
QUERY_RULE = {
    "domain": "app.example.com",
    "policy": "bypass",
    "query": [
        [{"operator": "present", "key": "secure"}, {"operator": "absent", "key": "insecure"}],
        [
            {"operator": "pattern", "key": "token", "value": "^(abc123|zyx789)$"},
            {"operator": "not pattern", "key": "random", "value": "^(1|2)$"},
        ],
    ],
}
SUBJECT_RULE = {
    "domain": "example.com",
    "policy": "two_factor",
    "subject": ["user:john", ["group:admin", "group:app-name"], "group:super-admin"],
}
NAMED_GROUPS_RULE = {
    "domain_regex": [r"^user-(?P<User>\w+)\.example\.com$", r"^group-(?P<Group>\w+)\.example\.com$"],
    "policy": "one_factor",
}
API_RULE = {"domain": "app.example.com", "policy": "bypass", "resources": ["^/api([/?].*)?$"]}


@pytest.mark.parametrize(
    ("rule", "subject", "method", "url", "matches"),
    [
        ({"domain": "*.example.com", "policy": "bypass"}, ANONYMOUS, "GET", "https://abc.example.com/", True),
        ({"domain": "*.example.com", "policy": "bypass"}, ANONYMOUS, "GET", "https://a.b.example.com/", True),
        ({"domain": "*.example.com", "policy": "bypass"}, ANONYMOUS, "GET", "https://example.com/", False),
        ({"domain": "*.example.com", "policy": "bypass"}, ANONYMOUS, "GET", "https://notexample.com/", False),
        ({"domain": ["apple.example.com", "banana.example.com"], "policy": "bypass"}, ANONYMOUS, "GET",
         "https://banana.example.com/", True),
        ({"domain": "apple.example.com", "domain_regex": r"^(pub|img)-data\.example\.com$", "policy": "bypass"},
         ANONYMOUS, "GET", "https://img-data.example.com/", True),
        ({"domain": "apple.example.com", "domain_regex": r"^(pub|img)-data\.example\.com$", "policy": "bypass"},
         ANONYMOUS, "GET", "https://web-data.example.com/", False),
        (NAMED_GROUPS_RULE, who("john", "example", "example1"), "GET", "https://user-john.example.com/", True),
        (NAMED_GROUPS_RULE, who("john", "example", "example1"), "GET", "https://group-example1.example.com/", True),
        (NAMED_GROUPS_RULE, who("john", "example", "example1"), "GET", "https://user-fred.example.com/", False),
        (NAMED_GROUPS_RULE, who("john", "example", "example1"), "GET", "https://group-admin.example.com/", False),
        (NAMED_GROUPS_RULE, ANONYMOUS, "GET", "https://user-fred.example.com/", True),
        (API_RULE, ANONYMOUS, "GET", "https://app.example.com/api", True),
        (API_RULE, ANONYMOUS, "GET", "https://app.example.com/api/v1/items", True),
        (API_RULE, ANONYMOUS, "GET", "https://app.example.com/api?key=1", True),
        (API_RULE, ANONYMOUS, "GET", "https://app.example.com/apis", False),
        (API_RULE, ANONYMOUS, "GET", "https://app.example.com/ui/api", False),
        (API_RULE, ANONYMOUS, "GET", "https://app.example.com/ui/../api/v1", True),
        (API_RULE, ANONYMOUS, "GET", "https://app.example.com/api/../admin", False),
        (API_RULE, ANONYMOUS, "GET", "https://app.example.com/%61pi/v1", True),
        ({"domain": "a.example.com", "policy": "bypass", "resources": [r"^/search\?q="]}, ANONYMOUS, "GET",
         "https://a.example.com/search?q=x", True),
        ({"domain": "a.example.com", "policy": "bypass", "resources": ["^/ping$"]}, ANONYMOUS, "GET",
         "https://a.example.com/ping%0A", False),
        (SUBJECT_RULE, who("john"), "GET", "https://example.com/", True),
        (SUBJECT_RULE, who("johnny"), "GET", "https://example.com/", False),
        (SUBJECT_RULE, who("amy", "admin"), "GET", "https://example.com/", False),
        (SUBJECT_RULE, who("amy", "admin", "app-name"), "GET", "https://example.com/", True),
        (SUBJECT_RULE, who("sam", "super-admin"), "GET", "https://example.com/", True),
        (SUBJECT_RULE, ANONYMOUS, "GET", "https://example.com/", True),
        ({"domain": "example.com", "policy": "bypass", "methods": ["OPTIONS"]}, ANONYMOUS, "OPTIONS",
         "https://example.com/", True),
        ({"domain": "example.com", "policy": "bypass", "methods": ["OPTIONS"]}, ANONYMOUS, "GET",
         "https://example.com/", False),
        ({"domain": "example.com", "policy": "bypass", "networks": ["10.0.0.0/8"]}, who(ip="10.1.2.3"), "GET",
         "https://example.com/", True),
        ({"domain": "example.com", "policy": "bypass", "networks": ["10.0.0.0/8"]}, who(ip="::ffff:10.1.2.3"),
         "GET", "https://example.com/", True),
        ({"domain": "example.com", "policy": "bypass", "networks": ["10.0.0.0/8"]}, who(ip="192.0.2.1"), "GET",
         "https://example.com/", False),
        (QUERY_RULE, ANONYMOUS, "GET", "https://app.example.com/?secure=1", True),
        (QUERY_RULE, ANONYMOUS, "GET", "https://app.example.com/?secure&insecure=1", False),
        (QUERY_RULE, ANONYMOUS, "GET", "https://app.example.com/?token=abc123", True),
        (QUERY_RULE, ANONYMOUS, "GET", "https://app.example.com/?token=abc123&random=1", False),
        (QUERY_RULE, ANONYMOUS, "GET", "https://app.example.com/?token=abc123&random=3", True),
        (QUERY_RULE, ANONYMOUS, "GET", "https://app.example.com/?other=1", False),
        ({"domain": "a.example.com", "policy": "bypass", "query": [{"key": "k", "value": "v"}]}, ANONYMOUS, "GET",
         "https://a.example.com/?k=v", True),
        ({"domain": "a.example.com", "policy": "bypass", "query": [{"key": "k", "value": "v"}]}, ANONYMOUS, "GET",
         "https://a.example.com/?k=w", False),
        ({"domain": "a.example.com", "policy": "bypass", "query": [{"key": "k"}]}, ANONYMOUS, "GET",
         "https://a.example.com/?k", True),
    ],
    ids=[
        "wildcard-subdomain",
        "wildcard-deeper-subdomain",
        "wildcard-not-the-apex",
        "wildcard-needs-the-dot",
        "domain-list-is-or",
        "domain-or-domain-regex",
        "domain-regex-miss",
        "named-group-user",
        "named-group-group",
        "named-group-other-user",
        "named-group-other-group",
        "named-group-anonymous-potential",
        "resource-exact",
        "resource-below",
        "resource-with-query",
        "resource-prefix-only",
        "resource-anchored",
        "resource-path-cleaned",
        "resource-dotdot-escapes",
        "resource-percent-decoded",
        "resource-sees-the-query",
        "resource-dollar-is-end-of-text",
        "subject-user",
        "subject-other-user",
        "subject-and-list-partial",
        "subject-and-list-complete",
        "subject-third-alternative",
        "subject-anonymous-potential",
        "methods-hit",
        "methods-miss",
        "networks-hit",
        "networks-ipv4-mapped",
        "networks-miss",
        "query-present-and-absent",
        "query-absent-fails",
        "query-pattern",
        "query-not-pattern-fails",
        "query-not-pattern",
        "query-no-alternative",
        "query-default-equal",
        "query-default-equal-miss",
        "query-default-present",
    ],
)  # fmt: skip
def test_each_criterion_matches_as_documented(rule, subject, method, url, matches):
    parsed = standin.parse_access_control({"rules": [rule]}).rules[0]
    assert standin.rule_matches(parsed, subject, standin.target_from_url(url, method)) is matches


@pytest.mark.parametrize(
    ("policy", "level", "has_subject", "result"),
    [
        ("bypass", A, False, "authorized"),
        ("one_factor", A, False, "unauthorized"),
        ("one_factor", U1, False, "authorized"),
        ("one_factor", U2, True, "authorized"),
        ("two_factor", U1, True, "unauthorized"),
        ("two_factor", U2, True, "authorized"),
        ("deny", A, False, "forbidden"),
        ("deny", A, True, "unauthorized"),
        ("deny", U1, True, "forbidden"),
        ("deny", U2, False, "forbidden"),
    ],
    ids=[
        "bypass-anyone",
        "one-factor-anonymous",
        "one-factor-at-one",
        "one-factor-at-two",
        "two-factor-at-one",
        "two-factor-at-two",
        "deny-default-anonymous",
        "deny-potential-anonymous",
        "deny-authenticated",
        "deny-two-factor",
    ],
)
def test_outcome_of_a_policy_for_a_level(policy, level, has_subject, result):
    assert standin.outcome(standin.Decision(policy, 1, has_subject), level) == result


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"rules": [{"domain": "a.example.com", "policy": "allow"}]}, "option 'policy' must be one of"),
        ({"rules": [{"domain": "a.example.com"}]}, "option 'policy' must be one of"),
        ({"rules": [{"policy": "bypass"}]}, "'domain' or 'domain_regex' must be present"),
        ({"rules": [{"domains": ["a.example.com"], "policy": "bypass"}]}, "unknown option(s) 'domains'"),
        ({"rules": ["a.example.com"]}, "rule #1 must be a mapping"),
        ({"rules": {"domain": "a.example.com"}}, "rules must be a list"),
        ({"default_policy": "allow", "rules": []}, "option 'default_policy' must be one of"),
        ({"default_policy": "deny", "rules": []}, "needs rules"),
        ({"rules": [{"domain": "a.example.com", "policy": "bypass", "resources": ["^/(api"]}]}, "not a valid"),
        ({"rules": [{"domain": "a.example.com", "policy": "bypass", "resources": ["^/(?!api)"]}]}, "look-around"),
        ({"rules": [{"domain": "a.example.com", "policy": "bypass", "networks": ["lan"]}]}, "named network"),
        ({"rules": [{"domain": "a.example.com", "policy": "deny", "subject": ["admins"]}]}, "'user:' or 'group:'"),
        ({"rules": [{"domain": "a.example.com", "policy": "deny", "subject": ["oauth2:client:x"]}]}, "OAuth 2.0"),
        ({"rules": [{"domain": "a.example.com", "policy": "deny", "methods": ["FETCH"]}]}, "unknown verbs FETCH"),
        ({"rules": [{"domain": "a.example.com", "policy": "deny", "query": [{"key": "k", "operator": "like"}]}]},
         "operator must be one of"),
        ({"rules": [{"domain": "a.example.com", "policy": "deny", "query": [{"key": "k", "operator": "equal"}]}]},
         "option 'value' must be a string"),
        ({"rules": [{"domain": "a.example.com", "policy": "bypass", "subject": "group:admins"}]},
         "policy 'bypass' cannot be used with subject"),
        ({"rules": [{"domain_regex": "^(?P<User>\\w+)\\.example\\.com$", "policy": "bypass"}]},
         "policy 'bypass' cannot be used with subject"),
        ({"rules": [], "default_policy": "one_factor", "match": "all"}, "unknown option(s) 'match'"),
    ],
    ids=[
        "unknown-policy",
        "missing-policy",
        "no-domain",
        "misspelt-option",
        "rule-not-a-mapping",
        "rules-not-a-list",
        "unknown-default-policy",
        "deny-without-rules",
        "bad-regex",
        "re2-has-no-lookahead",
        "unknown-named-network",
        "subject-without-prefix",
        "oauth2-client-subject",
        "unknown-method",
        "unknown-query-operator",
        "query-equal-without-value",
        "bypass-with-subject",
        "bypass-with-named-group",
        "unknown-access-control-option",
    ],
)  # fmt: skip
def test_a_configuration_it_does_not_understand_is_refused(section, message):
    with pytest.raises(standin.ConfigError) as caught:
        standin.parse_access_control(section)
    assert message in str(caught.value)


# -- forward-auth responses ----------------------------------------------------------------------
def forwarded(host: str, uri: str = "/", method: str = "GET", **extra: str) -> dict[str, str]:
    """The headers Traefik's forwardAuth sends (trustForwardHeader), plus a browser's Accept."""
    headers = {
        "X-Forwarded-Method": method,
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": host,
        "X-Forwarded-Uri": uri,
        "X-Forwarded-For": "203.0.113.7",
        "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
    }
    headers.update({name.replace("_", "-"): value for name, value in extra.items()})
    return headers


def lower(headers: dict[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


@pytest.fixture(name="app")
def fixture_app():
    settings = standin.parse_configuration(EXAMPLE)
    lines: list[str] = []
    app = standin.App(settings, standin.parse_users(USERS), {"john": JOHN_SECRET}, allow_plain=True, log=lines.append)
    app.lines = lines
    return app


def test_redirect_location_is_the_documented_form(app):
    reply = app.handle("GET", standin.AUTHZ_PATH, lower(forwarded("app.example.com")))
    assert reply.status == 302
    assert reply.header("Location") == "https://auth.example.com/?rd=https%3A%2F%2Fapp.example.com%2F&rm=GET"
    assert reply.body == (
        b'<a href="https://auth.example.com/?rd=https%3A%2F%2Fapp.example.com%2F&amp;rm=GET">302 Found</a>'
    )
    assert app.lines == [
        "decision method=GET url=https://app.example.com/ ip=203.0.113.7 user=<anonymous> level=anonymous"
        " rule=#4 policy=one_factor status=302 result=unauthorized"
    ]


@pytest.mark.parametrize(
    ("method", "extra", "status", "body"),
    [
        ("GET", {}, 302, True),
        ("HEAD", {}, 302, False),
        ("OPTIONS", {}, 302, True),
        ("POST", {}, 303, True),
        ("DELETE", {}, 303, True),
        ("GET", {"X-Requested-With": "XMLHttpRequest"}, 401, True),
        ("GET", {"Accept": "application/json"}, 401, True),
        ("GET", {"Accept": "*/*"}, 302, True),
        ("GET", {"Accept": ""}, 401, True),
    ],
    ids=["get", "head", "options", "post", "delete", "xhr", "json-client", "curl-accept-any", "no-accept"],
)
def test_unauthenticated_status_follows_method_and_client(app, method, extra, status, body):
    headers = lower(forwarded("app.example.com", "/a/b?x=1&y=2", method, **extra))
    reply = app.handle("GET", standin.AUTHZ_PATH, headers)
    assert reply.status == status
    location = urlsplit(reply.header("Location"))
    assert (location.scheme, location.netloc, location.path) == ("https", "auth.example.com", "/")
    assert parse_qs(location.query) == {"rd": ["https://app.example.com/a/b?x=1&y=2"], "rm": [method]}
    assert bool(reply.body) is body


@pytest.mark.parametrize(
    ("headers", "query"),
    [
        ({"X-Forwarded-Host": ""}, ""),
        ({"X-Forwarded-Proto": "http"}, ""),
        ({"X-Forwarded-Method": "get"}, ""),
        ({"X-Forwarded-Method": ""}, ""),
        ({"X-Forwarded-Host": "app.example.org"}, ""),
        ({}, "?authelia_url=https%3A%2F%2Fauth.example.org%2F"),
    ],
    ids=[
        "no-host",
        "insecure-scheme",
        "lower-case-method",
        "no-method",
        "outside-cookie-domains",
        "authelia-url-elsewhere",
    ],
)
def test_requests_it_cannot_place_are_bad_requests(app, headers, query):
    reply = app.handle("GET", standin.AUTHZ_PATH + query, lower({**forwarded("app.example.com"), **headers}))
    assert (reply.status, reply.body) == (400, b"400 Bad Request")
    assert "status=400" in app.lines[-1]


def test_authelia_url_query_argument_overrides_the_cookie_setting(app):
    query = "?authelia_url=https%3A%2F%2Flogin.example.com%2Fsso"
    reply = app.handle("GET", standin.AUTHZ_PATH + query, lower(forwarded("app.example.com")))
    assert reply.header("Location").startswith("https://login.example.com/sso?rd=")


@pytest.mark.parametrize(
    ("forwarded_for", "peer", "status"),
    [
        ("10.0.0.5, 203.0.113.1", "192.0.2.9", 200),
        ("203.0.113.1, 10.0.0.5", "192.0.2.9", 403),
        ("", "10.0.0.5", 200),
        ("not-an-address", "10.0.0.5", 200),
    ],
    ids=["first-forwarded-address", "later-addresses-ignored", "falls-back-to-peer", "bad-header-falls-back"],
)
def test_networks_use_the_first_forwarded_address(forwarded_for, peer, status):
    document = {**EXAMPLE, "access_control": {"rules": [{"domain": "lan.example.com", "policy": "bypass",
                                                         "networks": ["10.0.0.0/8"]}]}}  # fmt: skip
    app = standin.App(standin.parse_configuration(document), {}, log=lambda _line: None)
    headers = lower(forwarded("lan.example.com", X_Forwarded_For=forwarded_for))
    assert app.handle("GET", standin.AUTHZ_PATH, headers, peer=peer).status == status


# -- credentials ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("digest", "password", "allow_plain", "result"),
    [
        ("$plaintext$secret", "secret", True, (True, "")),
        ("$plain$secret", "secret", True, (True, "")),
        ("$plaintext$secret", "guess", True, (False, "wrong password")),
        ("$plaintext$secret", "secret", False, (False, "plain password digests need STANDIN_ALLOW_PLAIN=1")),
        ("$6$rounds=5000$salt$hash", "secret", True, (False, "unsupported password digest")),
    ],
    ids=["plaintext-allowed", "plain-allowed", "plain-wrong", "plain-not-allowed", "sha512crypt-unsupported"],
)
def test_password_digests(digest, password, allow_plain, result):
    assert standin.check_password(digest, password, allow_plain=allow_plain) == result


def test_argon2_digests_are_verified_with_argon2_cffi():
    argon2 = pytest.importorskip("argon2", reason="argon2-cffi is not installed here")
    digest = argon2.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash("secret")
    assert standin.check_password(digest, "secret") == (True, "")
    assert standin.check_password(digest, "guess") == (False, "wrong password")


def test_argon2_digests_are_refused_with_an_install_hint_without_argon2_cffi(monkeypatch):
    monkeypatch.setitem(sys.modules, "argon2", None)
    digest = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"
    assert standin.check_password(digest, "secret") == (
        False,
        "argon2 digests need argon2-cffi (Debian: python3-argon2)",
    )


# RFC 6238 Appendix B: the seeds are ASCII "1234567890" repeated to the hash's size.
@pytest.mark.parametrize(
    ("moment", "algorithm", "code"),
    [
        (59, "sha1", "94287082"),
        (1111111109, "sha1", "07081804"),
        (1111111111, "sha1", "14050471"),
        (1234567890, "sha1", "89005924"),
        (2000000000, "sha1", "69279037"),
        (20000000000, "sha1", "65353130"),
        (59, "sha256", "46119246"),
        (1111111111, "sha256", "67062674"),
        (59, "sha512", "90693936"),
        (2000000000, "sha512", "38618901"),
    ],
    ids=["t59", "t1111111109", "t1111111111", "t1234567890", "t2000000000", "t20000000000",
         "sha256-t59", "sha256-t1111111111", "sha512-t59", "sha512-t2000000000"],
)  # fmt: skip
def test_totp_matches_the_rfc_6238_test_vectors(moment, algorithm, code):
    seed = (b"1234567890" * 7)[: {"sha1": 20, "sha256": 32, "sha512": 64}[algorithm]]
    secret = base64.b32encode(seed).decode()
    assert standin.totp_code(secret, moment, digits=8, algorithm=algorithm) == code


# -- the HTTP flow ------------------------------------------------------------------------------
@contextmanager
def serving(app: standin.App):
    """The stand-in's HTTP server on 127.0.0.1 and a free port, stopped on exit."""
    server = standin.make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.server_address[:2]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> object:
        return json.loads(self.body)


def call(address, method: str, path: str, headers: dict[str, str] | None = None, payload: object = None) -> Response:
    """One request to the stand-in (redirects are not followed)."""
    connection = http.client.HTTPConnection(*address, timeout=5)
    try:
        body = None if payload is None else json.dumps(payload)
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Response(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


def login(address, username: str, password: str, portal: str = "auth.example.com") -> str:
    """Sign in through the portal's API; returns the session cookie as a Cookie header value."""
    payload = {"username": username, "password": password}
    response = call(address, "POST", "/api/firstfactor", {"X-Forwarded-Host": portal}, payload)
    assert response.status == 200, response.body
    return response.headers["set-cookie"].split(";")[0]


def authz(address, host: str, uri: str = "/", method: str = "GET", **extra: str) -> Response:
    return call(address, "GET", standin.AUTHZ_PATH, forwarded(host, uri, method, **extra))


@pytest.fixture(name="server")
def fixture_server(app):
    with serving(app) as address:
        yield address


def test_health_and_portal_page(server):
    health = call(server, "GET", "/api/health")
    assert (health.status, health.json()) == (200, {"status": "OK"})
    page = call(server, "GET", "/")
    assert (page.status, page.headers["content-type"]) == (200, "text/html; charset=utf-8")
    assert call(server, "GET", "/api/nothing-here").status == 404


def test_anonymous_request_to_a_protected_host_is_sent_to_the_portal(server):
    response = authz(server, "app.example.com", "/shows?page=2")
    assert (response.status, response.headers["location"]) == (
        302,
        "https://auth.example.com/?rd=https%3A%2F%2Fapp.example.com%2Fshows%3Fpage%3D2&rm=GET",
    )


def test_api_path_with_a_bypass_rule_passes_without_login(server):
    response = authz(server, "app.example.com", "/api/v3/series")
    assert response.status == 200
    assert "remote-user" not in response.headers


def test_login_then_one_factor_host_passes_with_the_remote_headers(server, app):
    response = authz(server, "app.example.com", Cookie=login(server, "john", "john-password"))
    assert response.status == 200
    assert {name: response.headers[name.lower()] for name in standin.REMOTE_HEADERS} == {
        "Remote-User": "john",
        "Remote-Groups": "admins,users",
        "Remote-Name": "John Doe",
        "Remote-Email": "john@example.com",
    }
    assert "user=john level=one_factor rule=#4 policy=one_factor status=200" in app.lines[-1]


def test_session_cookie_is_set_for_the_cookie_domain(server):
    payload = {"username": "harry", "password": "harry-password", "targetURL": "https://app.example.com/x"}
    response = call(server, "POST", "/api/firstfactor", {"X-Forwarded-Host": "auth.example.com"}, payload)
    assert (response.status, response.json()) == (200, {"status": "OK", "data": {"redirect": payload["targetURL"]}})
    name, rest = response.headers["set-cookie"].split("=", 1)
    assert name == "authelia_session"
    assert rest.split("; ")[1:] == ["Domain=example.com", "Path=/", "HttpOnly", "Secure", "SameSite=Lax"]


@pytest.mark.parametrize(
    ("username", "password"),
    [("john", "wrong"), ("nobody", "john-password"), ("bob", "bob-password")],
    ids=["wrong-password", "unknown-user", "disabled-user"],
)
def test_failed_login_sets_no_session(server, username, password):
    response = call(server, "POST", "/api/firstfactor", {}, {"username": username, "password": password})
    assert (response.status, response.json()) == (
        401,
        {"status": "KO", "message": standin.MESSAGE_FIRST_FACTOR_FAILED},
    )
    assert "set-cookie" not in response.headers


def test_two_factor_host_at_one_factor_asks_for_the_second_factor(server):
    cookie = login(server, "john", "john-password")
    response = authz(server, "admin.example.com", "/settings", Cookie=cookie)
    assert (response.status, response.headers["location"]) == (
        302,
        "https://auth.example.com/?rd=https%3A%2F%2Fadmin.example.com%2Fsettings&rm=GET",
    )
    xhr = authz(server, "admin.example.com", "/settings", Cookie=cookie, X_Requested_With="XMLHttpRequest")
    assert (xhr.status, xhr.headers["location"]) == (401, response.headers["location"])

    portal = {"X-Forwarded-Host": "auth.example.com", "Cookie": cookie}
    stale = standin.totp_code(JOHN_SECRET, time.time() - 3600)
    refused = call(server, "POST", "/api/secondfactor/totp", portal, {"token": stale})
    assert (refused.status, refused.json()) == (401, {"status": "KO", "message": standin.MESSAGE_SECOND_FACTOR_FAILED})
    code = standin.totp_code(JOHN_SECRET, time.time())
    assert call(server, "POST", "/api/secondfactor/totp", portal, {"token": code}).status == 200
    assert call(server, "GET", "/api/state", portal).json()["data"]["authentication_level"] == standin.TWO_FACTOR
    response = authz(server, "admin.example.com", "/settings", Cookie=cookie)
    assert (response.status, response.headers["remote-user"]) == (200, "john")


def test_second_factor_needs_a_first_factor_session(server):
    code = standin.totp_code(JOHN_SECRET, time.time())
    assert call(server, "POST", "/api/secondfactor/totp", {}, {"token": code}).status == 403


def test_group_rule_that_does_not_match_the_users_groups_is_forbidden(server, app):
    response = authz(server, "admin.example.com", Cookie=login(server, "harry", "harry-password"))
    assert (response.status, response.body) == (403, b"403 Forbidden")
    assert "user=harry level=one_factor rule=default policy=deny status=403 result=forbidden" in app.lines[-1]


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_unknown_host_gets_the_default_deny(server, signed_in):
    extra = {"Cookie": login(server, "john", "john-password")} if signed_in else {}
    assert authz(server, "unknown.example.com", **extra).status == 403


def test_logout_ends_the_session(server):
    cookie = login(server, "harry", "harry-password")
    portal = {"X-Forwarded-Host": "auth.example.com", "Cookie": cookie}
    assert call(server, "GET", "/api/state", portal).json()["data"]["username"] == "harry"
    assert call(server, "POST", "/api/logout", portal).status == 200
    assert authz(server, "home.example.com", Cookie=cookie).status == 302


# -- the configuration the collection renders (inventories/single-host) --------------------------
def single_host_plan() -> dict:
    """What ``playbooks/vars/plan.yml`` derives for inventories/single-host: the plan."""
    group_vars = yaml.safe_load((ROOT / "inventories/single-host/group_vars/mediastack/main.yml").read_text())
    hosts = yaml.safe_load((ROOT / "inventories/single-host/hosts.yml").read_text())
    catalog = load_catalog(ROOT / "catalog/services")
    inputs = views(group_vars)
    inventory = {**inputs["planner"], "hosts": {"media1": sorted(["mediastack", *hosts["mediastack"]["children"]])}}
    return build_plan(catalog, inventory)


@pytest.fixture(scope="module", name="rendered")
def fixture_rendered():
    plan = single_host_plan()
    document = authelia_configuration(plan)
    # What `make render` writes: the same document through to_nice_yaml.
    return yaml.safe_load(yaml.safe_dump(document)), traefik_dynamic(plan)


@pytest.fixture(name="rendered_app")
def fixture_rendered_app(rendered):
    users = {
        "users": {
            "alice": {"displayname": "Alice", "password": "$plaintext$a", "groups": ["admins", "users"]},
            "viewer": {"displayname": "Viewer", "password": "$plaintext$v", "groups": ["users"]},
        }
    }
    return standin.App(standin.parse_configuration(rendered[0]), standin.parse_users(users), log=lambda _line: None)


def test_test_configurations_match_the_upstream_schemas(rendered):
    validate(rendered[0], "authelia-configuration.schema.json")
    validate(EXAMPLE, "authelia-configuration.schema.json")
    validate(USERS, "authelia-user-database.schema.json")


def test_traefik_middleware_calls_the_endpoint_and_forwards_the_headers_the_standin_sets(rendered):
    document, dynamic = rendered
    forward_auth = dynamic["middlewares"]["http"]["middlewares"]["authelia"]["forwardAuth"]
    address = urlsplit(forward_auth["address"])
    assert address.path == standin.AUTHZ_PATH
    assert address.port == standin.parse_configuration(document).listen[1]
    # Traefik sets the X-Forwarded-* the stand-in reads from the request it received itself; a
    # client's own are believed only from a front proxy the inventory names (test_traefik_edge.py).
    assert forward_auth["trustForwardHeader"] is False
    assert set(forward_auth["authResponseHeaders"]) <= set(standin.REMOTE_HEADERS)


@pytest.mark.parametrize(
    ("session", "request_line", "status"),
    [
        (None, "GET sonarr /api/v3/series?includeSeasonImages=false", 200),
        (None, "GET sonarr /ping", 200),
        (None, "GET sonarr /", 302),
        (None, "GET sonarr /api/../settings", 302),
        (None, "GET auth /", 200),
        (None, "POST auth /api/firstfactor", 200),
        (None, "POST jellyfin /Users/AuthenticateByName", 200),
        (None, "POST jellyfin /users/authenticatebyname", 200),
        (None, "GET jellyfin /web/", 302),
        (("viewer", U1), "GET jellyfin /web/", 200),
        (("viewer", U1), "GET sonarr /", 403),
        (("alice", U1), "GET sonarr /", 302),
        (("alice", U2), "GET sonarr /", 200),
        (("viewer", U1), "GET home /", 200),
        (("viewer", U2), "GET grafana /", 403),
        (None, "GET unknown /", 403),
    ],
    ids=[
        "sonarr-api-bypass",
        "sonarr-ping-bypass",
        "sonarr-ui-anonymous-to-portal",
        "sonarr-api-dotdot-not-bypassed",
        "auth-portal-bypass",
        "auth-portal-api-bypass",
        "jellyfin-api-bypass",
        "jellyfin-api-bypass-any-case",
        "jellyfin-web-anonymous-to-portal",
        "jellyfin-web-user",
        "sonarr-ui-not-for-users",
        "sonarr-ui-admin-needs-two-factor",
        "sonarr-ui-admin-two-factor",
        "home-any-signed-in-user",
        "grafana-admins-only",
        "unrouted-subdomain-default-deny",
    ],
)
def test_rendered_single_host_routes(rendered_app, session, request_line, status):
    method, host, uri = request_line.split()
    extra = {}
    if session:
        key = rendered_app.sessions.create(*session, "media.example.com")
        extra["Cookie"] = f"authelia_session={key}"
    with serving(rendered_app) as address:
        response = authz(address, f"{host}.media.example.com", uri, method, **extra)
    assert response.status == status
    if status == 302:
        assert response.headers["location"].startswith("https://auth.media.example.com/?rd=https%3A%2F%2F")


def test_rendered_portal_login_sets_the_cookie_for_the_platform_domain(rendered_app):
    rendered_app.allow_plain = True
    with serving(rendered_app) as address:
        cookie = login(address, "viewer", "v", portal="auth.media.example.com")
        response = authz(address, "audiobookshelf.media.example.com", Cookie=cookie)
    assert (response.status, response.headers["remote-groups"]) == (200, "users")


# -- the program -------------------------------------------------------------------------------
def write_config(folder: Path, document: dict) -> Path:
    """configuration.yml and users_database.yml in ``folder``; returns the configuration's path."""
    (folder / "users_database.yml").write_text(yaml.safe_dump(USERS), encoding="utf-8")
    document = {**document, "authentication_backend": {"file": {"path": str(folder / "users_database.yml")}}}
    path = folder / "configuration.yml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"access_control": {"rules": [{"domain": "a.example.com", "policy": "allow"}]}}, "option 'policy'"),
        ({"access_control": {"rules": [["a.example.com", "bypass"]]}}, "rule #1 must be a mapping"),
        ({"server": {"address": "unix:///run/authelia.sock"}}, "server: option 'address'"),
        ({"session": {"domain": "example.com"}}, "session: option 'cookies'"),
    ],
    ids=["unknown-policy", "malformed-rule", "unix-socket", "legacy-session-domain"],
)
def test_the_program_stops_with_one_line_and_status_2(tmp_path, change, message):
    path = write_config(tmp_path, {**EXAMPLE, **change})
    result = subprocess.run(
        [sys.executable, str(STANDIN), "--config", str(path), "--check"],
        capture_output=True, text=True, timeout=10, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"authelia stand-in: {path}: ")
    assert message in result.stderr


def test_the_schema_option_also_refuses_what_the_upstream_schema_refuses(tmp_path):
    """The parser reads only the sections it needs; --schema catches the rest, e.g. a misspelt section."""
    path = write_config(tmp_path, {**EXAMPLE, "sesion": {"inactivity": "5m"}})
    command = [sys.executable, str(STANDIN), "--config", str(path), "--check"]
    assert subprocess.run(command, capture_output=True, timeout=10, check=False).returncode == 0
    schema = str(SPECS / "authelia-configuration.schema.json")
    result = subprocess.run([*command, "--schema", schema], capture_output=True, text=True, timeout=10, check=False)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert "does not match the schema" in result.stderr
    assert "'sesion' was unexpected" in result.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_program_serves_on_server_address_and_logs_each_decision(tmp_path):
    port = free_port()
    path = write_config(tmp_path, {**EXAMPLE, "server": {"address": f"tcp://127.0.0.1:{port}/"}})
    process = subprocess.Popen(
        [sys.executable, str(STANDIN), "--config", str(path), "--state", str(tmp_path / "absent.yml")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 5
        while True:
            try:
                assert call(("127.0.0.1", port), "GET", "/api/health").status == 200
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "the stand-in did not start"
                time.sleep(0.05)
        assert authz(("127.0.0.1", port), "auth.example.com").status == 200
    finally:
        process.terminate()
        stdout, stderr = process.communicate(timeout=5)
    assert process.returncode == 0, stderr
    assert f"listening on 127.0.0.1:{port} with 5 rules" in stdout
    assert "rule=#2 policy=bypass status=200 result=authorized" in stdout
