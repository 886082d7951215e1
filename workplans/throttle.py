"""Exports per client: at most EXPORT_RATE (e.g. 10/m) and EXPORT_CONCURRENCY at once.

An export reads every row of a table, so a burst of them slows the site for everyone. The
client is the logged-in user, else the address from clientip (behind a proxy: the forwarded
one). Counters live in Django's cache: per process with the default local-memory cache, shared
by every worker with ACCSM_CACHE=database (see the README).
"""

import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from .clientip import client_ip
from .errors import TrackerError

UNITS = {"s": 1, "m": 60, "h": 3600}
# A running export's slot is given back when its response closes; this bounds a lost one.
SLOT_SECONDS = 3600
# What a client refused for running too many at once is told to wait.
BUSY_RETRY_SECONDS = 10


class Throttled(TrackerError):
    def __init__(self, retry_after: int, reason: str):
        self.retry_after, self.reason = retry_after, reason


def parse_rate(rate: str) -> tuple[int, int]:
    """'10/m' → (10, 60): so many exports per so many seconds."""
    count, _, unit = rate.partition("/")
    return int(count), UNITS[unit.strip().lower()[:1]]


def _client(request: HttpRequest) -> str:
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"address:{client_ip(request)}"


def acquire(request: HttpRequest) -> Callable[[], None]:
    """Count one export for this client, or raise Throttled; returns what frees its slot."""
    client = _client(request)
    limit, period = parse_rate(settings.EXPORT_RATE)
    now = time.time()
    window = int(now // period)
    rate_key = f"accsm:export-rate:{client}:{window}"
    cache.add(rate_key, 0, timeout=period + 1)
    if cache.incr(rate_key) > limit:
        raise Throttled(retry_after=max(1, int((window + 1) * period - now) + 1), reason="rate")

    running_key = f"accsm:export-running:{client}"
    cache.add(running_key, 0, timeout=SLOT_SECONDS)
    if cache.incr(running_key) > settings.EXPORT_CONCURRENCY:
        cache.decr(running_key)
        raise Throttled(retry_after=BUSY_RETRY_SECONDS, reason="running")

    released = False

    def release() -> None:
        nonlocal released
        if not released:
            released = True
            try:
                cache.decr(running_key)
            except ValueError:  # expired meanwhile: nothing left to give back
                pass

    return release


class _ReleasingIterator:
    """The body of a streamed export; closing it (the server does, at the end) frees the slot.

    A class, not a generator: a generator closed before its first item runs no `finally`.
    """

    def __init__(self, content: Iterator, release: Callable[[], None]):
        self._content, self._release = iter(content), release

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._content)

    def close(self) -> None:
        try:
            close = getattr(self._content, "close", None)
            if close:
                close()
        finally:
            self._release()


def limited(
    request: HttpRequest, make_response: Callable[[], HttpResponseBase]
) -> HttpResponseBase:
    """Make an export response within the client's limits, or say when to try again (429)."""
    try:
        release = acquire(request)
    except Throttled as refusal:
        return refused(request, refusal)
    try:
        response = make_response()
    except BaseException:
        release()
        raise
    if isinstance(response, StreamingHttpResponse):
        # WSGI: the content is a plain iterator, never an async one.
        content = response.streaming_content
        response.streaming_content = _ReleasingIterator(content, release)  # type: ignore[arg-type]
    else:
        release()
    return response


def refused(request: HttpRequest, refusal: Throttled) -> HttpResponse:
    limit, period = parse_rate(settings.EXPORT_RATE)
    response = render(
        request,
        "429.html",
        {
            "reason": refusal.reason,
            "retry_after": refusal.retry_after,
            "limit": limit,
            "period": period,
            "concurrency": settings.EXPORT_CONCURRENCY,
        },
        status=429,
    )
    response["Retry-After"] = str(refusal.retry_after)
    return response
