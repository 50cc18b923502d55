"""A stand-in for Authelia 4.39 in Traefik's forward-auth flow, for the lab.

Authelia itself cannot be fetched on the lab machines, so the lab runs this program in its place. It
reads the ``configuration.yml`` the collection generates and answers Traefik's forward-auth requests
by evaluating ``access_control`` the way Authelia documents it. Standard library plus PyYAML (Debian's
``python3-yaml``) only::

    python3 authelia.py [--config /config/configuration.yml] [--state /config/standin-state.yml]
                        [--listen HOST:PORT] [--schema configuration.json] [--check]

It listens on ``server.address`` (``tcp://:9091/``) unless ``--listen`` says otherwise, logs one line
per decision to stdout, and stops with one line on stderr and exit status 2 on a configuration it does
not understand (unknown policy, malformed rule, unsupported option). ``--schema`` also checks the file
against Authelia's published JSON schema (needs ``jsonschema``); ``--check`` stops after loading.

What it implements, and the Authelia documentation page each part follows:

* Access control (pure functions ``parse_access_control``, ``rule_matches``, ``decide``, ``outcome``):
  "Configuration > Security > Access Control" -- rules in order, first full match decides, else
  ``default_policy`` ("Rule Matching Concept 1: Sequential Order", "Policies"); criteria ``domain``
  (exact, ``*.``, ``{user}.``, ``{group}.``, case-insensitive), ``domain_regex`` and ``resources``
  (with the ``User``/``Group`` "Named Regex Groups"), ``resources`` against path and query, ``subject``
  (OR of AND lists), ``networks`` (named networks, CIDRs, addresses; first ``X-Forwarded-For`` entry),
  ``methods``, ``query``; "Rule Matching Concept 2: Subject Criteria Requires Authentication" -- for an
  anonymous user a rule whose other criteria match is a potential match and decides, and the user is
  sent to authenticate ("authelia access-control check-policy": "A rule that potentially matches a
  request will cause a redirection to occur in order to perform one-factor authentication"); a deny
  reached only potentially is therefore a redirection, not a 403. Operators and list-of-lists forms
  from "Reference > Guides > Access Control Rule Guide".
* Forward-auth endpoint ``/api/authz/forward-auth`` (``forward_auth``): "Reference > Guides > Proxy
  Authorization" (ForwardAuth metadata: ``X-Forwarded-Method``, ``-Proto``, ``-Host``, ``-URI``,
  ``-For``; ``authelia_url`` from the session cookie configuration or the ``authelia_url`` query
  argument); "Integration > Proxies > Introduction" (Response Statuses and Response Headers: 200 with
  the ``Remote-*`` headers of "Trusted Header SSO", 302 for GET/OPTIONS, 303 otherwise, 401 for an
  XMLHttpRequest, each with ``Location``; 403 when denied); the ``Location`` form
  ``https://auth.example.com/?rd=<target URL>&rm=<method>`` from "Reference > Guides > Validating
  Forwarded Authentication". Where Authelia 4.39 is more specific than those pages, the stand-in
  follows 4.39: HEAD gets the 302 too (without a body; the page lists only GET and OPTIONS), a
  request whose ``Accept`` takes neither ``text/html`` nor ``*/*`` first also gets the 401, and a
  target that is not https, lies outside every ``session.cookies[].domain`` or lacks the forwarded
  headers gets 400.
* Sessions ("Configuration > Session > Introduction"): ``POST /api/firstfactor`` with JSON
  ``{"username", "password"}`` checks the file backend's users (``authentication_backend.file.path``)
  and sets the ``session.cookies[].name`` cookie (default ``authelia_session``) for that cookie's
  domain, at level one factor. ``POST /api/secondfactor/totp`` with ``{"token"}`` raises it to two
  factors: RFC 6238 TOTP (``totp.period``/``digits``/``algorithm``/``skew``, defaults 30/6/sha1/1)
  against a per-user base32 secret from this stand-in's own state file (``totp: {USER: SECRET}``);
  a lab test computes the code with ``totp_code``. ``GET /api/state``, ``POST /api/logout``,
  ``GET /api/health`` (``{"status":"OK"}``; 503 while a store the configuration names, the
  PostgreSQL of ``storage.postgres.address`` or the Redis of ``session.redis``, refuses a
  connection), and a placeholder page for the portal's other paths.
* Passwords: argon2 digests (what the collection writes) are checked with ``argon2-cffi``
  (Debian: ``python3-argon2``) when it can be imported, and refused otherwise. A digest of the form
  ``$plain$<password>`` (or ``$plaintext$<password>``, the form Authelia's user-database schema
  allows) is accepted ONLY when the environment variable ``STANDIN_ALLOW_PLAIN=1`` is set: a lab
  convenience that must never reach a real users file.

Not modelled: other authentication backends, Proxy-Authorization (Basic) credentials, session
expiry and inactivity, regulation (bans), WebAuthn/Duo, OpenID Connect, and the portal's web UI.
"""

from __future__ import annotations

import argparse
import base64
import hmac
import html
import ipaddress
import json
import os
import re
import secrets
import signal
import struct
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlencode, urlsplit, urlunsplit

import yaml

try:  # imported as tests.lab.standins.authelia
    from . import standin as _standin
except ImportError:  # run as a program, beside standin.py (in the image: /opt/standin/)
    import standin as _standin

POLICIES = ("bypass", "one_factor", "two_factor", "deny")
ANONYMOUS, ONE_FACTOR, TWO_FACTOR = 0, 1, 2
LEVEL_NAMES = {ANONYMOUS: "anonymous", ONE_FACTOR: "one_factor", TWO_FACTOR: "two_factor"}
AUTHORIZED, UNAUTHORIZED, FORBIDDEN = "authorized", "unauthorized", "forbidden"

