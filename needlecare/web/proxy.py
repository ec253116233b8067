"""The client's address and scheme, taken from a proxy's headers only when the proxy is trusted.

NEEDLECARE_TRUSTED_PROXIES lists the addresses (or networks) of the proxies in front of
`needlecare serve`, comma-separated; empty, no proxy header is believed. From a trusted proxy,
X-Forwarded-For gives the client's address (the nearest address in it that is not itself a
trusted proxy) and becomes REMOTE_ADDR, which is what sign-in limits, rate limits and the audit
trail read; X-Forwarded-Proto is left for SECURE_PROXY_SSL_HEADER. From anyone else both headers
are removed, so a client can claim neither https nor another address. X-Forwarded-For is removed
in every case once read, so nothing downstream reads a client's claim by mistake.

The middleware goes first: SecurityMiddleware's HTTPS redirect must see the answer.
"""

import ipaddress
import os
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_FORWARDED")


def trusted_proxies(value: str | None = None) -> tuple[Network, ...]:
    """NEEDLECARE_TRUSTED_PROXIES (or `value`) as networks; a clear error for a bad entry."""
    raw = os.environ.get("NEEDLECARE_TRUSTED_PROXIES", "") if value is None else value
    networks = []
    for entry in (part.strip() for part in raw.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"NEEDLECARE_TRUSTED_PROXIES: {entry!r} is not an IP address or network "
                "(give the proxies' addresses, comma-separated, e.g. 127.0.0.1,10.0.0.0/24)"
            ) from None
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address | None, trusted: tuple[Network, ...]
) -> bool:
    return address is not None and any(address in network for network in trusted)


def client_address(peer: str, forwarded_for: str, trusted: tuple[Network, ...]) -> str:
    """The client's address: the peer's own unless the peer is a trusted proxy.

    X-Forwarded-For is read from the right (each proxy appends the address it saw), skipping
    trusted proxies; the first other entry is the client. A malformed entry ends the walk at
    the last address a trusted proxy vouched for.
    """
    current = peer
    if not _is_trusted(_address(peer), trusted):
        return peer
    for entry in reversed(forwarded_for.split(",")):
        address = _address(entry)
        if address is None:
            break
        current = str(address)
        if not _is_trusted(address, trusted):
            break
    return current


class TrustedProxyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.trusted = trusted_proxies()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        peer = str(meta.get("REMOTE_ADDR") or "")
        if _is_trusted(_address(peer), self.trusted):
            meta["REMOTE_ADDR"] = client_address(
                peer, str(meta.get("HTTP_X_FORWARDED_FOR") or ""), self.trusted
            )
            meta.pop("HTTP_X_FORWARDED_FOR", None)
        else:
            for header in PROXY_HEADERS:
                meta.pop(header, None)
        return self.get_response(request)
