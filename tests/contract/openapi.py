"""Contract stand-ins: HTTP servers that answer like an application and reject anything its
upstream OpenAPI document does not allow.

``Spec`` finds the operation for a request and validates the request (query parameters, JSON body)
and the answer (status documented, JSON body) against the schemas in tests/specs/: a query
parameter the operation does not declare, a body sent to an operation that takes none, and a value
that breaks its schema's ``format`` (``FORMATS``) are violations too. ``StandIn``
serves an application's behaviour (a subclass's ``handle``) on loopback and records every
violation; a test fails when ``violations`` is not empty, so a module that sends a request the real
application would not accept cannot pass.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import re
import signal
import threading
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jsonschema
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SPECS = Path(__file__).resolve().parents[1] / "specs"
SPEC_URI = "urn:mediastack:spec"


#: The ``format`` values of OpenAPI 3.0 (and JSON Schema) the validator checks, each a test of
#: the value (only values of the format's type reach it). Others (``password``, ``binary``, ...)
#: constrain nothing a JSON value can break.
FORMAT_CHECKER = jsonschema.FormatChecker(formats=())


def _format(name: str, kind: type | tuple[type, ...], raises: tuple[type[Exception], ...] = (ValueError,)):
    def register(test):
        @FORMAT_CHECKER.checks(name, raises=raises)
        def check(value) -> bool:
            if not isinstance(value, kind) or isinstance(value, bool):
                return True  # another type: the schema's ``type`` judges it
            return test(value)

        return check

    return register


@_format("int32", int)
def _int32(value: int) -> bool:
    return -(2**31) <= value < 2**31


@_format("int64", int)
def _int64(value: int) -> bool:
    return -(2**63) <= value < 2**63


@_format("date-time", str)
def _date_time(value: str) -> bool:
    # RFC 3339: a date, "T", a time and an offset (Z or ±hh:mm); fractions of a second allowed.
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", value):
        return False
    datetime.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    return True


@_format("date", str)
def _date(value: str) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)) and bool(datetime.date.fromisoformat(value))


@_format("uuid", str)
def _uuid(value: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}", value)) and bool(uuid.UUID(value))


@_format("ipv4", str)
def _ipv4(value: str) -> bool:
    return bool(ipaddress.IPv4Address(value))


#: The formats the validator checks.
FORMATS = tuple(sorted(FORMAT_CHECKER.checkers))


def spec_path(name: str) -> Path:
    """The vendored spec (tests/specs/<name>); a missing one is an error, never a skipped test."""
    path = SPECS / name
    if not path.is_file():
        raise FileNotFoundError(f"the upstream spec {name} is not in {SPECS} (see tests/specs/SOURCES.md)")
    return path


def _nullable(node):
    """OpenAPI 3.0's ``nullable: true`` as JSON Schema: null joins the allowed types."""
    if isinstance(node, dict):
        node = {key: _nullable(value) for key, value in node.items()}
        if node.pop("nullable", False):
            if "type" in node:
                types = node["type"] if isinstance(node["type"], list) else [node["type"]]
                node["type"] = [*types, "null"]
            if "enum" in node:
                node["enum"] = [*node["enum"], None]
            if "$ref" in node or "allOf" in node or "oneOf" in node or "anyOf" in node:
                node = {"anyOf": [{"type": "null"}, node]}
        return node
    if isinstance(node, list):
        return [_nullable(item) for item in node]
    return node