# The method verbs the Access Control page lists: RFC 7231, RFC 5789 (PATCH), RFC 4918 (WebDAV).
METHODS = frozenset(
    {
        *("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"),
        *("PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK"),
    }
)
QUERY_OPERATORS = ("equal", "not equal", "present", "absent", "pattern", "not pattern")
RULE_OPTIONS = frozenset({"domain", "domain_regex", "policy", "subject", "networks", "resources", "methods", "query"})
IDENTITY_GROUPS = ("User", "Group")
DEFAULT_COOKIE_NAME = "authelia_session"
PLAIN_PREFIXES = ("$plain$", "$plaintext$")
REMOTE_HEADERS = ("Remote-User", "Remote-Groups", "Remote-Name", "Remote-Email")
AUTHZ_PATH = "/api/authz/forward-auth"
MESSAGE_FIRST_FACTOR_FAILED = "Authentication failed. Check your credentials."
MESSAGE_SECOND_FACTOR_FAILED = "Authentication failed, please retry later."

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class ConfigError(ValueError):
    """A configuration, users file or state file the stand-in does not understand."""


# -- access control: data ------------------------------------------------------------------
@dataclass(frozen=True)
class Subject:
    """Who asks: Authelia's subject is anonymous when it has neither a username nor groups."""

    username: str = ""
    groups: tuple[str, ...] = ()
    ip: IPAddress | None = None

    @property
    def anonymous(self) -> bool:
        return not self.username and not self.groups


@dataclass(frozen=True)
class Target:
    """What is asked for: the request's method, its URL, and what the criteria look at."""

    method: str
    url: str
    scheme: str
    host: str  # lower case, without port
    resource: str  # the cleaned path plus "?" and the raw query when there is one
    query: Mapping[str, list[str]]


@dataclass(frozen=True)
class QueryCheck:
    key: str
    operator: str
    value: str | re.Pattern | None = None


@dataclass(frozen=True)
class Rule:
    """One ``access_control.rules`` entry; ``position`` counts from 1, as Authelia's messages do."""

    position: int
    policy: str
    domains: tuple[str, ...] = ()
    domain_regex: tuple[re.Pattern, ...] = ()
    resources: tuple[re.Pattern, ...] = ()
    subjects: tuple[tuple[str, ...], ...] = ()
    networks: tuple[IPNetwork, ...] = ()
    methods: frozenset[str] = frozenset()
    query: tuple[tuple[QueryCheck, ...], ...] = ()

    @property
    def has_subject(self) -> bool:
        """Whether matching needs to know the user ("Rule Matching Concept 2" lists what counts)."""
        return (
            bool(self.subjects)
            or any(name.startswith(("{user}.", "{group}.")) for name in self.domains)
            or any(_identity_groups(pattern) for pattern in (*self.domain_regex, *self.resources))
        )


@dataclass(frozen=True)
class AccessControl:
    default_policy: str
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Decision:
    """The policy that applies; ``position`` is None when ``default_policy`` applied."""

    policy: str
    position: int | None
    has_subject: bool

    @property
    def rule(self) -> str:
        return "default" if self.position is None else f"#{self.position}"


