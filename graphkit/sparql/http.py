"""HTTP to SPARQL servers: sessions, authentication, one-line errors, no credentials shown.

Every request goes through `http()`, which turns any failure (refused connection, timeout,
HTTP 4xx/5xx, authentication challenge) into a one-line RemoteError with the server's own
message (Virtuoso answers HTML, Oxigraph plain text) and never shows a user name, a password
or an Authorization header.

Every request has a total deadline (`timeout` seconds from the start of the call to the last
byte of the answer), not only a timeout per read: a server that answers one byte at a time is
cut off at the deadline. The sockets of a request are registered with a watchdog that shuts
them down when the deadline passes (sessions made by `session_for` track their sockets); the
answer is read in chunks, and at most MAX_RESPONSE_BYTES of it.
"""
from __future__ import annotations

import base64
import re
import threading
import time

from ..errors import GraphkitError, ResourceLimitError, SparqlEndpointError, shorten

DEFAULT_TIMEOUT = 60.0  # seconds, for every HTTP request to a server
#: the largest answer read from a server (a bigger one is refused, not parsed)
MAX_RESPONSE_BYTES = 512 * 1024 * 1024
#: how much of an error page is read for its message
ERROR_BODY_BYTES = 64 * 1024

#: what every failure of a SPARQL server raises (graphkit.sparql.RemoteError, as before)
RemoteError = SparqlEndpointError


def make_auth(user: str | None, password: str | None, scheme: str = "basic"):
    """A requests auth object for Basic or Digest (Virtuoso's *-auth endpoints take Digest only)."""
    if not user and not password:
        return None
    if not user or password is None:
        raise GraphkitError("authentication needs both a user and a password "
                            "(--user/--password or GRAPHKIT_SPARQL_USER/GRAPHKIT_SPARQL_PASSWORD)")
    from requests.auth import HTTPBasicAuth, HTTPDigestAuth

    if scheme == "basic":
        return HTTPBasicAuth(user, password)
    if scheme == "digest":
        return HTTPDigestAuth(user, password)
    raise GraphkitError(f"unknown authentication scheme '{scheme}' (basic or digest)")


def normalize_auth(auth):
    if isinstance(auth, tuple):
        return make_auth(auth[0], auth[1], auth[2] if len(auth) > 2 else "basic")
    return auth


def _secrets(auth) -> list[str]:
    """The strings of `auth` that must never be shown, longest first: password, user name, and
    the Basic Authorization value a server may echo back."""
    user, password = getattr(auth, "username", None), getattr(auth, "password", None)
    secrets = [password, user]
    if isinstance(user, str) and isinstance(password, str):
        pair = f"{user}:{password}".encode()
        secrets.append(base64.b64encode(pair).decode("ascii"))
        secrets.append(base64.b64encode(pair).decode("ascii").rstrip("="))
    return sorted((s for s in secrets if isinstance(s, str) and len(s) >= 3), key=len, reverse=True)


#: an Authorization header echoed in a server's message (any scheme): its value is hidden
_AUTH_HEADER = re.compile(r"(?i)\b((?:proxy-)?authorization\b[\"']?\s*[:=]\s*[\"']?)"
                          r"(?:(?:basic|bearer|digest|negotiate)\s+)?[^\s,;\"']+")