class Spec:
    """One OpenAPI 3.0 document, its operations matched by method and concrete path."""

    def __init__(self, path: Path, server_prefix: str = ""):
        text = path.read_text(encoding="utf-8")
        document = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        self.document = _nullable(document)
        self.prefix = server_prefix.rstrip("/")
        self.registry = Registry().with_resource(SPEC_URI, Resource(contents=self.document, specification=DRAFT4))
        self.operations = []
        for template, item in self.document["paths"].items():
            pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(self.prefix + template)) + "$"
            for method, operation in item.items():
                if method in ("get", "put", "post", "delete", "patch"):
                    shared = item.get("parameters", [])
                    self.operations.append((re.compile(pattern), method.upper(), template, operation, shared))
        # Literal paths win over templated ones (/rootfolder/schema before /rootfolder/{id}).
        self.operations.sort(key=lambda entry: entry[2].count("{"))

    def operation(self, method: str, path: str):
        for pattern, verb, template, operation, shared in self.operations:
            if verb == method and pattern.match(path):
                return template, operation, shared
        return None

    def _resolve(self, node):
        while isinstance(node, dict) and "$ref" in node:
            pointer = node["$ref"].lstrip("#/").split("/")
            node = self.document
            for part in pointer:
                node = node[part]
        return node

    def errors(self, instance, schema) -> list[str]:
        wrapped = {"$ref": SPEC_URI + "#"} if schema is None else self._anchor(schema)
        validator = jsonschema.Draft4Validator(wrapped, registry=self.registry, format_checker=FORMAT_CHECKER)
        return [
            f"{'/'.join(map(str, error.absolute_path)) or '<body>'}: {error.message}"
            for error in validator.iter_errors(instance)
        ]

    def _anchor(self, schema):
        """Local ``#/components/...`` references made absolute, so they resolve in the registry."""
        if isinstance(schema, dict):
            return {
                key: (SPEC_URI + value if key == "$ref" and value.startswith("#") else self._anchor(value))
                for key, value in schema.items()
            }
        if isinstance(schema, list):
            return [self._anchor(item) for item in schema]
        return schema

    def check_request(self, method: str, path: str, query: dict, body) -> list[str]:
        found = self.operation(method, path)
        if found is None:
            return [f"{method} {path}: no such operation in the spec"]
        template, operation, shared = found
        problems, names = [], set()
        for declared in [*shared, *operation.get("parameters", [])]:
            parameter = self._resolve(declared)
            if parameter.get("in") != "query":
                continue
            name = parameter["name"]
            names.add(name)
            if name not in query:
                if parameter.get("required"):
                    problems.append(f"{method} {template}: query parameter {name} is required")
                continue
            schema = parameter.get("schema", {})
            if schema.get("type") == "array":
                # An array parameter comes as the name repeated (form style, exploded).
                items = self._resolve(schema.get("items") or {})
                values = [[coerce(value, items) for value in query[name]]]
            else:
                values = [coerce(value, schema) for value in query[name]]
            for value in values:
                errors = self.errors(value, schema)
                problems += [f"{method} {template} ?{name}: {error}" for error in errors]
        for name in sorted(set(query) - names):
            problems.append(f"{method} {template}: query parameter {name} is not declared")
        return problems + self._check_body(f"{method} {template}", operation, body)

    def _check_body(self, where: str, operation: dict, body) -> list[str]:
        request_body = self._resolve(operation.get("requestBody") or {})
        content = request_body.get("content") or {}
        if body is None:
            return [f"{where}: a body is required"] if request_body.get("required") else []
        if not content:
            return [f"{where}: a body was sent, but the operation takes none"]
        schema = (content.get("application/json") or next(iter(content.values()))).get("schema")
        return [] if schema is None else [f"{where} body {error}" for error in self.errors(body, schema)]

    def check_response(self, method: str, path: str, status: int, body) -> list[str]:
        found = self.operation(method, path)
        if found is None:
            return []
        template, operation, _shared = found
        responses = operation.get("responses") or {}
        answer = responses.get(str(status)) or responses.get("default")
        if answer is None:
            return [f"{method} {template}: status {status} is not documented"]
        answer = self._resolve(answer)
        content = answer.get("content") or {}
        schema = (content.get("application/json") or {}).get("schema")
        if schema is None or body is None:
            return []
        return [f"{method} {template} answer {error}" for error in self.errors(body, schema)]