# -- access control: parsing ---------------------------------------------------------------
def _strings(value: object, where: str) -> tuple[str, ...]:
    """A criterion given as one string or a list of strings (both forms are documented)."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise ConfigError(f"{where} must be a string or a non-empty list of strings, not {value!r}")


_CLASS_OR_ESCAPE = re.compile(r"\\.|\[\^?\]?(?:\\.|[^\]])*\]|.", re.DOTALL)


def _go_regex(source: str, where: str) -> re.Pattern:
    """Compile a pattern the way Go's RE2 reads it, as Authelia does ("regex101, Golang option").

    RE2 has no look-around and no backreferences: such a pattern stops Authelia, so it stops the
    stand-in too. Without the ``m`` flag RE2's ``$`` matches only at the very end of the text
    (Python's also before a final newline), so it becomes ``\\Z``; RE2's ``\\z`` is Python's ``\\Z``.
    """
    if re.search(r"\(\?<?[=!]", source) or re.search(r"(?<!\\)(?:\\\\)*\\[1-9]", source):
        raise ConfigError(f"{where}: {source!r} uses look-around or a backreference, which Go's RE2 rejects")
    multiline = re.search(r"\(\?[a-zA-Z]*m[a-zA-Z]*[):]", source) is not None
    translated = []
    for piece in _CLASS_OR_ESCAPE.findall(source):
        end_of_text = (piece == "$" and not multiline) or piece == r"\z"
        translated.append(r"\Z" if end_of_text else piece)
    try:
        return re.compile("".join(translated))
    except re.error as error:
        raise ConfigError(f"{where}: {source!r} is not a valid regular expression: {error}") from error


def _identity_groups(pattern: re.Pattern) -> bool:
    return any(name in pattern.groupindex for name in IDENTITY_GROUPS)


def _networks(value: object, named: Mapping[str, tuple[IPNetwork, ...]], where: str) -> tuple[IPNetwork, ...]:
    networks: list[IPNetwork] = []
    for entry in _strings(value, where):
        if entry in named:
            networks.extend(named[entry])
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as error:
            raise ConfigError(f"{where}: {entry!r} is neither an address, a CIDR range nor a named network") from error
    return tuple(networks)


def _subjects(value: object, where: str) -> tuple[tuple[str, ...], ...]:
    """``subject``: a string, or a list whose entries are strings or lists (OR of ANDs)."""
    entries = [value] if isinstance(value, str) else value
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{where} must be a string or a non-empty list, not {value!r}")
    subjects = []
    for entry in entries:
        group = []
        for item in _strings(entry, where):
            if item.startswith("oauth2:client:"):
                raise ConfigError(f"{where}: {item!r}: OAuth 2.0 client subjects are not supported by the stand-in")
            kind, name = item.split(":", 1) if ":" in item else ("", "")
            if kind not in ("user", "group") or not name.strip():
                raise ConfigError(f"{where}: {item!r} must start with 'user:' or 'group:' and name one")
            group.append(f"{kind}:{name.strip()}")
        subjects.append(tuple(group))
    return tuple(subjects)


def _query(value: object, where: str) -> tuple[tuple[QueryCheck, ...], ...]:
    """``query``: a list of AND lists of ``{key, value, operator}`` (an AND list of one may be bare)."""
    if not isinstance(value, list) or not value:
        raise ConfigError(f"{where} must be a non-empty list")
    alternatives = []
    for entry in value:
        checks = []
        for item in entry if isinstance(entry, list) else [entry]:
            if not isinstance(item, dict) or set(item) - {"key", "value", "operator"}:
                raise ConfigError(f"{where}: {item!r} must be a mapping of key, value and operator")
            key, given = item.get("key"), item.get("value")
            if not isinstance(key, str) or not key:
                raise ConfigError(f"{where}: option 'key' is required but it's absent")
            operator = item.get("operator") or ("present" if given in (None, "") else "equal")
            if operator not in QUERY_OPERATORS:
                raise ConfigError(f"{where}: operator must be one of {', '.join(QUERY_OPERATORS)}, not {operator!r}")
            if operator in ("present", "absent"):
                if given not in (None, ""):
                    raise ConfigError(f"{where}: option 'value' must not be present with operator {operator!r}")
                checks.append(QueryCheck(key, operator))
                continue
            if not isinstance(given, str):
                raise ConfigError(f"{where}: option 'value' must be a string with operator {operator!r}")
            checks.append(QueryCheck(key, operator, _go_regex(given, where) if "pattern" in operator else given))
        alternatives.append(tuple(checks))
    return tuple(alternatives)


def _rule(position: int, raw: object, named: Mapping[str, tuple[IPNetwork, ...]]) -> Rule:
    where = f"access_control: rule #{position}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a mapping, not {raw!r}")
    if raw.get("domain"):
        where += f" (domain '{','.join(_strings(raw['domain'], where + ': domain'))}')"
    unknown = sorted(set(raw) - RULE_OPTIONS)
    if unknown:
        raise ConfigError(f"{where}: unknown option(s) {', '.join(map(repr, unknown))}")
    policy = raw.get("policy")
    if policy not in POLICIES:
        raise ConfigError(f"{where}: option 'policy' must be one of {', '.join(POLICIES)}, not {policy!r}")
    if not raw.get("domain") and not raw.get("domain_regex"):
        raise ConfigError(f"{where}: option 'domain' or 'domain_regex' must be present but both are absent")
    methods = (
        frozenset(method.upper() for method in _strings(raw["methods"], where)) if "methods" in raw else frozenset()
    )
    if methods - METHODS:
        raise ConfigError(f"{where}: option 'methods' has unknown verbs {', '.join(sorted(methods - METHODS))}")

    def patterns(option: str) -> tuple[re.Pattern, ...]:
        return (
            tuple(_go_regex(source, f"{where}: {option}") for source in _strings(raw[option], where))
            if raw.get(option)
            else ()
        )

    rule = Rule(
        position=position,
        policy=policy,
        domains=tuple(name.lower() for name in _strings(raw["domain"], where)) if raw.get("domain") else (),
        domain_regex=patterns("domain_regex"),
        resources=patterns("resources"),
        subjects=_subjects(raw["subject"], f"{where}: subject") if "subject" in raw else (),
        networks=_networks(raw["networks"], named, f"{where}: networks") if "networks" in raw else (),
        methods=methods,
        query=_query(raw["query"], f"{where}: query") if "query" in raw else (),
    )
    # "subject ... may not be used for the bypass policy" (Access Control, subject and bypass).
    if policy == "bypass" and (rule.subjects or any(_identity_groups(p) for p in rule.domain_regex)):
        raise ConfigError(f"{where}: policy 'bypass' cannot be used with subject criteria")
    return rule


def parse_access_control(section: object) -> AccessControl:
    """``access_control`` -> AccessControl; ConfigError names the first thing not understood."""
    section = {} if section is None else section
    if not isinstance(section, dict):
        raise ConfigError("access_control must be a mapping")
    unknown = sorted(set(section) - {"default_policy", "networks", "rules"})
    if unknown:
        raise ConfigError(f"access_control: unknown option(s) {', '.join(map(repr, unknown))}")
    default_policy = section.get("default_policy") or "deny"
    if default_policy not in POLICIES:
        raise ConfigError(
            f"access_control: option 'default_policy' must be one of {', '.join(POLICIES)}, not {default_policy!r}"
        )
    named: dict[str, tuple[IPNetwork, ...]] = {}
    for entry in section.get("networks") or []:
        if not isinstance(entry, dict) or set(entry) != {"name", "networks"} or not isinstance(entry["name"], str):
            raise ConfigError(f"access_control: networks: {entry!r} must be a mapping of name and networks")
        named[entry["name"]] = _networks(entry["networks"], {}, f"access_control: networks: {entry['name']}")
    raw_rules = section.get("rules") or []
    if not isinstance(raw_rules, list):
        raise ConfigError("access_control: rules must be a list")
    if not raw_rules and default_policy not in ("one_factor", "two_factor"):
        raise ConfigError(
            f"access_control: 'default_policy' {default_policy!r} needs rules: with none it must be"
            " 'one_factor' or 'two_factor'"
        )
    return AccessControl(default_policy, tuple(_rule(i, raw, named) for i, raw in enumerate(raw_rules, start=1)))


# -- access control: matching --------------------------------------------------------------
def _clean_path(path: str) -> str:
    """Lexical clean of a decoded path, as Go's ``path.Clean`` does it (``.`` and ``..`` resolved)."""
    parts: list[str] = []
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if parts:
                parts.pop()
            continue
        parts.append(segment)
    return "/" + "/".join(parts)


def resource_of(path: str, raw_query: str) -> str:
    """What ``resources`` is matched against: the path and query (Authelia 4.27 and later).

    The path is percent-decoded and cleaned, keeping a trailing slash; the query stays as sent.
    """
    path = unquote(path) or "/"
    cleaned = path if path == "/" else _clean_path(path) + ("/" if len(path) > 1 and path.endswith("/") else "")
    return f"{cleaned}?{raw_query}" if raw_query else cleaned


def target_from_url(url: str, method: str = "GET") -> Target:
    parts = urlsplit(url)
    return Target(
        method=method.upper(),
        url=url,
        scheme=parts.scheme.lower(),
        host=(parts.hostname or "").lower(),
        resource=resource_of(parts.path, parts.query),
        query=parse_qs(parts.query, keep_blank_values=True),
    )


def _domain_matches(name: str, host: str, subject: Subject) -> bool:
    if name.startswith("*."):
        return host.endswith(name[1:])
    for wildcard in ("{user}", "{group}"):
        if name.startswith(wildcard + "."):
            suffix = name[len(wildcard) :]
            if subject.anonymous:
                return host.endswith(suffix) and len(host) > len(suffix)
            label, dot, rest = host.partition(".")
            if not dot or "." + rest != suffix:
                return False
            if wildcard == "{user}":
                return label == subject.username.lower()
            return label in {group.lower() for group in subject.groups}
    return host == name


def _pattern_matches(pattern: re.Pattern, text: str, subject: Subject) -> bool:
    """A regex criterion; ``User``/``Group`` named groups must equal the user or one of the groups."""
    found = pattern.search(text)
    if found is None:
        return False
    if subject.anonymous:
        return True
    named = found.groupdict()
    if "User" in named and (named["User"] or "").lower() != subject.username.lower():
        return False
    return "Group" not in named or (named["Group"] or "").lower() in {group.lower() for group in subject.groups}


def _query_matches(check: QueryCheck, query: Mapping[str, list[str]]) -> bool:
    first = (query.get(check.key) or [""])[0]
    if check.operator in ("present", "absent"):
        return (check.key in query) == (check.operator == "present")
    if check.operator in ("equal", "not equal"):
        return (first == check.value) == (check.operator == "equal")
    return (check.value.search(first) is not None) == (check.operator == "pattern")


def _subject_entry_matches(entry: str, subject: Subject) -> bool:
    kind, name = entry.split(":", 1)
    return name == subject.username if kind == "user" else name in subject.groups


def _address_in(ip: IPAddress | None, networks: tuple[IPNetwork, ...]) -> bool:
    if ip is None:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in network for network in networks)


