"""A small sliding-window rate limiter, shared per host across threads.

Why: SCB's PxWeb API allows 10 calls per 10 seconds per client and answers
429 beyond that. Datasets are collected concurrently, so the limit must be
kept by one limiter per host, not per dataset.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Callable


class RateLimiter:
    """At most `calls` acquisitions in any window of `period` seconds."""

    def __init__(
        self,
        calls: int,
        period: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if calls < 1 or period <= 0:
            raise ValueError("a rate limit needs calls >= 1 and period > 0")
        self.calls = calls
        self.period = period
        self._clock = clock
        self._sleep = sleep
        self._stamps: deque[float] = deque()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Block until a call is allowed; return the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                while self._stamps and now - self._stamps[0] >= self.period:
                    self._stamps.popleft()
                if len(self._stamps) < self.calls:
                    self._stamps.append(now)
                    return waited
                wait = self.period - (now - self._stamps[0])
            self._sleep(wait)
            waited += wait


_limiters: dict[tuple[str, int, float], RateLimiter] = {}
_registry_lock = threading.Lock()


def limiter_for(host: str, calls: int, period: float) -> RateLimiter:
    """The process-wide limiter for `host` with this limit."""
    key = (host, calls, period)
    with _registry_lock:
        if key not in _limiters:
            _limiters[key] = RateLimiter(calls, period)
        return _limiters[key]
