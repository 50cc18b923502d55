# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every module family that talks to an app shares: the connection options, the runner, and
a small JSON-over-HTTP client.

The client speaks to one application (named in every error), returns parsed JSON, keeps cookies for
applications that sign in with a session, and waits for readiness with a bounded number of tries.
The runner takes an AnsibleModule the caller built; nothing here imports Ansible's module machinery,
so the logic is unit-testable on its own.
"""

from __future__ import annotations

import copy
import http.cookiejar
import json
import time
import urllib.error
import urllib.parse

from ansible.module_utils.urls import Request, make_context


class AppError(Exception):
    """An expected failure of a task: its message names the app and what to fix. Each family's
    error derives from it, and ``run`` reports it as the task's failure."""


class ApiError(AppError):
    """A request failed; ``status`` is the HTTP status (0 when no answer came)."""

    def __init__(self, message: str, status: int = 0, body=None):
        super().__init__(message)
        self.status = status
        self.body = body


#: Seconds between two readiness tries.
READY_DELAY_S = 2.0
#: The connection options of every module family (doc fragment ``connection``, and ``url`` in the
#: family's own fragment): where the app is, TLS, the wait for each answer, and the readiness wait.
CONNECTION_SPEC = {
    "url": {"type": "str", "required": True},
    "validate_certs": {"type": "bool", "default": True},
    "timeout": {"type": "int", "default": 30},
    "ready_timeout": {"type": "int", "default": 120},
}


def connection_spec(**credentials) -> dict:
    """A new argument spec: the shared connection options, then the family's ``credentials``."""
    return {**copy.deepcopy(CONNECTION_SPEC), **credentials}


def run(module, work) -> None:
    """A module's life once its arguments are parsed: ``work(params, check_mode)`` returns the
    result (``changed``, ``diff`` and the module's own keys); an AppError fails the task with its
    message; the diff is returned only when the task asks for one (``--diff``)."""
    try:
        result = work(module.params, module.check_mode)
    except AppError as error:
        module.fail_json(msg=str(error))
    if not module._diff:
        result.pop("diff", None)
    module.exit_json(**result)


class Form(dict):
    """A request body sent form-encoded instead of as JSON."""


class ApiClient:
    """Requests against ``base_url`` on behalf of ``app`` (the name used in error messages)."""

    def __init__(
        self, app: str, base_url: str, headers: dict | None = None, timeout: int = 30, validate_certs: bool = True
    ):
        self.app = app
        self.base_url = base_url.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        # One TLS context per client: building it per request costs more than the request.
        self.request_ = Request(
            headers=dict(headers or {}),
            timeout=timeout,
            validate_certs=validate_certs,
            cookies=self.cookies,
            context=make_context(validate_certs=validate_certs),
        )

    def url(self, path: str, query: dict | None = None) -> str:
        url = self.base_url + "/" + path.lstrip("/")
        if query:
            url += "?" + urllib.parse.urlencode(query, doseq=True)
        return url

    def call(self, method: str, path: str, query: dict | None = None, body=None):
        """Send one request; the parsed JSON answer (text when not JSON, None when empty).

        ``body`` goes as JSON, or form-encoded when it is a ``Form``. Any status but 2xx raises.
        """
        headers = {"Accept": "application/json"}
        data = None
        if isinstance(body, Form):
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        where = f"{method} {path}"
        try:
            response = self.request_.open(method, self.url(path, query), data=data, headers=headers)
            status, raw = response.getcode(), response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read() if error.fp else b""
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise ApiError(f"{self.app} did not answer {where}: {reason}", 0) from None
        parsed = parse(raw)
        if not 200 <= status < 300:
            raise ApiError(f"{self.app} answered {where} with HTTP {status}: {summary(parsed)}", status, parsed)
        return parsed

    def get(self, path: str, query: dict | None = None):
        return self.call("GET", path, query=query)

    def post(self, path: str, body=None, query: dict | None = None):
        return self.call("POST", path, query=query, body=body)

    def put(self, path: str, body=None, query: dict | None = None):
        return self.call("PUT", path, query=query, body=body)

    def delete(self, path: str, query: dict | None = None):
        return self.call("DELETE", path, query=query)

    def wait_ready(self, probe, timeout: float, delay: float = READY_DELAY_S, clock=time.monotonic, sleep=time.sleep):
        """Call ``probe(self)`` until it returns without ApiError, for ``timeout`` seconds at most.

        The contract every module family shares (``ready_timeout``): the first try is immediate,
        the next ``delay`` seconds apart, and the last wait is cut so that no try starts after the
        deadline; ``timeout: 0`` is one try. A 401 or 403 is final at once: waiting does not fix a
        wrong key.
        """
        deadline = clock() + max(0.0, float(timeout))
        tries = 0
        while True:
            tries += 1
            try:
                return probe(self)
            except ApiError as error:
                if error.status in (401, 403):
                    raise ApiError(
                        f"{self.app} refused the credentials (HTTP {error.status}). Check the API key or password "
                        "given to this task",
                        error.status,
                    ) from None
                last = error
            left = deadline - clock()
            if left <= 0:
                break
            sleep(min(delay, left))
        raise ApiError(f"{self.app} was not ready within {timeout:g} s ({tries} tries): {last}", 0)


def parse(raw: bytes):
    if not raw:
        return None
    text = raw.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


def summary(parsed, limit: int = 300) -> str:
    """The readable part of an error answer, cut short."""
    if isinstance(parsed, list):
        parts = [
            str(item.get("errorMessage") or item.get("message") or item) if isinstance(item, dict) else str(item)
            for item in parsed
        ]
        text = "; ".join(parts)
    elif isinstance(parsed, dict):
        text = str(parsed.get("message") or parsed.get("error") or parsed.get("title") or parsed)
    else:
        text = str(parsed or "no body")
    return text if len(text) <= limit else text[:limit] + "..."