def rule_matches(rule: Rule, subject: Subject, target: Target) -> bool:
    """Whether every criterion of ``rule`` matches ("A rule is matched when all criteria match").

    Lists within a criterion match when any entry matches. For an anonymous subject the ``subject``
    criterion (and ``{user}``/``{group}``/named groups) cannot be known and count as matching: the
    rule is a potential match (Rule Matching Concept 2).
    """
    domains = any(_domain_matches(name, target.host, subject) for name in rule.domains) or any(
        _pattern_matches(pattern, target.host, subject) for pattern in rule.domain_regex
    )
    return (
        domains
        and (not rule.resources or any(_pattern_matches(p, target.resource, subject) for p in rule.resources))
        and (not rule.query or any(all(_query_matches(c, target.query) for c in group) for group in rule.query))
        and (not rule.methods or target.method in rule.methods)
        and (not rule.networks or _address_in(subject.ip, rule.networks))
        and (
            not rule.subjects
            or subject.anonymous
            or any(all(_subject_entry_matches(entry, subject) for entry in group) for group in rule.subjects)
        )
    )


def decide(access_control: AccessControl, subject: Subject, target: Target) -> Decision:
    """The first matching rule's policy, else ``default_policy`` (Rule Matching Concept 1, Policies)."""
    for rule in access_control.rules:
        if rule_matches(rule, subject, target):
            return Decision(rule.policy, rule.position, rule.has_subject)
    return Decision(access_control.default_policy, None, False)


def outcome(decision: Decision, level: int) -> str:
    """AUTHORIZED, UNAUTHORIZED (authenticate first) or FORBIDDEN for a user at ``level``.

    ``bypass`` lets anyone in; ``one_factor`` and ``two_factor`` need that level at least
    ("Policies"); ``deny`` forbids, except that an anonymous user stopped by a rule with subject
    criteria is sent to authenticate, since whether the rule applies is not known yet.
    """
    if decision.policy == "bypass":
        return AUTHORIZED
    if decision.policy == "deny":
        return FORBIDDEN if level > ANONYMOUS or not decision.has_subject else UNAUTHORIZED
    needed = ONE_FACTOR if decision.policy == "one_factor" else TWO_FACTOR
    return AUTHORIZED if level >= needed else UNAUTHORIZED


# -- configuration, users, state -----------------------------------------------------------
@dataclass(frozen=True)
class Cookie:
    domain: str
    authelia_url: str = ""
    name: str = DEFAULT_COOKIE_NAME
    same_site: str = "lax"
    default_redirection_url: str = ""


@dataclass(frozen=True)
class Settings:
    access_control: AccessControl
    cookies: tuple[Cookie, ...]
    listen: tuple[str, int] = ("0.0.0.0", 9091)  # noqa: S104 - Authelia's tcp://:9091/ means every address
    base_path: str = ""
    users_path: str = "/config/users_database.yml"
    totp_period: int = 30
    totp_digits: int = 6
    totp_algorithm: str = "sha1"
    totp_skew: int = 1
    #: The stores the configuration names, as (option, host, port): the program opens them on
    #: every health check.
    stores: tuple[tuple[str, str, int], ...] = ()


@dataclass(frozen=True)
class User:
    username: str
    password: str
    displayname: str = ""
    email: str = ""
    groups: tuple[str, ...] = ()
    disabled: bool = False


_ADDRESS_RE = re.compile(r"^tcp[46]?://(?P<host>\[[^\]]*\]|[^:/\[\]]*)(?::(?P<port>\d+))?(?P<path>/[^?#]*)?$")


def _listen(address: object) -> tuple[str, int, str]:
    found = _ADDRESS_RE.match(address) if isinstance(address, str) else None
    if found is None:
        raise ConfigError(f"server: option 'address' {address!r} is not a tcp://[host]:port/[path] address")
    host = found["host"].strip("[]") or "0.0.0.0"  # noqa: S104 - an empty host means every address
    return host, int(found["port"] or 9091), (found["path"] or "/").rstrip("/")


def store_connections(document: Mapping) -> tuple[tuple[str, str, int], ...]:
    """The connections the configuration names: PostgreSQL (``storage.postgres.address``, port 5432
    unless it says) and Redis (``session.redis.host`` and ``port``, 6379 unless it says)."""
    found = []
    postgres = ((document.get("storage") or {}).get("postgres") or {}).get("address")
    match = _ADDRESS_RE.match(postgres) if isinstance(postgres, str) else None
    if match and match["host"].strip("[]"):
        found.append(("storage.postgres.address", match["host"].strip("[]"), int(match["port"] or 5432)))
    redis = (document.get("session") or {}).get("redis") or {}
    if isinstance(redis, dict) and isinstance(redis.get("host"), str) and redis["host"]:
        found.append(("session.redis.host", redis["host"], int(redis.get("port") or 6379)))
    return tuple(found)


