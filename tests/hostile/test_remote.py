"""A misbehaving SPARQL server (tests/hostile/hostile_server.py): every failure is one line on
stderr with exit code 3 (4 for a size cap), within --timeout as a total deadline, and never
shows a credential, even when the server echoes it back."""
from __future__ import annotations

import base64
import time

import pytest

from hostile.helpers import cli, cli_within, graphkit
from hostile.hostile_server import BEHAVIOURS, HostileServer

USER, PASSWORD = "alice", "s3cret-Pa55word"
BASIC = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()


@pytest.fixture(scope="module")
def server():
    with HostileServer() as running:
        yield running


def ask(url: str, *extra: str, timeout: float = 5, limit: float = 20):
    """`graphkit sparql 'ASK {}' --endpoint URL` in this process, in a thread that must end in
    `limit` seconds (a hang fails the test instead of blocking the suite)."""
    return cli_within(limit, "sparql", "ASK { ?s ?p ?o }", "--endpoint", url, "--timeout", str(timeout), *extra)


def one_line(run, code: int = 3) -> str:
    lines = run.error_lines()
    assert run.returncode == code, run.stderr
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    return lines[0]


def test_the_server_behaves_badly_in_every_documented_way():
    assert len(BEHAVIOURS) >= 15


def test_a_correct_answer_still_works(server):
    run = ask(f"{server.url}/ok")
    assert run.returncode == 0 and run.stdout == "true\n", run.stderr


def test_http_500_is_one_line_with_the_server_message(server):
    line = one_line(ask(f"{server.url}/500"))
    assert line == (f"error: query at {server.url}/500 was refused (HTTP 500 Internal Server Error): "
                    "boom: the store is on fire")


@pytest.mark.parametrize("path", ["/hang", "/drip", "/drip-headers"])
def test_a_slow_server_is_cut_at_the_total_deadline(server, path):
    run = ask(f"{server.url}{path}", timeout=0.6)  # a byte every 0.2 s: no single read waits 0.6 s
    assert one_line(run) == f"error: {server.url}{path} did not answer within 0.6 s (query); raise --timeout"
    assert run.seconds < 6, run.seconds  # the deadline, not a timeout per read


def test_the_deadline_holds_in_a_real_process(server):
    start = time.perf_counter()
    run = graphkit("sparql", "ASK {}", "--endpoint", f"{server.url}/drip", "--timeout", "1", timeout=30)
    assert run.returncode == 3 and "did not answer within 1 s" in run.stderr
    assert time.perf_counter() - start < 15


def test_an_endless_body_is_cut_at_the_size_cap(server, monkeypatch):
    from graphkit.sparql import http

    monkeypatch.setattr(http, "MAX_RESPONSE_BYTES", 1024 * 1024)
    line = one_line(ask(f"{server.url}/huge", timeout=20), code=4)
    assert line == f"error: {server.url}/huge answered more than the 1,048,576 bytes graphkit reads"


def test_a_huge_declared_body_is_refused_before_reading(server):
    line = one_line(ask(f"{server.url}/huge-declared", timeout=20), code=4)
    assert "answered 10,737,418,240 bytes, more than the" in line


@pytest.mark.parametrize("path, message", [
    ("/nested", "answered JSON nested too deeply to be SPARQL results ('application/sparql-results+json')"),
    ("/garbage", "answered a body that is not JSON ('application/sparql-results+json', 46 bytes, "),
    ("/not-object", "answered JSON that is not SPARQL results (a list, not an object)"),
    ("/bad-bindings", "answered an ASK query without a boolean"),
])
def test_a_body_that_is_not_sparql_results_is_described_truthfully(server, path, message):
    line = one_line(ask(f"{server.url}{path}"))
    assert message in line, line
    assert "got 'application/sparql-results+json'" not in line


def test_garbage_shows_how_the_body_starts(server):
    line = one_line(ask(f"{server.url}/garbage"))
    assert "it starts with '<html><body>I am not JSON at all</body></html>'" in line


@pytest.mark.parametrize("path", ["/echo", "/echo-reason", "/redirect-other-host"])
@pytest.mark.parametrize("scheme", ["basic", "digest"])
def test_credentials_are_never_printed_even_when_echoed(server, path, scheme):
    run = ask(f"{server.url}{path}", "--user", USER, "--password", PASSWORD, "--auth", scheme)
    line = one_line(run)
    for secret in (PASSWORD, BASIC, BASIC.rstrip("=")):
        assert secret not in run.stderr and secret not in run.stdout
    if path == "/echo" and scheme == "basic":
        assert "Authorization: ***" in line, line


def test_credentials_in_the_environment_and_the_url_are_never_printed(server):
    url = f"http://{USER}:{PASSWORD}@127.0.0.1:{server.server_address[1]}/echo"
    run = cli("sparql", "ASK {}", "--endpoint", url, env={"GRAPHKIT_SPARQL_USER": USER,
                                                          "GRAPHKIT_SPARQL_PASSWORD": PASSWORD})
    one_line(run)
    assert PASSWORD not in run.stderr and BASIC not in run.stderr


@pytest.mark.parametrize("path, message", [
    ("/redirect-loop", "Exceeded 30 redirects"),
    ("/redirect-file", "No connection adapters were found for 'file:///etc/passwd'"),
    ("/not-http", "failed: no valid HTTP answer"),
    ("/close", "failed: no valid HTTP answer"),
    ("/nowhere", "was refused (HTTP 404 Not Found): no such path"),
])
def test_protocol_failures_are_one_line(server, path, message):
    line = one_line(ask(f"{server.url}{path}"))
    assert message in line, line


@pytest.mark.parametrize("url, message", [
    ("http://[::1/sparql", "is not a valid URL (Invalid IPv6 URL): http://[::1/sparql"),
    ("http://127.0.0.1:99999/sparql", "is not a valid URL (Port out of range 0-65535)"),
    ("http://127.0.0.1:port/sparql", "is not a valid URL"),
    ("ftp://example.org/sparql", "must be an http(s) URL"),
    (f"http://{USER}:{PASSWORD}@[::1/sparql", "is not a valid URL"),
])
def test_malformed_endpoint_urls_are_usage_errors(url, message):
    run = cli("sparql", "ASK {}", "--endpoint", url)
    line = one_line(run, code=2)
    assert message in line and PASSWORD not in line, line


def test_an_unreachable_server_is_exit_3():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    line = one_line(ask(f"http://127.0.0.1:{port}/sparql"))
    assert line == f"error: cannot reach http://127.0.0.1:{port}/sparql: connection refused"


def test_push_to_a_failing_server_is_one_line(server, tmp_path):
    run = cli("push", "sparql", "--endpoint", f"{server.url}/500", "--graph", "https://example.org/g",
              "--store", f"{server.url}/500", "-d", "seed_data", "--timeout", "5")
    line = one_line(run)
    assert "was refused (HTTP 500" in line