def public_url(url: str) -> str:
    """The URL without user:password@ (never print credentials), shortened for messages."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
        if "@" in parts.netloc:
            url = urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
    except ValueError:  # not even a URL ("http://[::1/"): hide anything before an '@'
        url = re.sub(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/?#]*@", r"\1", url)
    return shorten(url, 300)


def redact(text: str, auth) -> str:
    for secret in _secrets(auth):
        text = text.replace(secret, "***")
    return _AUTH_HEADER.sub(lambda m: m.group(1) + "***", text)


def check_url(url: str, what: str = "endpoint") -> str:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as exc:
        raise GraphkitError(f"{what} is not a valid URL ({exc}): {public_url(url)}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise GraphkitError(f"{what} must be an http(s) URL, got '{public_url(url)}'")
    return url


def server_message(response) -> str:
    """The useful line of an error page (Virtuoso answers HTML, Oxigraph plain text)."""
    text = response.text or ""
    if "<" in text and ">" in text:
        for tag in ("xmp", "pre", "h3", "title"):
            found = re.search(rf"<{tag}[^>]*>(.*?)</{tag}>", text, re.S | re.I)
            if found and found.group(1).strip():
                text = found.group(1)
                break
        text = re.sub(r"<[^>]+>", " ", text)
    text = text.split("SPARQL query:")[0]
    return shorten(text, 300)


def http(session, method: str, url: str, *, what: str, timeout: float, auth=None,
         max_bytes: int | None = None, **kwargs):
    """One HTTP request, answered in full within `timeout` seconds (a total deadline); every
    failure becomes a one-line RemoteError without credentials. The body is read here (at most
    `max_bytes`): `response.content` is ready when this returns."""
    import requests

    shown = public_url(url)
    check_url(url)
    max_bytes = MAX_RESPONSE_BYTES if max_bytes is None else max_bytes
    with Deadline(timeout) as deadline:
        try:
            response = session.request(method, url, timeout=(timeout, timeout), stream=True, **kwargs)
            try:
                _read_body(response, deadline, max_bytes, shown)
            finally:
                response.close()
            if deadline.fired:  # cut while reading the headers: what came is not the answer
                raise OSError("deadline")
        except ResourceLimitError:
            raise
        except requests.exceptions.ConnectTimeout:
            raise RemoteError(f"cannot reach {shown}: connection timed out") from None
        except (requests.exceptions.RequestException, OSError, ValueError) as exc:
            if deadline.expired():
                raise RemoteError(f"{shown} did not answer within {timeout:g} s ({what}); "
                                  "raise --timeout") from None
            if "Connection aborted" in str(exc):  # reached, but no valid HTTP answer came back
                raise RemoteError(f"{what} at {shown} failed: no valid HTTP answer "
                                  f"({redact(_short(_innermost(exc)), auth)})") from None
            if isinstance(exc, requests.exceptions.ConnectionError) and not isinstance(
                    exc, requests.exceptions.ChunkedEncodingError):
                reason = "connection refused" if "refused" in str(exc).lower() else redact(_short(exc), auth)
                raise RemoteError(f"cannot reach {shown}: {reason}") from None
            raise RemoteError(f"{what} at {shown} failed: {redact(_short(exc), auth)}") from None
    if response.status_code == 401:
        challenge = response.headers.get("WWW-Authenticate", "").split(" ", 1)[0].lower()
        ours = "digest" if type(auth).__name__ == "HTTPDigestAuth" else "basic"
        other = "basic" if ours == "digest" else "digest"
        if auth is None:
            hint = "; the server wants credentials (--user/--password)"
        elif challenge == other:
            hint = f"; the server asks for {other.capitalize()} authentication: use --auth {other}"
        elif not challenge:  # Virtuoso answers a Basic attempt on a Digest endpoint with no challenge
            hint = f"; check the user and password (or the scheme: --auth {other})"
        else:
            hint = "; check the user and password"
        raise RemoteError(f"{what} at {shown}: authentication failed (HTTP 401){hint}")
    if response.status_code >= 400:
        message = redact(server_message(response), auth)
        reason = redact(shorten(response.reason or "", 80), auth)
        raise RemoteError(f"{what} at {shown} was refused (HTTP {response.status_code}"
                          f"{' ' + reason if reason else ''}){': ' + message if message else ''}")
    return response


def _read_body(response, deadline: Deadline, max_bytes: int, shown: str) -> None:
    """Read the whole body into response._content, in chunks (the deadline's watchdog cuts a
    slow drip); refuse a body over max_bytes."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes and response.status_code < 400:
        raise ResourceLimitError(f"{shown} answered {int(declared):,} bytes, more than the "
                                 f"{max_bytes:,} graphkit reads")
    if response.status_code >= 400:  # an error page: its first lines are enough for the message
        max_bytes, refuse = ERROR_BODY_BYTES, False
    else:
        refuse = True
    parts, size = [], 0
    for chunk in response.iter_content(64 * 1024):
        size += len(chunk)
        if size > max_bytes:
            if not refuse:
                parts.append(chunk[:max_bytes - size + len(chunk)])
                break
            raise ResourceLimitError(f"{shown} answered more than the {max_bytes:,} bytes graphkit reads")
        parts.append(chunk)
        if deadline.expired():
            raise OSError("deadline")
    response._content = b"".join(parts)  # what requests' .content/.text/.json() read