def _https_under(url: str, domain: str) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return parts.scheme == "https" and (host == domain or host.endswith("." + domain))


def _cookies(session: object) -> tuple[Cookie, ...]:
    if not isinstance(session, dict) or not session.get("cookies"):
        raise ConfigError("session: option 'cookies' is required by the stand-in (session.domain is not supported)")
    default_name = session.get("name") or DEFAULT_COOKIE_NAME
    default_same_site = session.get("same_site") or "lax"
    cookies = []
    for index, entry in enumerate(session["cookies"], start=1):
        where = f"session: cookies: #{index}"
        if not isinstance(entry, dict) or not isinstance(entry.get("domain"), str) or not entry["domain"]:
            raise ConfigError(f"{where}: option 'domain' is required")
        domain = entry["domain"].lower().lstrip(".")
        for option in ("authelia_url", "default_redirection_url"):
            if entry.get(option) and not _https_under(entry[option], domain):
                raise ConfigError(f"{where}: option {option!r} must be an https:// URL on {domain} or below")
        cookies.append(
            Cookie(
                domain=domain,
                authelia_url=entry.get("authelia_url") or "",
                name=entry.get("name") or default_name,
                same_site=entry.get("same_site") or default_same_site,
                default_redirection_url=entry.get("default_redirection_url") or "",
            )
        )
    return tuple(cookies)


def parse_configuration(document: object) -> Settings:
    """Authelia's ``configuration.yml`` (as loaded) -> Settings; ConfigError when not understood."""
    if not isinstance(document, dict):
        raise ConfigError("the configuration must be a mapping")
    backend = document.get("authentication_backend") or {}
    if not isinstance(backend, dict) or set(backend) - {
        "file",
        "password_change",
        "password_reset",
        "refresh_interval",
    }:
        raise ConfigError("authentication_backend: only the file backend is supported by the stand-in")
    users_path = (backend.get("file") or {}).get("path")
    if not isinstance(users_path, str) or not users_path:
        raise ConfigError("authentication_backend: file: option 'path' is required")
    host, port, base_path = _listen((document.get("server") or {}).get("address") or "tcp://:9091/")
    totp = document.get("totp") or {}
    algorithm = str(totp.get("algorithm", "sha1")).lower()
    if algorithm not in ("sha1", "sha256", "sha512") or totp.get("digits", 6) not in (6, 8):
        raise ConfigError("totp: algorithm must be sha1, sha256 or sha512 and digits 6 or 8")
    return Settings(
        access_control=parse_access_control(document.get("access_control")),
        cookies=_cookies(document.get("session")),
        listen=(host, port),
        base_path=base_path,
        users_path=users_path,
        totp_period=int(totp.get("period", 30)),
        totp_digits=int(totp.get("digits", 6)),
        totp_algorithm=algorithm,
        totp_skew=int(totp.get("skew", 1)),
        stores=store_connections(document),
    )


def _load_yaml(path: str | Path, what: str) -> object:
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{what} {path}: {error.strerror}") from error
    except yaml.YAMLError as error:
        raise ConfigError(f"{what} {path}: not YAML: {' '.join(str(error).split())}") from error


def load_configuration(path: str | Path, schema: str | Path | None = None) -> Settings:
    """Read and parse ``configuration.yml``; with ``schema``, validate it against that first."""
    document = _load_yaml(path, "configuration")
    try:
        if schema is not None:
            check_schema(document, schema)
        return parse_configuration(document)
    except ConfigError as error:
        raise ConfigError(f"{path}: {error}") from error


def check_schema(document: object, schema_path: str | Path) -> None:
    """Validate against Authelia's JSON schema (``docs/static/schemas/v4.39/json-schema``)."""
    try:
        import jsonschema  # noqa: PLC0415 - optional: only --schema needs it
    except ImportError as error:
        raise ConfigError("--schema needs the jsonschema package (Debian: python3-jsonschema)") from error
    schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
    error = jsonschema.exceptions.best_match(jsonschema.validators.validator_for(schema)(schema).iter_errors(document))
    if error is not None:
        where = ".".join(str(part) for part in error.path) or "(top)"
        raise ConfigError(f"does not match the schema {schema_path} at {where}: {' '.join(error.message.split())}")


def parse_users(document: object) -> dict[str, User]:
    """The file backend's users database: ``users: {NAME: {password, displayname, email, groups}}``."""
    if not isinstance(document, dict) or not isinstance(document.get("users"), dict):
        raise ConfigError("users database: a mapping with 'users' is required")
    users = {}
    for name, entry in document["users"].items():
        if not isinstance(entry, dict) or not isinstance(entry.get("password"), str):
            raise ConfigError(f"users database: user {name!r} needs a password digest")
        groups = entry.get("groups") or []
        if not isinstance(groups, list) or not all(isinstance(group, str) for group in groups):
            raise ConfigError(f"users database: user {name!r}: groups must be a list of names")
        users[str(name)] = User(
            username=str(name),
            password=entry["password"],
            displayname=str(entry.get("displayname") or ""),
            email=str(entry.get("email") or ""),
            groups=tuple(groups),
            disabled=bool(entry.get("disabled", False)),
        )
    return users


def load_users(path: str | Path) -> dict[str, User]:
    try:
        return parse_users(_load_yaml(path, "users database"))
    except ConfigError as error:
        raise ConfigError(f"{path}: {error}") from error


