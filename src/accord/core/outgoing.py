"""Every HTTP request Accord makes to an address that someone typed (a channel's webhook,
an integration's webhook) goes through :func:`client`, so that nobody can make the server
reach what only the server can reach: its own loopback, the private network it sits in,
a cloud's metadata service at 169.254.169.254.

The address policy: an address is refused unless it is globally reachable
(``ipaddress``'s ``is_global``), and refused too when it is multicast or reserved, or
when it is an IPv6 address that carries an IPv4 one (IPv4-mapped ``::ffff:127.0.0.1``,
6to4, NAT64) whose IPv4 address would be refused. ``ACCORD_OUTGOING_ALLOWED_NETWORKS``
lists networks that are reachable all the same, for an on-premises deployment whose chat
server is internal; it is empty by default.

Where it is checked: on the address actually connected to. A name is resolved once, all
its addresses are checked (one refused address refuses the name: a name that answers
with a public address and 127.0.0.1 is an attack on whichever is tried first), and the
socket is opened to exactly the checked addresses, so that no second lookup (DNS
rebinding) can slip another address in between. This happens in ``connect_tcp`` of an
httpcore network backend, the one place every connection of the pool is opened, by name
or by literal address, on each new connection (a pooled one was checked when it opened).
TLS still verifies the certificate against the name in the URL: httpcore hands the host
of the URL to the TLS handshake, not the address. Rewriting the URL to the address and
passing ``Host`` and ``sni_hostname`` instead would have worked with httpx's request API,
but the pool would then key connections by address, and a connection verified for one
name could carry a request for another name on the same address.

httpx does not take a network backend, so :class:`GuardedTransport` builds httpx's
transport around its own httpcore pool (httpcore's public ``network_backend``). It does
not call the parent's ``__init__``: should a future httpx keep its pool elsewhere, a
request fails loudly instead of going out unchecked. The packages made for this job
(drawbridge, egressweave, ssrfguard, httpx-secure, safehttpx) are 0.x releases of the last
months, httpx-secure for async clients only; the check itself is a few lines over the
standard library's ``ipaddress``, and the connection is httpcore's own.

Environment proxies (``HTTPS_PROXY``) are not used: the check must see the address the
socket goes to, which behind a proxy is the proxy's.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

import httpcore
import httpx
from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# One text for every refused address, whatever the address and whether anything listens
# there: the answer must not tell an open port from a closed one.
REFUSED = "the address is not allowed: it points into a private or local network"

NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
LOOPBACK = ipaddress.IPv4Address("127.0.0.1")
LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)


class AddressNotAllowed(httpx.ConnectError):
    """The request was not sent: its host is, or resolves to, a refused address."""

    def __init__(self) -> None:
        super().__init__(REFUSED)


def allowed_networks() -> tuple[Network, ...]:
    """``ACCORD_OUTGOING_ALLOWED_NETWORKS``, read on each check so that an override of the
    setting applies at once."""
    return tuple(ipaddress.ip_network(net) for net in settings.ACCORD_OUTGOING_ALLOWED_NETWORKS)


def _embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address leads to through a gateway (6to4, NAT64)."""
    if address.version != 6:
        return None
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _public(address: Address) -> bool:
    """Globally reachable, and none of the ranges older Pythons' ``is_global`` still lets
    through (IPv6 site-local ``fec0::/10``, deprecated but routed inside some networks)."""
    return (
        address.is_global
        and not address.is_multicast
        and not address.is_reserved
        and not (address.version == 6 and address.is_site_local)
    )


def address_allowed(address: Address | str) -> bool:
    """Whether Accord may connect to ``address``."""
    address = ipaddress.ip_address(address)
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:10.1.2.3 is the host 10.1.2.3 itself
    if any(address in net for net in allowed_networks()):
        return True
    embedded = _embedded_ipv4(address)
    return _public(address) and (embedded is None or _public(embedded))


def _literal_address(host: str) -> Address | None:
    """``host`` as an address, when it is written as one, in any of the spellings the
    system's resolver takes as an address without asking DNS (``127.1``, ``2130706433``)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):
        return None


def url_allowed(url: str) -> bool:
    """Whether the URL's host, as written, may be reached: ``False`` for ``localhost`` and
    for a literal address that would be refused. A name is only judged when it is
    resolved, at the connection: this is the early answer for whoever types the URL."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return True  # not a URL at all: the URL check says so
    if not host:
        return True
    host = host.rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return address_allowed(LOOPBACK)
    address = _literal_address(host)
    return address is None or address_allowed(address)


def resolve(host: str, port: int) -> list[str]:
    """The addresses of ``host``, in the resolver's order; refused as a whole if any of
    them is refused."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise httpcore.ConnectError(f"could not resolve {host}: {exc}") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    if not addresses or not all(address_allowed(address) for address in addresses):
        raise AddressNotAllowed
    return addresses


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's own sockets, opened only to checked addresses."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options=None,
    ) -> httpcore.NetworkStream:
        failure: Exception | None = None
        for address in resolve(host, port):
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc  # the next address of the name, as create_connection does
        assert failure is not None
        raise failure


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport over a connection pool that connects through
    :class:`GuardedBackend` (HTTP/1.1, certificates verified, ``SSL_CERT_FILE`` and
    ``SSL_CERT_DIR`` honoured for an internal certificate authority)."""

    def __init__(self, *, limits: httpx.Limits = LIMITS) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(),
        )


def client(*, timeout: httpx.Timeout, headers: dict[str, str] | None = None) -> httpx.Client:
    """The HTTP client for every outgoing request to an address someone typed. Redirects
    are not followed: a channel's answer is the answer of the address it was given."""
    return httpx.Client(
        transport=GuardedTransport(),
        timeout=timeout,
        follow_redirects=False,
        # Answers come as they are: a compressed answer could inflate a thousandfold in one
        # read (``notify.transports.base`` reads at most 64 KB of what arrives).
        headers={"Accept-Encoding": "identity", **(headers or {})},
        trust_env=False,
    )
