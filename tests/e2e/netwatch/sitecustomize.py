"""Loaded at start-up by the app server in the clinic browser tests (PYTHONPATH): records every attempt
to connect or resolve a name beyond loopback into $DITMAP_NET_LOG, so a test can assert there was none."""

import ipaddress
import os
import socket

_LOG = os.environ.get("DITMAP_NET_LOG")


def _note(what: str) -> None:
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as f:
            f.write(what + "\n")


def _loopback(host: object) -> bool:
    if host in (None, "", "localhost"):
        return True
    try:
        return ipaddress.ip_address(str(host).strip("[]")).is_loopback
    except ValueError:
        return False


if _LOG:
    _note("watching")
    _connect = socket.socket.connect
    _connect_ex = socket.socket.connect_ex
    _getaddrinfo = socket.getaddrinfo

    def connect(self, address):  # type: ignore[no-untyped-def]
        if isinstance(address, tuple) and not _loopback(address[0]):
            _note(f"connect {address!r}")
        return _connect(self, address)

    def connect_ex(self, address):  # type: ignore[no-untyped-def]
        if isinstance(address, tuple) and not _loopback(address[0]):
            _note(f"connect_ex {address!r}")
        return _connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not _loopback(host):
            _note(f"getaddrinfo {host!r}")
        return _getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.getaddrinfo = getaddrinfo