def load_state(path: str | Path | None) -> dict[str, str]:
    """The stand-in's own state: ``totp: {USER: BASE32 SECRET}``; a missing file means none."""
    if path is None or not Path(path).is_file():
        return {}
    document = _load_yaml(path, "state file") or {}
    secrets_by_user = document.get("totp") if isinstance(document, dict) else None
    if not isinstance(secrets_by_user, dict) or not all(isinstance(v, str) for v in secrets_by_user.values()):
        raise ConfigError(f"state file {path}: 'totp' must map usernames to base32 secrets")
    for user, secret in secrets_by_user.items():
        try:
            _secret_bytes(secret)
        except ValueError as error:
            raise ConfigError(f"state file {path}: the TOTP secret of {user!r} is not base32") from error
    return {str(user): secret for user, secret in secrets_by_user.items()}


# -- credentials ---------------------------------------------------------------------------
def check_password(digest: str, password: str, *, allow_plain: bool = False) -> tuple[bool, str]:
    """(matches, why not); argon2 through argon2-cffi, plain digests only when allowed."""
    if digest.startswith(PLAIN_PREFIXES):
        if allow_plain:
            same = hmac.compare_digest(digest.split("$", 2)[2].encode(), password.encode())
            return same, "" if same else "wrong password"
        return False, "plain password digests need STANDIN_ALLOW_PLAIN=1"
    if digest.startswith("$argon2"):
        return _check_argon2(digest, password)
    return False, "unsupported password digest"


def _check_argon2(digest: str, password: str) -> tuple[bool, str]:
    try:
        import argon2  # noqa: PLC0415 - optional: argon2-cffi (Debian: python3-argon2)
    except ImportError:
        return False, "argon2 digests need argon2-cffi (Debian: python3-argon2)"
    try:
        return argon2.PasswordHasher().verify(digest, password), ""
    except argon2.exceptions.InvalidHashError:
        return False, "malformed argon2 digest"
    except argon2.exceptions.VerificationError:
        return False, "wrong password"


def _secret_bytes(secret: str) -> bytes:
    text = secret.replace(" ", "").upper()
    return base64.b32decode(text + "=" * (-len(text) % 8))


def totp_code(secret: str, moment: float, *, period: int = 30, digits: int = 6, algorithm: str = "sha1") -> str:
    """RFC 6238 TOTP (RFC 4226 HOTP over the time step) for a base32 ``secret`` at ``moment``."""
    counter = int(moment // period)
    mac = hmac.new(_secret_bytes(secret), struct.pack(">Q", counter), algorithm).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def totp_accepts(secret: str, token: str, moment: float, settings: Settings) -> bool:
    """Whether ``token`` is the code of this step or of ``totp.skew`` steps either side."""
    steps = range(-settings.totp_skew, settings.totp_skew + 1)
    options = {"period": settings.totp_period, "digits": settings.totp_digits, "algorithm": settings.totp_algorithm}
    return any(
        hmac.compare_digest(totp_code(secret, moment + step * settings.totp_period, **options), token) for step in steps
    )


# -- sessions ------------------------------------------------------------------------------
@dataclass
class Session:
    username: str
    level: int
    domain: str


class SessionStore:
    """In-memory sessions by cookie value (Authelia keeps them in memory or Redis)."""

    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def create(self, username: str, level: int, domain: str) -> str:
        key = secrets.token_urlsafe(24)
        with self._lock:
            self._sessions[key] = Session(username, level, domain)
        return key

    def get(self, key: str | None, domain: str) -> Session | None:
        with self._lock:
            session = self._sessions.get(key or "")
        return session if session is not None and session.domain == domain else None

    def drop(self, key: str | None) -> None:
        with self._lock:
            self._sessions.pop(key or "", None)


# -- requests and replies ------------------------------------------------------------------
@dataclass(frozen=True)
class Reply:
    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


def _text(status: int) -> Reply:
    """Authelia's plain replies: ``<code> <reason>`` as text/plain."""
    phrase = HTTPStatus(status).phrase
    return Reply(status, (("Content-Type", "text/plain; charset=utf-8"),), f"{status} {phrase}".encode())


def _json(status: int, payload: object, *headers: tuple[str, str]) -> Reply:
    return Reply(status, (("Content-Type", "application/json; charset=utf-8"), *headers), json.dumps(payload).encode())


def _cookie_values(header: str) -> dict[str, str]:
    values = {}
    for part in header.split(";"):
        name, equals, value = part.strip().partition("=")
        if equals and name not in values:
            values[name] = value
    return values


def _client_ip(headers: Mapping[str, str], peer: str) -> IPAddress | None:
    """The first X-Forwarded-For address, else the connection's address (Access Control, networks)."""
    for candidate in (headers.get("x-forwarded-for", "").split(",")[0].strip(), peer):
        try:
            return ipaddress.ip_address(candidate)
        except ValueError:
            continue
    return None


def cookie_for(settings: Settings, host: str) -> Cookie | None:
    """The session cookie configuration whose domain is ``host`` or one of its parents."""
    host = host.lower()
    return next((c for c in settings.cookies if host == c.domain or host.endswith("." + c.domain)), None)


def redirection_url(authelia_url: str, target_url: str, method: str) -> str:
    """The portal URL with ``rd`` (the original URL) and ``rm`` (its method) as query arguments."""
    parts = urlsplit(authelia_url)
    arguments = parse_qs(parts.query, keep_blank_values=True)
    arguments["rd"] = [target_url]
    if method:
        arguments["rm"] = [method]
    query = urlencode(sorted(arguments.items()), doseq=True)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, ""))


def _accepts_html(accept: str) -> bool:
    kinds = [entry.split(";", 1)[0].strip() for entry in accept.split(",")]
    return "text/html" in kinds or kinds[0] == "*/*"


@dataclass(frozen=True)
class Identity:
    user: User | None
    level: int