def coerce(value: str, schema: dict):
    """A query string value as the type its schema names."""
    kind = schema.get("type")
    kind = kind[0] if isinstance(kind, list) else kind
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            return float(value)
        if kind == "boolean":
            return {"true": True, "false": False}.get(value.lower(), value)
    except ValueError:
        return value
    return value


class StandIn:
    """Serve ``handle(method, path, query, body, headers) -> (status, body)`` on loopback.

    Every request is first checked against the spec: an invalid one is answered 400 and
    recorded in ``violations``; every answer is checked too. Use as a context manager.
    It listens on ``address`` (loopback, an ephemeral port, unless changed before entering).
    ``HEAD`` is checked and answered as ``GET`` without the body. A path in ``unchecked_paths``
    (a health check the spec lacks, say) is answered ``unchecked_status`` (200 unless a subclass
    says otherwise) with ``unchecked_answer`` before any validation; ``log_message`` gets each
    request's log line (none by default).
    """

    address: tuple[str, int] = ("127.0.0.1", 0)
    unchecked_paths: frozenset = frozenset()

    def __init__(self, spec: Spec):
        self.spec = spec
        self.violations: list[str] = []
        self.requests: list[tuple[str, str]] = []
        self.server = None
        self.thread = None

    def handle(self, method: str, path: str, query: dict, body, headers) -> tuple[int, object]:
        raise NotImplementedError

    def unchecked_status(self, path: str) -> int:
        """The status answered on an unchecked path."""
        return 200

    def unchecked_answer(self, path: str) -> tuple[str, bytes]:
        """Content type and body answered on an unchecked path."""
        return "application/json", json.dumps({"status": "OK", "path": path}).encode()

    def log_message(self, client: str, line: str) -> None:
        """One request's log line (from ``client``); a stand-in served on its own prints it."""

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self):
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, fmt, *args):
                stand_in.log_message(self.client_address[0], fmt % args)

            def _serve(self):
                parts = urllib.parse.urlsplit(self.path)
                query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if parts.path in stand_in.unchecked_paths:
                    self._send(stand_in.unchecked_status(parts.path), *stand_in.unchecked_answer(parts.path))
                    return
                method = "GET" if self.command == "HEAD" else self.command
                body = None
                if raw:
                    kind = self.headers.get("Content-Type", "")
                    if "json" in kind:
                        try:
                            body = json.loads(raw)
                        except ValueError:
                            stand_in.violations.append(f"{method} {parts.path}: body is not JSON")
                    else:
                        body = urllib.parse.parse_qs(raw.decode(), keep_blank_values=True)
                stand_in.requests.append((self.command, parts.path))
                problems = stand_in.spec.check_request(method, parts.path, query, body)
                if problems:
                    stand_in.violations += problems
                    status, answer = 400, {"message": "; ".join(problems)}
                else:
                    status, answer = stand_in.handle(method, parts.path, query, body, self.headers)
                    if status < 400 or status == 404:
                        stand_in.violations += stand_in.spec.check_response(method, parts.path, status, answer)
                payload = b"" if answer is None else json.dumps(answer).encode()
                self._send(status, "application/json", payload)

            def _send(self, status, content_type, payload):
                self.send_response(status)
                if payload:
                    self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        self.server = ThreadingHTTPServer(self.address, Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *_exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def serve_until_signalled(stand_in, name: str) -> int:
    """Serve ``stand_in`` (any stand-in of this package) until SIGTERM or SIGINT.

    Prints where it listens, and on the way out every request it saw that its reference forbids,
    so that whoever started it (the lab's containers) finds them in its log.
    """
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_args: stop.set())
    signal.signal(signal.SIGINT, lambda *_args: stop.set())
    with stand_in:
        print(f"{name} stand-in listening on {stand_in.url}", flush=True)
        while not stop.wait(1):
            pass
    for violation in stand_in.violations:
        print(f"violation: {violation}", flush=True)
    return 0
