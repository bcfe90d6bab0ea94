"""Retrying one outbox attempt: 5xx and network errors with exponential back-off, 429 after its ``Retry-After``.

A few quick tries ride out a blip; anything longer goes back to the outbox with a
later ``next_attempt_at`` (``next_attempt``), so no caller waits minutes.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from typing import TypeVar

from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential
from tenacity.stop import stop_base

from app.tickets.base import Transient

T = TypeVar("T")
TRIES = 4
LONGEST_WAIT_S = 30.0  # a Retry-After beyond this ends the attempt: the outbox comes back later
BACKOFF_ENV = "ISSUE_LEDGER_TICKET_BACKOFF_S"  # the first back-off in seconds (default 0.5)


def _first_backoff() -> float:
    try:
        return max(0.0, float(os.environ.get(BACKOFF_ENV, "0.5")))
    except ValueError:
        return 0.5


class _TooLong(stop_base):
    """Stop when the server asks for a longer pause than one attempt should hold."""

    def __call__(self, retry_state: RetryCallState) -> bool:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        return isinstance(exc, Transient) and (exc.retry_after or 0) > LONGEST_WAIT_S


def run(operation: Callable[[], T], sleep: Callable[[float], None] = time.sleep) -> T:
    """``operation()``, tried again on ``Transient`` up to ``TRIES`` times; the last failure is raised."""
    backoff = wait_exponential(multiplier=_first_backoff(), max=8)

    def wait(retry_state: RetryCallState) -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(exc, Transient) and exc.retry_after is not None:
            return float(exc.retry_after)
        return float(backoff(retry_state))

    retrying = Retrying(retry=retry_if_exception_type(Transient), stop=stop_after_attempt(TRIES) | _TooLong(),
                        wait=wait, sleep=sleep, reraise=True)
    return retrying(operation)


def next_attempt(now: dt.datetime, attempts: int, retry_after: float | None) -> dt.datetime:
    """When the outbox tries a row again: 1, 2, 4 … minutes (at most an hour), never before ``Retry-After``."""
    minutes = min(60, 2 ** max(0, attempts - 1))
    return now + dt.timedelta(seconds=max(minutes * 60.0, retry_after or 0.0))