def forward_auth(
    settings: Settings,
    headers: Mapping[str, str],
    query: Mapping[str, str],
    identity: Callable[[Cookie], Identity],
    peer: str = "",
) -> tuple[Reply, str]:
    """Answer one ForwardAuth request; returns the reply and the decision's log line.

    ``headers`` has lower-case names. ``identity`` gives the user and level of the session the
    request's cookie names for the target's cookie domain.
    """
    method = headers.get("x-forwarded-method", "")
    url = f"{headers.get('x-forwarded-proto', 'http')}://{headers.get('x-forwarded-host', '')}"
    url += headers.get("x-forwarded-uri", "")

    def refused(reason: str) -> tuple[Reply, str]:
        return _text(400), f"decision method={method or '-'} url={url} status=400 reason={reason!r}"

    if not headers.get("x-forwarded-host"):
        return refused("header 'X-Forwarded-Host' is empty")
    if not method or not re.fullmatch(r"[A-Z]+", method):
        return refused("header 'X-Forwarded-Method' is empty or has invalid characters")
    target = target_from_url(url, method)
    if target.scheme not in ("https", "wss"):
        return refused(f"insecure scheme {target.scheme!r}: only https and wss are supported")
    cookie = cookie_for(settings, target.host)
    if cookie is None:
        return refused("the target has no session cookies configuration")
    portal = query.get("authelia_url") or cookie.authelia_url
    if not portal or not _https_under(portal, cookie.domain):
        return refused(f"no Authelia URL on {cookie.domain} for the target")

    who = identity(cookie)
    user = who.user if who.user is not None and not who.user.disabled else None
    level = who.level if user is not None else ANONYMOUS
    subject = (
        Subject(user.username, user.groups, _client_ip(headers, peer))
        if user
        else Subject(ip=_client_ip(headers, peer))
    )
    decision = decide(settings.access_control, subject, target)
    result = outcome(decision, level)

    if result == AUTHORIZED:
        reply = _text(200)
        if user is not None:
            remote = (user.username, ",".join(user.groups), user.displayname, user.email)
            reply = Reply(200, reply.headers + tuple(zip(REMOTE_HEADERS, remote, strict=True)), reply.body)
    elif result == FORBIDDEN:
        reply = _text(403)
    else:
        location = redirection_url(portal, target.url, target.method)
        if headers.get("x-requested-with", "").lower() == "xmlhttprequest" or not _accepts_html(
            headers.get("accept", "")
        ):
            status = 401
        else:
            status = 302 if target.method in ("GET", "HEAD", "OPTIONS") else 303
        body = (
            b""
            if target.method == "HEAD"
            else f'<a href="{html.escape(location)}">{status} {HTTPStatus(status).phrase}</a>'.encode()
        )
        reply = Reply(status, (("Content-Type", "text/html; charset=utf-8"), ("Location", location)), body)

    line = (
        f"decision method={target.method} url={target.url} ip={subject.ip or '-'}"
        f" user={user.username if user else '<anonymous>'} level={LEVEL_NAMES[level]}"
        f" rule={decision.rule} policy={decision.policy} status={reply.status} result={result}"
    )
    return reply, line


PORTAL_PAGE = (
    b"<!DOCTYPE html><html><head><title>Login - Authelia</title></head>"
    b"<body><p>Authelia stand-in: sign in with POST /api/firstfactor.</p></body></html>"
)


