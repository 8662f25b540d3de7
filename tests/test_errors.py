"""Errors and exit codes: one family per code, one line on stderr, never a traceback."""
import base64
import socket
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from graphkit import errors
from graphkit.cli import main
from graphkit.cli.common import command_line_secrets, report_error

ROOT = Path(__file__).resolve().parents[1]
INVALID = ROOT / "tests" / "data" / "invalid"
SEED = ROOT / "seed_data"


def graphkit(*args: str, **kwargs) -> subprocess.CompletedProcess:
    """The real command in a child process: exit code and stderr exactly as a script sees them."""
    return subprocess.run([sys.executable, "-m", "graphkit", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120, **kwargs)


def one_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_exit_codes_are_distinct_and_documented():
    codes = [errors.EXIT_OK, errors.EXIT_INVALID_DATA, errors.EXIT_USAGE, errors.EXIT_REMOTE, errors.EXIT_LIMIT,
             errors.EXIT_INTERNAL]
    assert codes == [0, 1, 2, 3, 4, 5]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    security = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    for code in errors.EXIT_CODES:
        assert f"| {code} |" in readme and f"| {code} |" in security, code


def test_every_error_class_is_a_graphkit_error_with_its_family_code():
    families = {errors.InvalidDataError: 1, errors.ValidationError: 1, errors.QueryError: 2,
                errors.SparqlSyntaxError: 2, errors.CypherSyntaxError: 2, errors.RemoteError: 3,
                errors.SparqlEndpointError: 3, errors.Neo4jError: 3, errors.FalkorDBError: 3,
                errors.QueryTimeout: 4, errors.TooManyRows: 4, errors.MemoryLimitExceeded: 4}
    for cls, code in families.items():
        assert issubclass(cls, errors.GraphkitError) and cls.exit_code == code, cls


def test_invalid_data_exits_1_with_one_line_per_problem():
    result = graphkit("check", str(INVALID / "many.yaml"))
    assert result.returncode == errors.EXIT_INVALID_DATA
    lines = result.stderr.splitlines()
    assert lines[0] == "error: 7 problems found:" and len(lines) == 8
    assert all(line.startswith("tests/data/invalid/many.yaml:") for line in lines[1:])
    assert any(line.startswith("tests/data/invalid/many.yaml:3: unknown entity type 'Startup'") for line in lines)
    assert result.stdout == ""


def test_usage_errors_exit_2_on_one_line():
    unknown_option = graphkit("check", "--no-such-option")
    assert unknown_option.returncode == errors.EXIT_USAGE
    assert one_line(unknown_option.stderr) == ("error: No such option '--no-such-option' "
                                               "(see 'python -m graphkit check --help')")
    unknown_entity = graphkit("path", "Aple", "alibaba")
    assert unknown_entity.returncode == errors.EXIT_USAGE
    assert one_line(unknown_entity.stderr).startswith("error: no entity 'Aple' (did you mean: apple (Apple)")
    missing = graphkit("check", "no/such/folder")
    assert missing.returncode == errors.EXIT_USAGE
    assert one_line(missing.stderr) == "error: no such file or directory: no/such/folder"


def test_server_down_exits_3_on_one_line():
    port = closed_port()
    result = graphkit("cypher", "RETURN 1", "--uri", f"bolt://127.0.0.1:{port}")
    assert result.returncode == errors.EXIT_REMOTE
    assert one_line(result.stderr).startswith(f"error: cannot connect to bolt://127.0.0.1:{port}")


def test_the_one_handler_maps_each_family(capsys):
    cases = [
        (errors.ValidationError([errors.Problem("a.yaml", 3, "bad")]), 1, "error: 1 problem found:\na.yaml:3: bad\n"),
        (errors.QueryError("no query named 'x'"), 2, "error: no query named 'x'\n"),
        (errors.SparqlEndpointError("http://h/sparql: HTTP 500"), 3, "error: http://h/sparql: HTTP 500\n"),
        (errors.QueryTimeout("the query ran past --timeout 1 s"), 4, "error: the query ran past --timeout 1 s\n"),
        (MemoryError(), 4, "error: out of memory"),
        (KeyboardInterrupt(), 130, "interrupted\n"),
        (click.UsageError("give a QUERY"), 2, "error: give a QUERY\n"),
        (BrokenPipeError(32, "Broken pipe"), 0, ""),
    ]
    for exc, code, text in cases:
        assert report_error(exc) == code, exc
        assert capsys.readouterr().err.startswith(text), exc


def test_an_unexpected_exception_is_one_line_asking_for_a_report(capsys, monkeypatch):
    monkeypatch.delenv("GRAPHKIT_TRACEBACK", raising=False)
    assert report_error(ZeroDivisionError("division by zero")) == errors.EXIT_INTERNAL
    err = capsys.readouterr().err
    assert err.startswith("internal error: ZeroDivisionError: division by zero")
    assert "please report" in err and err.count("\n") == 1


def test_an_unexpected_exception_in_a_command_exits_5(monkeypatch):
    """A bug inside a command (here: the library raising something it should not) goes
    through the same handler: one line, exit code 5, no traceback."""
    import graphkit.api

    def broken(*args, **kwargs):
        raise KeyError("oops")

    monkeypatch.setattr(graphkit.api, "check", broken)
    result = CliRunner().invoke(main, ["check", str(SEED)])
    assert result.exit_code == errors.EXIT_INTERNAL
    assert result.stderr.startswith("internal error: KeyError: 'oops'") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_messages_never_carry_a_huge_value_or_a_newline(capsys):
    report_error(errors.GraphkitError("value " + "x" * 100_000 + "\nsecond line"))
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and len(err) < 2100 and err.rstrip().endswith("…")


def test_credentials_from_the_command_line_and_environment_are_never_printed(capsys, monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", "env-s3cret")
    args = ["sparql", "ASK {}", "--user", "bob", "--password", "cli-s3cret"]
    secrets = command_line_secrets(args)
    basic = base64.b64encode(b"bob:cli-s3cret").decode()
    assert {"cli-s3cret", "env-s3cret", basic} <= set(secrets)
    echoed = errors.SparqlEndpointError(f"server said: bad request (Authorization: Basic {basic}; "
                                        "password=cli-s3cret; env-s3cret)")
    assert report_error(echoed, secrets=secrets) == errors.EXIT_REMOTE
    err = capsys.readouterr().err
    assert "s3cret" not in err and basic not in err and err.count("***") == 3


@pytest.mark.parametrize("value", ["0", "abc"])
def test_click_errors_name_the_help_command(value):
    result = graphkit("path", "apple", "alibaba", "--limit", value)
    assert result.returncode == errors.EXIT_USAGE
    assert one_line(result.stderr).endswith("(see 'python -m graphkit path --help')")


def test_library_misuse_raises_type_or_value_errors(seed_graph):
    from graphkit.analysis import rank
    from graphkit.cypher import check_params
    from graphkit.page import render_page

    with pytest.raises(TypeError):
        check_params(["not", "a", "mapping"])
    with pytest.raises(ValueError, match="unknown measure"):
        rank(seed_graph, measure="fame")
    with pytest.raises(ValueError, match="unknown layout"):
        render_page(seed_graph, layout="spiral")
