"""HTTP to SPARQL servers: sessions, authentication, one-line errors, no credentials shown.

Every request goes through `http()`, which turns any failure (refused connection, timeout,
HTTP 4xx/5xx, authentication challenge) into a one-line RemoteError with the server's own
message (Virtuoso answers HTML, Oxigraph plain text) and never shows a user name or password.
"""
from __future__ import annotations

import re

from ..errors import GraphkitError, SparqlEndpointError

DEFAULT_TIMEOUT = 60.0  # seconds, for every HTTP request to a server

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
    secrets = [getattr(auth, "password", None), getattr(auth, "username", None)]
    return [s for s in secrets if isinstance(s, str) and len(s) >= 3]


def public_url(url: str) -> str:
    """The URL without user:password@ (never print credentials)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def redact(text: str, auth) -> str:
    for secret in _secrets(auth):
        text = text.replace(secret, "***")
    return text


def check_url(url: str, what: str = "endpoint") -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
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
    text = " ".join(text.split())
    return text[:300] + ("..." if len(text) > 300 else "")


def http(session, method: str, url: str, *, what: str, timeout: float, auth=None, **kwargs):
    """One HTTP request; every failure becomes a one-line RemoteError without credentials."""
    import requests

    shown = public_url(url)
    try:
        # one timeout for connecting, sending and each read: a server busy replacing a big graph
        # may not read the next request body for a while
        response = session.request(method, url, timeout=timeout, **kwargs)
    except requests.exceptions.ConnectTimeout:
        raise RemoteError(f"cannot reach {shown}: connection timed out") from None
    except requests.exceptions.ReadTimeout:
        raise RemoteError(f"{shown} did not answer within {timeout:g} s ({what}); raise --timeout") from None
    except requests.exceptions.ConnectionError as exc:
        reason = "connection refused" if "refused" in str(exc).lower() else redact(_short(exc), auth)
        raise RemoteError(f"cannot reach {shown}: {reason}") from None
    except requests.exceptions.RequestException as exc:
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
        raise RemoteError(f"{what} at {shown} was refused (HTTP {response.status_code}"
                          f"{' ' + response.reason if response.reason else ''}){': ' + message if message else ''}")
    return response


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:200]


def session_for(auth, url: str):
    from urllib.parse import urlsplit

    import requests

    session = requests.Session()
    session.auth = auth
    # A server on this machine is reached directly, whatever HTTP(S)_PROXY says; others follow
    # the environment (proxies, CA bundles) like any requests client.
    session.trust_env = urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1")
    session.headers["User-Agent"] = "graphkit-sparql"
    return session
