"""The client's address, for the login lockout and the export rate limit.

Behind a proxy REMOTE_ADDR is the proxy. With TRUSTED_PROXY_COUNT = N > 0, the client is the
Nth address from the right of X-Forwarded-For: each trusted proxy appends the address it saw,
while everything to the left of those N entries was written by the client and proves nothing.
With 0 (no proxy), X-Forwarded-For is ignored.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if len(forwarded) < count:
        # The request did not pass through every trusted proxy: trust only the socket.
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
