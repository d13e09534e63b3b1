"""`greatleap app` and the offline asset cache, without starting a server."""

from __future__ import annotations

import pytest

from greatleap.cli import main
from greatleap.visualization import assets, cli


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def exec_calls(monkeypatch):
    """Record the exec that would replace the CLI with `solara run`."""
    calls = []
    monkeypatch.setattr(cli.os, "execve", lambda path, argv, env: calls.append((argv, env)))
    return calls


def test_app_serves_the_module_in_production_on_loopback(exec_calls, capsys):
    assert not assets.missing(), "run `python -m greatleap.visualization.assets fill` first"
    port = str(free_port())
    assert main(["app", "--port", port]) == 0
    (argv, env), = exec_calls
    assert argv[argv.index("run") + 1] == "greatleap.visualization.app"
    assert argv[argv.index("--host") + 1] == "127.0.0.1" and argv[argv.index("--port") + 1] == port
    assert {"--production", "--no-open", "--no-check-version"} <= set(argv)
    assert env["SOLARA_ASSETS_PROXY_CACHE_DIR"] == str(assets.cache_dir())
    assert env["SOLARA_ASSETS_CDN"].startswith("http://127.0.0.1:")  # a miss never goes online
    assert "warning" not in capsys.readouterr().err


def test_app_warns_when_listening_beyond_loopback(exec_calls, capsys):
    assert main(["app", "--host", "0.0.0.0", "--port", str(free_port())]) == 0
    assert "anyone who can reach this machine" in capsys.readouterr().err


def test_app_fails_in_one_line_when_assets_are_missing(exec_calls, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("GREATLEAP_ASSETS_DIR", str(tmp_path / "empty"))
    assert main(["app", "--port", str(free_port())]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: assets:") and "assets fill" in err and "\n" not in err
    assert exec_calls == []


def test_bad_port_is_an_input_error(exec_calls, capsys):
    assert main(["app", "--port", "70000"]) == 2
    assert capsys.readouterr().err.strip() == "error: port: got 70000; allowed: a whole number in [1, 65535]"


@pytest.mark.parametrize("host,expected", [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                           ("0.0.0.0", False), ("192.168.1.5", False), ("example.org", False)])
def test_loopback_detection(host, expected):
    assert cli.is_loopback(host) is expected


def test_cache_counts_a_half_unpacked_package_as_missing(tmp_path):
    for spec in assets.needed_specs():
        (tmp_path / spec).mkdir(parents=True)
        (tmp_path / spec / "package.json").write_text("{}")
    assert assets.missing(tmp_path) == []
    first = assets.needed_specs()[0]
    (tmp_path / first / "package.json").unlink()
    (tmp_path / (first + ".part")).mkdir()
    assert assets.missing(tmp_path) == [first]


def test_a_port_already_in_use_is_a_one_line_error(exec_calls, capsys):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["app", "--port", str(port)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"error: port: 127.0.0.1:{port} is already in use (another dashboard?); choose another with --port"
    assert exec_calls == []


def test_an_address_this_machine_does_not_have_is_not_called_in_use(exec_calls, capsys):
    port = free_port()
    assert main(["app", "--host", "192.0.2.1", "--port", str(port)]) == 2  # TEST-NET-1: never local
    err = capsys.readouterr().err
    assert err.splitlines() == ["error: host: 192.0.2.1 is not an address of this machine; allowed: one of "
                                "its addresses, 127.0.0.1 (this machine only) or 0.0.0.0 (every address)"], err
    assert exec_calls == []


def test_communes_sets_the_world_a_new_tab_opens_on(exec_calls, monkeypatch):
    from greatleap.visualization.session import Session
    from greatleap.visualization.world_size import DEFAULT_SIZE, OPENING_COMMUNES_ENV

    monkeypatch.delenv(OPENING_COMMUNES_ENV, raising=False)
    assert main(["app", "--port", str(free_port()), "--communes", "2"]) == 0
    (_, env), = exec_calls
    assert env[OPENING_COMMUNES_ENV] == "2"
    monkeypatch.setenv(OPENING_COMMUNES_ENV, env[OPENING_COMMUNES_ENV])  # as the solara process sees it
    session = Session()
    assert session.values["n_communes"] == 2 and session.values["commune_side"] == DEFAULT_SIZE["commune_side"]
    assert session.runs[0].model.communes.n == 2  # the model built, not only the settings


def test_bad_communes_is_an_input_error(exec_calls, capsys):
    assert main(["app", "--port", str(free_port()), "--communes", "101"]) == 2
    assert capsys.readouterr().err.strip() == "error: communes: got 101; allowed: a whole number in [1, 100]"
    assert exec_calls == []
