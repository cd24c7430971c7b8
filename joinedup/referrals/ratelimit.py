"""Rate limits for the public self-referral pages and API (issue 4).

Counted per client address in fixed windows kept in Django's cache, so a limit ends by
itself when its window does: nobody is locked out for good, and never by one mistake.
The limits are generous — a library, a drop-in or a support worker may send several
people's referrals from one address — and can be changed in
`settings.JOINEDUP_SELF_REFERRAL_LIMITS` ({scope: (tries, seconds)}).

With several web processes, the counters are shared only if the cache is
(`JOINEDUP_CACHE_URL`, e.g. Redis); the default in-memory cache counts per process.
Behind a reverse proxy, REMOTE_ADDR must be the client's address, not the proxy's.
"""

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

SUBMIT = "self_referral_submit"
STATUS = "self_referral_status"
# Wrong dates of birth given for one reference, from any address: guessing a date of
# birth from many addresses is slowed as much as from one.
REFERENCE = "self_referral_reference"
DEFAULT_LIMITS = {
    SUBMIT: (20, 3600),
    STATUS: (60, 3600),
    REFERENCE: (10, 3600),
}


@dataclass(frozen=True)
class Limited:
    """Over the limit: try again after `retry_after` seconds."""

    retry_after: int

    @property
    def until(self) -> datetime:
        return timezone.localtime() + timedelta(seconds=self.retry_after)

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


def _limit(scope: str) -> tuple[int, int]:
    configured = getattr(settings, "JOINEDUP_SELF_REFERRAL_LIMITS", None) or {}
    return configured.get(scope, DEFAULT_LIMITS[scope])


def client_address(request) -> str:
    """The client's address; an IPv6 client by its /64, which one household or device
    holds whole (counting single IPv6 addresses would limit nobody)."""
    raw = request.META.get("REMOTE_ADDR", "")
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _window(scope: str, who: str) -> tuple[str, int, float]:
    tries, period = _limit(scope)
    now = time.time()
    start = int(now // period) * period
    # Hashed: the cache holds no address or reference in the clear.
    digest = hashlib.sha256(f"{scope}\x1f{who}".encode()).hexdigest()[:40]
    return f"ratelimit:{scope}:{digest}:{start}", tries, start + period - now


def over(scope: str, who: str) -> Limited | None:
    """Whether `who` is already over the limit, without counting a try."""
    key, tries, left = _window(scope, who)
    if (cache.get(key) or 0) >= tries:
        return Limited(retry_after=max(1, math.ceil(left)))
    return None


def hit(scope: str, who: str) -> Limited | None:
    """Count one try by `who`; Limited if it is over the limit (it is still counted)."""
    key, tries, left = _window(scope, who)
    timeout = max(1, math.ceil(left))
    cache.add(key, 0, timeout=timeout)
    try:
        count = cache.incr(key)
    except ValueError:  # dropped from the cache between add and incr
        cache.set(key, 1, timeout=timeout)
        count = 1
    if count > tries:
        return Limited(retry_after=timeout)
    return None
