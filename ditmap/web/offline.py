"""The server makes no connection beyond loopback, whatever a page does.

Streamlit looks up the machine's addresses when a websocket arrives from an origin it does not know
(`net_util.get_internal_ip`: a UDP connect to 8.8.8.8; `get_external_ip`: an HTTP request to
checkip.amazonaws.com). Both are cached in module globals: filling the cache with loopback means they
never run. Our middleware refuses foreign origins first anyway; this is the second line.
"""

from __future__ import annotations


def no_outward_lookups() -> None:
    from streamlit import net_util

    net_util._internal_ip = "127.0.0.1"
    net_util._external_ip = "127.0.0.1"
