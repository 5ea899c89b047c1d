"""gunicorn's threaded worker with a read timeout on every connection.

gthread keeps idle connections in its poller, but once a client has sent the
first bytes of a request a thread reads the rest with a blocking socket and no
time limit: a few clients that send half their headers (or announce a body
and never send it) hold threads for as long as they like. Here every read and
write of a connection gives up after READ_TIMEOUT seconds of silence, so such
a client costs one thread for at most that long; and a new connection that has
sent nothing goes back to the poller at once instead of holding a thread for
5 s. nginx in front (deploy/nginx.conf) does better still: it reads whole
requests itself.

Used by deploy/gunicorn.conf.py (`worker_class`); needs the `serve` extra.
"""

from __future__ import annotations

import os

from gunicorn.workers.gthread import _DEFER, ThreadWorker

# Seconds a connection may stay silent in the middle of a request.
READ_TIMEOUT = float(os.environ.get("GLOSSARY_READ_TIMEOUT", "10"))
# gthread lets a thread wait 5 s for the first bytes of a new connection; a
# few idle connections then hold every thread. Wait this long, then hand the
# connection back to the poller (where it costs no thread).
FIRST_BYTES_WAIT = 0.05


class _TimedSocket:
    """A socket whose blocking mode is a timeout, never an unbounded wait."""

    def __init__(self, sock, timeout: float) -> None:
        self._sock, self._timeout = sock, timeout

    def setblocking(self, flag: bool) -> None:
        """Block with the timeout (gthread asks for plain blocking reads)."""
        if flag:
            self._sock.settimeout(self._timeout)
        else:
            self._sock.setblocking(False)

    def __getattr__(self, name: str):
        return getattr(self._sock, name)


class TimeoutThreadWorker(ThreadWorker):
    """gthread, with READ_TIMEOUT on every read and write of a connection."""

    def handle(self, conn):
        """Handle one request of CONN, its socket reads bounded in time."""
        if not conn.initialized and not conn.wait_for_data(FIRST_BYTES_WAIT):
            return _DEFER  # idle: back to the poller until it sends something
        if not isinstance(conn.sock, _TimedSocket):
            conn.sock = _TimedSocket(conn.sock, READ_TIMEOUT)
        return super().handle(conn)
