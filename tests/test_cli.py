"""The command line as a user meets it: help, exit codes, stdout/stderr separation."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import EXAMPLES


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "communique", *args], input=stdin, capture_output=True, text=True, timeout=300
    )


def test_help_lists_the_main_commands() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("analyze", "events", "quotes", "eval"):
        assert command in result.stdout


def test_analyze_example_prints_one_json_object_on_stdout() -> None:
    result = run("analyze", str(EXAMPLES / "iran_russia_talks.txt"))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"article", "actors", "quotes", "events"}
    assert data["article"]["text"].startswith("Iran and Russia")


def test_missing_file_is_reported_on_stderr_with_exit_1() -> None:
    result = run("analyze", "no/such/file.txt")
    assert result.returncode == 1
    assert "no/such/file.txt" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_unknown_option_is_a_usage_error() -> None:
    result = run("analyze", "--no-such-option", "x")
    assert result.returncode == 2
