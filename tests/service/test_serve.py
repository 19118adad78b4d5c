"""`roster serve` refuses what it cannot serve on before it starts: exit 2, one line
naming the flag and its value, and no store made (no data folder left behind)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from scheduler.cli import main


def _refused(args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    data = tmp_path / "data"
    assert main(["serve", "--data", str(data), *args]) == 2
    assert not data.exists()
    lines: list[str] = capsys.readouterr().err.strip().splitlines()
    return lines[-1]


def test_a_port_in_use_is_refused_before_the_store_is_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as held:  # another program listening on the port
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        said = _refused(["--port", str(port)], tmp_path, capsys)
    assert (
        said == f"error: --port {port}: cannot listen on 127.0.0.1:{port}: address already in use"
    )


def test_a_host_that_is_not_this_machine_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine
    said = _refused(["--host", "192.0.2.1"], tmp_path, capsys)
    assert said.startswith("error: --host 192.0.2.1: not an address of this machine")
    # .invalid never resolves (RFC 2606)
    said = _refused(["--host", "nowhere.invalid"], tmp_path, capsys)
    assert said.startswith("error: --host nowhere.invalid: not an address of this machine")


@pytest.mark.parametrize(
    ("port", "words"), [("0", "must be 1 or more"), ("65536", "is not a port (1 to 65535)")]
)
def test_a_port_out_of_range_is_a_usage_error(
    port: str, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--data", str(tmp_path / "data"), "--port", port]) == 2
    assert f"argument --port: '{port}' {words}" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()