class App:
    """The stand-in's endpoints as a function from request to Reply; the HTTP server only carries it."""

    #: Whether the health check opens the stores the configuration names: the program sets it; a
    #: test that serves the app in-process with a planned configuration leaves it off.
    check_stores = False

    def __init__(
        self,
        settings: Settings,
        users: Mapping[str, User],
        totp_secrets: Mapping[str, str] | None = None,
        *,
        allow_plain: bool = False,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings
        self.users = dict(users)
        self.totp_secrets = dict(totp_secrets or {})
        self.allow_plain = allow_plain
        self.log = log or (lambda line: print(line, flush=True))
        self.sessions = SessionStore()

    def handle(self, method: str, target: str, headers: Mapping[str, str], body: bytes = b"", peer: str = "") -> Reply:
        """One request: ``headers`` with lower-case names, ``target`` the request line's path."""
        parts = urlsplit(target)
        path = parts.path
        base = self.settings.base_path
        if base and (path == base or path.startswith(base + "/")):
            path = path[len(base) :] or "/"
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        routes: dict[str, tuple[tuple[str, ...], Callable[[], Reply]]] = {
            "/api/health": (("GET", "HEAD"), self._health),
            AUTHZ_PATH: ((), lambda: self._authz(headers, query, peer)),
            "/api/firstfactor": (("POST",), lambda: self._first_factor(headers, body)),
            "/api/secondfactor/totp": (("POST",), lambda: self._second_factor(headers, body)),
            "/api/state": (("GET",), lambda: self._state(headers)),
            "/api/logout": (("POST",), lambda: self._logout(headers)),
        }
        if path in routes:
            methods, answer = routes[path]
            return answer() if not methods or method in methods else _text(405)
        if path == "/api" or path.startswith("/api/"):
            return _text(404)
        if method not in ("GET", "HEAD"):
            return _text(405)
        return Reply(200, (("Content-Type", "text/html; charset=utf-8"),), PORTAL_PAGE)

    def _health(self) -> Reply:
        """OK while every store the configuration names accepts a connection; else 503 naming them."""
        problems = _standin.unreachable(self.settings.stores) if self.check_stores else []
        return _json(503, {"status": "KO", "unreachable": problems}) if problems else _json(200, {"status": "OK"})

    # The portal's own requests arrive through Traefik for the portal's host.
    def _portal_cookie(self, headers: Mapping[str, str]) -> Cookie:
        host = (headers.get("x-forwarded-host") or headers.get("host") or "").split(":")[0]
        return cookie_for(self.settings, host) or self.settings.cookies[0]

    @staticmethod
    def _session_key(headers: Mapping[str, str], cookie: Cookie) -> str | None:
        return _cookie_values(headers.get("cookie", "")).get(cookie.name)

    def _session(self, headers: Mapping[str, str], cookie: Cookie) -> Session | None:
        return self.sessions.get(self._session_key(headers, cookie), cookie.domain)

    def _identity(self, headers: Mapping[str, str], cookie: Cookie) -> Identity:
        session = self._session(headers, cookie)
        if session is None:
            return Identity(None, ANONYMOUS)
        return Identity(self.users.get(session.username), session.level)

    def _authz(self, headers: Mapping[str, str], query: Mapping[str, str], peer: str) -> Reply:
        reply, line = forward_auth(self.settings, headers, query, lambda c: self._identity(headers, c), peer)
        self.log(line)
        return reply

    def _redirect_data(self, cookie: Cookie, username: str, level: int, target_url: object) -> dict:
        """``data.redirect`` of a successful step: the target when now allowed, else the default URL."""
        if isinstance(target_url, str) and target_url:
            user = self.users[username]
            target = target_from_url(target_url)
            if _https_under(target_url, cookie.domain):
                decision = decide(self.settings.access_control, Subject(user.username, user.groups), target)
                if outcome(decision, level) == AUTHORIZED:
                    return {"data": {"redirect": target_url}}
            return {}
        return {"data": {"redirect": cookie.default_redirection_url}} if cookie.default_redirection_url else {}

    @staticmethod
    def _body(body: bytes) -> dict:
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            return {}
        return payload if isinstance(payload, dict) else {}

    def _first_factor(self, headers: Mapping[str, str], body: bytes) -> Reply:
        payload = self._body(body)
        username, password = payload.get("username"), payload.get("password")
        cookie = self._portal_cookie(headers)
        user = self.users.get(username) if isinstance(username, str) else None
        if user is None or user.disabled or not isinstance(password, str):
            ok, reason = False, "unknown or disabled user"
        else:
            ok, reason = check_password(user.password, password, allow_plain=self.allow_plain)
        if not ok:
            self.log(f"first-factor user={username!r} result=refused reason={reason!r}")
            return _json(401, {"status": "KO", "message": MESSAGE_FIRST_FACTOR_FAILED})
        self.sessions.drop(self._session_key(headers, cookie))
        key = self.sessions.create(user.username, ONE_FACTOR, cookie.domain)
        self.log(f"first-factor user={user.username} result=one_factor domain={cookie.domain}")
        set_cookie = f"{cookie.name}={key}; Domain={cookie.domain}; Path=/; HttpOnly; Secure"
        set_cookie += f"; SameSite={cookie.same_site.title()}"
        data = self._redirect_data(cookie, user.username, ONE_FACTOR, payload.get("targetURL"))
        return _json(200, {"status": "OK", **data}, ("Set-Cookie", set_cookie))

    def _second_factor(self, headers: Mapping[str, str], body: bytes) -> Reply:
        payload = self._body(body)
        cookie = self._portal_cookie(headers)
        session = self._session(headers, cookie)
        if session is None:
            return _text(403)
        secret = self.totp_secrets.get(session.username)
        token = payload.get("token")
        if secret is None or not isinstance(token, str) or not totp_accepts(secret, token, time.time(), self.settings):
            self.log(f"second-factor user={session.username} result=refused")
            return _json(401, {"status": "KO", "message": MESSAGE_SECOND_FACTOR_FAILED})
        session.level = TWO_FACTOR
        self.log(f"second-factor user={session.username} result=two_factor")
        data = self._redirect_data(cookie, session.username, TWO_FACTOR, payload.get("targetURL"))
        return _json(200, {"status": "OK", **data})

    def _state(self, headers: Mapping[str, str]) -> Reply:
        cookie = self._portal_cookie(headers)
        session = self._session(headers, cookie)
        data = {
            "username": session.username if session else "",
            "authentication_level": session.level if session else ANONYMOUS,
            "default_redirection_url": cookie.default_redirection_url,
        }
        return _json(200, {"status": "OK", "data": data})

    def _logout(self, headers: Mapping[str, str]) -> Reply:
        cookie = self._portal_cookie(headers)
        self.sessions.drop(self._session_key(headers, cookie))
        expired = f"{cookie.name}=; Domain={cookie.domain}; Path=/; Max-Age=0; HttpOnly; Secure"
        return _json(200, {"status": "OK"}, ("Set-Cookie", expired))


# -- HTTP ----------------------------------------------------------------------------------
class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "authelia-standin"
    sys_version = ""

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            headers.setdefault(name.lower(), value)
        reply = self.server.app.handle(self.command, self.path, headers, body, self.client_address[0])
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _serve

    def log_message(self, *_args: object) -> None:
        """Quiet: the decisions are the log."""


def make_server(app: App, host: str, port: int) -> ThreadingHTTPServer:
    """A threading HTTP server for ``app``; port 0 picks a free one (``server.server_address``)."""
    server = ThreadingHTTPServer((host, port), _Handler)
    server.daemon_threads = True
    server.app = app
    return server


def _stop(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Authelia 4.39 stand-in for Traefik forward-auth in the lab.")
    parser.add_argument("--config", default="/config/configuration.yml")
    parser.add_argument("--state", default="/config/standin-state.yml", help="TOTP secrets: totp: {USER: BASE32}")
    parser.add_argument("--listen", help="HOST:PORT instead of server.address")
    parser.add_argument("--schema", help="also validate the configuration against this JSON schema")
    parser.add_argument("--check", action="store_true", help="load everything, then stop")
    args = parser.parse_args(argv)
    try:
        settings = load_configuration(args.config, args.schema)
        users = load_users(settings.users_path)
        totp_secrets = load_state(args.state)
        host, port = settings.listen
        if args.listen:
            host, text = args.listen.rsplit(":", 1) if ":" in args.listen else ("", "")
            if not host or not text.isdigit():
                raise ConfigError(f"--listen {args.listen!r} is not HOST:PORT")
            port = int(text)
    except ConfigError as error:
        print(f"authelia stand-in: {' '.join(str(error).split())}", file=sys.stderr)
        return 2
    rules = len(settings.access_control.rules)
    if args.check:
        print(f"authelia stand-in: {args.config}: {rules} rules, {len(users)} users: understood")
        return 0
    allow_plain = os.environ.get("STANDIN_ALLOW_PLAIN") == "1"
    app = App(settings, users, totp_secrets, allow_plain=allow_plain)
    app.check_stores = True
    server = make_server(app, host, port)
    signal.signal(signal.SIGTERM, _stop)
    bound_host, bound_port = server.server_address[:2]
    print(f"authelia stand-in: listening on {bound_host}:{bound_port} with {rules} rules", flush=True)
    for option, store_host, store_port in settings.stores:
        failed = _standin.unreachable([(option, store_host, store_port)])
        outcome = f"unhealthy until it can be reached: {failed[0]}" if failed else "reached"
        print(f"authelia stand-in: {option} names {store_host}:{store_port}: {outcome}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