class Deadline:
    """A total time limit for the requests made inside `with Deadline(seconds):` in this thread.

    Sockets created or used meanwhile by a tracked session (session_for) are shut down when the
    time is up, which ends any blocking read or write on them at once.
    """

    _current = threading.local()

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.sockets: list = []
        self.fired = False
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def expired(self) -> bool:
        return self.fired or time.monotonic() >= self.end

    def track(self, sock) -> None:
        with self._lock:
            if sock is not None and all(s is not sock for s in self.sockets):
                self.sockets.append(sock)
            fired = self.fired
        if fired:
            _shut(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            sockets = list(self.sockets)
        for sock in sockets:
            _shut(sock)

    def __enter__(self) -> Deadline:
        self.previous = getattr(Deadline._current, "value", None)
        Deadline._current.value = self
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()
        Deadline._current.value = self.previous

    @staticmethod
    def current() -> Deadline | None:
        return getattr(Deadline._current, "value", None)


def _shut(sock) -> None:
    import socket

    try:
        sock.shutdown(socket.SHUT_RDWR)
    except (OSError, ValueError):
        pass


def _tracked(connection_class):
    """A urllib3 connection class whose sockets are registered with the current Deadline."""

    class Tracked(connection_class):
        def _new_conn(self):
            sock = super()._new_conn()
            deadline = Deadline.current()
            if deadline is not None:
                deadline.track(sock)
            return sock

        def request(self, *args, **kwargs):
            deadline = Deadline.current()
            if deadline is not None and self.sock is not None:
                deadline.track(self.sock)
            return super().request(*args, **kwargs)

        def getresponse(self, *args, **kwargs):
            deadline = Deadline.current()
            if deadline is not None and self.sock is not None:
                deadline.track(self.sock)
            return super().getresponse(*args, **kwargs)

    Tracked.__name__ = f"Deadline{connection_class.__name__}"
    return Tracked


def _deadline_adapter():
    """A requests adapter whose connections (direct or through a proxy) obey Deadline."""
    from requests.adapters import HTTPAdapter
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    class HTTPPool(HTTPConnectionPool):
        ConnectionCls = _tracked(HTTPConnectionPool.ConnectionCls)

    class HTTPSPool(HTTPSConnectionPool):
        ConnectionCls = _tracked(HTTPSConnectionPool.ConnectionCls)

    pools = {"http": HTTPPool, "https": HTTPSPool}

    class DeadlineAdapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = pools

        def proxy_manager_for(self, proxy, **proxy_kwargs):
            manager = super().proxy_manager_for(proxy, **proxy_kwargs)
            manager.pool_classes_by_scheme = pools
            return manager

    return DeadlineAdapter(max_retries=0)


def _innermost(exc: BaseException) -> BaseException:
    """The exception at the bottom of requests' and urllib3's wrapping (args[0], then args[-1])."""
    for _ in range(5):
        inner = next((a for a in reversed(exc.args) if isinstance(a, BaseException)), None)
        if inner is None:
            return exc
        exc = inner
    return exc


def _short(exc: BaseException) -> str:
    return shorten(str(exc) or type(exc).__name__, 200)


def session_for(auth, url: str):
    from urllib.parse import urlsplit

    import requests

    session = requests.Session()
    session.auth = auth
    adapter = _deadline_adapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    # A server on this machine is reached directly, whatever HTTP(S)_PROXY says; others follow
    # the environment (proxies, CA bundles) like any requests client.
    session.trust_env = urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1")
    session.headers["User-Agent"] = "graphkit-sparql"
    return session
