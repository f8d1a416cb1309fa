"""Which client a network address stands for, when requests are counted per client.

An IPv4 address is one client (a home box, a school's proxy). An IPv6 address is not: a home or
a school gets a whole /64 network (2^64 addresses) and a machine may pick a new address in it at
will, so counting per address would give anyone fresh allowances for free. Limits count per /64
network instead (IPv4-mapped IPv6 addresses are read as the IPv4 address they carry).
"""

from __future__ import annotations

import ipaddress

IPV6_CLIENT_PREFIX = 64


def client_bucket(address: str | None) -> str:
    """The key a limit counts a client address under: the IPv4 address, or its IPv6 /64 network."""
    if not address:
        return "unknown"
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()[:100] or "unknown"  # not an address (a unix socket, a test client): as it is
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_CLIENT_PREFIX}", strict=False))
    return str(parsed)
