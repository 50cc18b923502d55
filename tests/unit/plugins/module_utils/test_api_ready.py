"""The readiness contract every module family shares (ApiClient.wait_ready, ``ready_timeout``),
on a fake clock: the deadline is honoured exactly, and refused credentials end the wait at once."""

from __future__ import annotations

import pytest

from ansible_collections.newmedia.mediastack.plugins.module_utils._api import READY_DELAY_S, ApiClient, ApiError


class FakeClock:
    """time.monotonic and time.sleep for a wait that takes no real time."""

    def __init__(self):
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def probe_failing(times: int, status: int = 0):
    """A probe that fails ``times`` times (HTTP ``status``, 0 for no answer), then answers."""
    calls = []

    def probe(_api):
        calls.append(1)
        if len(calls) <= times:
            raise ApiError("not yet", status)
        return {"ok": True}

    return probe, calls


def wait(probe, timeout: float, clock: FakeClock):
    return ApiClient("App", "http://127.0.0.1:9").wait_ready(probe, timeout, clock=clock.clock, sleep=clock.sleep)


@pytest.mark.parametrize(
    ("timeout", "sleeps"),
    [
        (0, []),
        (1, [1.0]),
        (5, [2.0, 2.0, 1.0]),
        (6, [2.0, 2.0, 2.0]),
        (120, [READY_DELAY_S] * 60),
    ],
    ids=["zero-tries-once", "under-one-delay", "cut-last-wait", "whole-delays", "the-role-default"],
)
def test_an_app_that_never_answers_is_given_exactly_ready_timeout_seconds(timeout, sleeps):
    clock = FakeClock()
    probe, calls = probe_failing(10_000)
    with pytest.raises(ApiError, match=rf"App was not ready within {timeout} s \({len(sleeps) + 1} tries\): not yet"):
        wait(probe, timeout, clock)
    assert clock.sleeps == sleeps
    assert clock.now == timeout
    assert len(calls) == len(sleeps) + 1


def test_an_app_that_answers_on_the_third_try_is_waited_for():
    clock = FakeClock()
    probe, calls = probe_failing(2)
    assert wait(probe, 120, clock) == {"ok": True}
    assert len(calls) == 3
    assert clock.sleeps == [READY_DELAY_S, READY_DELAY_S]


@pytest.mark.parametrize("status", [401, 403])
def test_refused_credentials_end_the_wait_at_once(status):
    clock = FakeClock()
    probe, calls = probe_failing(10_000, status)
    with pytest.raises(ApiError, match=f"refused the credentials \\(HTTP {status}\\)"):
        wait(probe, 120, clock)
    assert len(calls) == 1
    assert clock.sleeps == []
