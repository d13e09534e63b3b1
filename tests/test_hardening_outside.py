"""The outside world (issue 17): every path, address, file and number a user can hand greatleap ends,
when it is wrong, in one line naming the field and the reason, exit code 2, before any run and with
nothing written; outputs honour the umask. Hypothesis generates the cases (CI replays a fixed
sequence, as in test_properties.py); the machinery checked lives in greatleap/inputs.py (paths,
files, numbers, workers) and greatleap/experiments/engines.py (Dask addresses).

Figure (cases tried; printed at the end, and in docs/reliability.md):
``pytest tests/test_hardening_outside.py -s``.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import socket
import stat
import uuid
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import test_sweep_tasks as tasks
from greatleap.cli import main
from greatleap.errors import InputError
from greatleap.inputs import FORCED_WORKERS_PER_CPU, MAX_NESTING, MAX_SEEDS, MAX_TOML_BYTES, check_workers, cpus
from greatleap.params import PARAMS

CASES: Counter = Counter()
FAST = settings(deadline=None, derandomize=bool(os.environ.get("CI")),
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.filter_too_much])
TRACEBACK = re.compile(r"Traceback|File \"|\.py\", line|Error\(")
TINY = ["--set", "n_communes=1", "--set", "commune_side=3", "--set", "end_year=1957"]
SPEC = """name = "outside"
scenarios = ["baseline"]
seeds = 1
output = "{output}"
[fixed]
n_communes = 1
commune_side = 3
"""
SENSITIVITY = SPEC + '[sample]\nmethod = "morris"\nn = 1\nparams = ["weather_scale", "markup_career"]\n'


def fast(n: int) -> settings:
    return settings(FAST, max_examples=n)


@contextlib.contextmanager
def deadline(seconds: int = 20):
    """A command that would block (a FIFO read, a list of 10^19 seeds) fails the test instead."""
    def hung(*_):
        raise AssertionError(f"no answer within {seconds} s")
    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def cli(argv: list[str], cwd: Path | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.ExitStack() as stack:
        if cwd is not None:
            stack.enter_context(contextlib.chdir(cwd))
        stack.enter_context(contextlib.redirect_stdout(out))
        stack.enter_context(contextlib.redirect_stderr(err))
        stack.enter_context(deadline())
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def lessons(argv: list[str]) -> tuple[int, str, str]:
    from greatleap.lessons.__main__ import main as lessons_main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), deadline():
        try:
            code = lessons_main(argv)
        except SystemExit as exc:  # argparse's own errors
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def refused(result: tuple[int, str, str], field: str | None) -> str:
    code, out, err = result
    assert code == 2, (code, out, err)
    assert err.startswith("error: ") and err.count("\n") == 1 and "\r" not in err, err
    assert not TRACEBACK.search(err), err
    if field is not None:
        assert err.startswith(f"error: {field}"), (field, err)
    quoted = err.split("; allowed:")[0]  # the allowed values are the project's own, and grow with its presets
    assert len(quoted) < 600, f"an error quoting {len(quoted)} characters"
    return err


def listing(folder: Path) -> list[str]:
    """Every name below ``folder`` (symbolic links not followed: the arena holds a loop)."""
    return sorted(os.path.relpath(os.path.join(top, name), folder)
                  for top, dirs, files in os.walk(folder) for name in dirs + files)


# ---- a folder full of things that are not writable folders -----------------------------------------
@pytest.fixture(scope="module")
def arena(tmp_path_factory):
    """A file, a FIFO, a socket and a symbolic-link loop to give as folders; spec files beside it."""
    root = tmp_path_factory.mktemp("arena")
    things = root / "things"
    things.mkdir()
    (things / "afile").write_text("not a folder\n")
    os.mkfifo(things / "fifo")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(things / "sock"))
    (things / "loop1").symlink_to(things / "loop2")
    (things / "loop2").symlink_to(things / "loop1")
    specs = root / "specs"
    specs.mkdir()
    (specs / "spec.toml").write_text(SPEC.format(output=root / "results"))
    (specs / "sensitivity.toml").write_text(SENSITIVITY.format(output=root / "results"))
    yield root
    sock.close()


def bad_folders(things: Path):
    """(path, what it is) pairs no command may write into."""
    long_name = st.integers(256, 400).map(lambda n: str(things / ("n" * n)))
    wide_name = st.integers(128, 200).map(lambda n: str(things / ("é" * n)))  # 2 bytes a character
    long_path = st.integers(21, 40).map(lambda n: str(things / "/".join(["d" * 200] * n)))
    special = st.sampled_from([
        "", str(things / "afile"), str(things / "afile" / "sub"), str(things / "afile" / "a" / "b"),
        "/dev/null", "/dev/zero", "/dev/full", "/dev/null/x", str(things / "fifo"), str(things / "fifo" / "x"),
        str(things / "sock"), str(things / "loop1"), str(things / "loop1" / "x"), str(things / "a\x00b"),
    ])
    return st.one_of(special, long_name, wide_name, long_path)


OUTPUT_COMMANDS = {  # command -> (argv with OUT for the folder, the field the error names)
    "run": (["run", *TINY, "--out", "OUT"], "--out"),
    "run --overwrite": (["run", *TINY, "--overwrite", "--out", "OUT"], "--out"),
    "sweep --out": (["sweep", "SPEC", "--workers", "0", "--quiet", "--out", "OUT"], "--out"),
    "sweep output": (["sweep", "OUTSPEC", "--workers", "0", "--quiet"], "output"),
    "sensitivity": (["sensitivity", "SENSITIVITY", "--workers", "0", "--quiet", "--out", "OUT"], "--out"),
    "validate": (["validate", "--seeds", "1", "--size", "small", "--workers", "1", "--quiet", "--out", "OUT"], "--out"),
    "report": (["report", "OUT"], "sweep_dir"),
    "sensitivity DIR": (["sensitivity", "OUT"], "sweep_dir"),
    "sweep --verify": (["sweep", "--verify", "OUT"], "verify"),
    "lessons docs": (["docs", "OUT"], "folder"),
}


@fast(150)
@given(data=st.data(), command=st.sampled_from(sorted(OUTPUT_COMMANDS)))
def test_any_output_folder_that_cannot_be_a_folder_is_one_line_and_nothing_is_written(arena, data, command):
    things = arena / "things"
    path = data.draw(bad_folders(things), label="path")
    argv, field = OUTPUT_COMMANDS[command]
    before = listing(arena)
    if command == "sweep output":
        if "\x00" in path:
            return  # TOML cannot hold a NUL character
        spec = arena / "specs" / f"out-{uuid.uuid4().hex}.toml"
        spec.write_text(SPEC.format(output=path.replace("\\", "\\\\").replace('"', '\\"')))
    else:
        spec = None
    files = {"OUT": path, "SPEC": str(arena / "specs" / "spec.toml"), "OUTSPEC": str(spec),
             "SENSITIVITY": str(arena / "specs" / "sensitivity.toml")}
    argv = [files.get(a, a) for a in argv]
    CASES[f"output folder: {command}"] += 1
    if command == "sweep output" and path == "":
        field = "output"  # the spec's own check: "must be a folder path"
    refused(lessons(argv) if command == "lessons docs" else cli(argv, cwd=things), field)
    if spec is not None:
        spec.unlink()
    assert listing(arena) == before
    assert not (arena / "results").exists()


def test_out_empty_is_refused_not_taken_for_the_current_folder(tmp_path):
    """Before: `greatleap run --out ''` wrote its tables into the current folder."""
    err = refused(cli(["run", *TINY, "--out", ""], cwd=tmp_path), "--out")
    assert err == "error: --out: is empty; allowed: a folder name ('.' for the current folder)\n"
    assert list(tmp_path.iterdir()) == []


def test_the_issues_output_paths_each_name_the_reason(arena):
    things = arena / "things"
    cases = {
        "/dev/null": "is a device, not a folder",
        str(things / "afile" / "sub"): "afile is a file, so",
        str(things / "loop1" / "x"): "Too many levels of symbolic links",
        str(things / ("a" * 300)): "is 300 bytes long; allowed: at most 255 bytes per name",
        str(things / "/".join(["d" * 200] * 22)): "allowed: at most 3896",
        str(things / "fifo"): "is a pipe (FIFO), not a folder",
    }
    for path, reason in cases.items():
        for command in ("run", "sweep --out", "validate"):
            argv = [{"OUT": path, "SPEC": str(arena / "specs" / "spec.toml")}.get(a, a)
                    for a in OUTPUT_COMMANDS[command][0]]
            assert reason in refused(cli(argv, cwd=things), "--out"), (command, path)


def test_a_folder_holding_other_files_is_not_replaced_by_a_run(tmp_path):
    """A run's folder is replaced whole (never two runs' files side by side), so it must hold a
    run's tables and nothing else: a user's own file in it is refused, not swept away."""
    (tmp_path / "notes.txt").write_text("mine\n")
    err = refused(cli(["run", *TINY, "--out", str(tmp_path), "--overwrite"]), "--out")
    assert "holds files that are not a run's results ('notes.txt')" in err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


# ---- Dask scheduler addresses and scheduler files ----------------------------------------------------
BAD_ADDRESSES = ["http://127.0.0.1:8786", "ftp://127.0.0.1:21", "unix:///tmp/dask.sock", "tcp://", "tcp://:",
                 "inproc://x", "tls://127.0.0.1:8786", "ws://h:1", "tcp://h", "tcp://h:0", "tcp://h:65536",
                 "tcp://h:99999999999999999999", "tcp://h:1_0", "tcp://h:abc", "tcp://user@h:1", "tcp://h:1/x",
                 "tcp://h:1?x=1", "tcp://[::1", "tcp://h:+1", "tcp://h:-1", "127.0.0.1:8786", ""]


@fast(120)
@given(address=st.one_of(
    st.sampled_from(BAD_ADDRESSES),
    st.builds(lambda scheme, host, port: f"{scheme}://{host}:{port}",
              st.text(st.characters(whitelist_categories=("Ll",)), min_size=1, max_size=6).filter(lambda s: s != "tcp"),
              st.sampled_from(["127.0.0.1", "h", "[::1]"]), st.integers(1, 65535)),
    st.builds(lambda host, port: f"tcp://{host}:{port}", st.sampled_from(["127.0.0.1", "h", ""]),
              st.one_of(st.integers(max_value=0), st.integers(min_value=65536))),
    st.text(max_size=20).filter(lambda s: "://" not in s and not s.startswith("-")),
), command=st.sampled_from(["sweep", "sensitivity"]))
def test_any_bad_scheduler_address_is_one_line_before_anything_runs(arena, address, command):
    spec = arena / "specs" / ("spec.toml" if command == "sweep" else "sensitivity.toml")
    CASES["scheduler address"] += 1
    refused(cli([command, str(spec), "--scheduler", address.replace("\x00", ""), "--quiet"]), "scheduler")
    assert not (arena / "results").exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_address_where_nothing_listens_is_one_line_at_once(arena):
    address = f"tcp://127.0.0.1:{free_port()}"
    err = refused(cli(["sweep", str(arena / "specs" / "spec.toml"), "--scheduler", address, "--quiet"]), "scheduler")
    assert f"nothing listens at {address} (connection refused)" in err
    assert not (arena / "results").exists()


SCHEDULER_FILES = {  # contents -> what the error says
    b"": "is not JSON", b"garbage": "is not JSON", b"{}": 'has no "address"', b"[]": 'has no "address"',
    b'"tcp://127.0.0.1:1"': 'has no "address"', b'{"address": 5}': '"address" is 5, not a string',
    b'{"address": null}': '"address" is None, not a string', b'{"address": "http://h:1"}': "uses http://",
    b"\xff\xfe{}": "is not JSON", b"[" * 100_000: "is not JSON", b'{"address": "tcp://h:70000"}': "has port 70000",
}


@pytest.mark.parametrize("contents", list(SCHEDULER_FILES), ids=lambda c: repr(c[:20]))
def test_a_bad_scheduler_file_is_one_line(arena, tmp_path, contents):
    path = tmp_path / "scheduler.json"
    path.write_bytes(contents)
    CASES["scheduler file: contents"] += 1
    err = refused(cli(["sweep", str(arena / "specs" / "spec.toml"), "--scheduler-file", str(path)]), "scheduler_file")
    assert SCHEDULER_FILES[contents] in err, err


@pytest.mark.parametrize("which", ["folder", "fifo", "sock", "/dev/zero", "/dev/null", "missing", "", "big"])
def test_a_scheduler_file_that_is_not_a_small_regular_file_is_refused_without_reading_it(arena, tmp_path, which):
    path = {"folder": str(tmp_path), "fifo": str(arena / "things" / "fifo"), "sock": str(arena / "things" / "sock"),
            "missing": str(tmp_path / "nope.json"), "big": str(tmp_path / "big.json")}.get(which, which)
    if which == "big":
        Path(path).write_bytes(b" " * (MAX_TOML_BYTES + 1))
    CASES["scheduler file: not a file"] += 1
    err = refused(cli(["sweep", str(arena / "specs" / "spec.toml"), "--scheduler-file", path]), "scheduler_file")
    expected = {"folder": "is a folder", "fifo": "is a pipe (FIFO), not a regular file", "sock": "is a socket",
                "/dev/zero": "is a device", "/dev/null": "is a device", "missing": "no such file", "": "is empty",
                "big": f"allowed: a scheduler file of at most {MAX_TOML_BYTES:,} bytes"}[which]
    assert expected in err, err


@fast(60)
@given(contents=st.binary(max_size=60))
def test_any_bytes_as_a_scheduler_file_are_one_line(arena, tmp_path_factory, contents):
    path = tmp_path_factory.getbasetemp() / f"sched-{uuid.uuid4().hex}.json"
    path.write_bytes(contents)
    CASES["scheduler file: random bytes"] += 1
    refused(cli(["sweep", str(arena / "specs" / "spec.toml"), "--scheduler-file", str(path)]), "scheduler_file")
    path.unlink()


# ---- spec files: what they are, how big, how deep, how encoded ----------------------------------------
@pytest.mark.parametrize("which", ["fifo", "sock", "/dev/zero", "/dev/null", "/dev/urandom", "folder", "big"])
def test_a_spec_that_is_not_a_small_regular_file_is_refused_without_reading_it(arena, tmp_path, which):
    path = {"fifo": str(arena / "things" / "fifo"), "sock": str(arena / "things" / "sock"), "folder": str(tmp_path),
            "big": str(tmp_path / "big.toml")}.get(which, which)
    if which == "big":
        Path(path).write_text("# padding\n" * (MAX_TOML_BYTES // 10 + 1))
    CASES["spec file: not a small regular file"] += 1
    err = refused(cli(["sweep", path, "--quiet"]), "spec")  # a FIFO used to wait for ever, /dev/zero to fill memory
    assert {"fifo": "pipe (FIFO)", "sock": "socket", "folder": "is a folder", "big": "of at most"}.get(which, "device") in err


def nested(kind: str, depth: int) -> str:
    if kind == "arrays":
        return 'output = "o"\nx = ' + "[" * depth + "]" * depth + "\n"
    if kind == "inline tables":
        return 'output = "o"\nx = ' + "{ a = " * depth + "1" + " }" * depth + "\n"
    if kind == "dotted keys":
        return 'output = "o"\n' + ".".join(["a"] * depth) + " = 1\n"
    return 'output = "o"\n[' + ".".join(["a"] * depth) + "]\n"  # a table header


@fast(40)
@given(kind=st.sampled_from(["arrays", "inline tables", "dotted keys", "headers"]),
       depth=st.one_of(st.integers(MAX_NESTING + 1, 60), st.integers(500, 6000)))
def test_any_deeply_nested_spec_is_one_line_not_a_recursion_error(tmp_path_factory, kind, depth):
    """Before: 5,000 nested arrays ended in a RecursionError with a 3,000-line traceback."""
    path = tmp_path_factory.getbasetemp() / f"deep-{uuid.uuid4().hex}.toml"
    path.write_text(nested(kind, depth))
    CASES["spec file: deep nesting"] += 1
    err = refused(cli(["sweep", str(path), "--quiet"]), "spec")
    assert "nests arrays or tables" in err and f"at most {MAX_NESTING} levels" in err, err
    path.unlink()


def test_a_byte_order_mark_is_accepted_and_utf16_is_named(tmp_path):
    from greatleap.experiments.spec import load_spec

    text = SPEC.format(output=tmp_path / "out")
    plain, bom, utf16 = tmp_path / "plain.toml", tmp_path / "bom.toml", tmp_path / "utf16.toml"
    plain.write_text(text, encoding="utf-8")
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))  # as Windows Notepad saves UTF-8
    utf16.write_text(text, encoding="utf-16")
    assert load_spec(bom) == load_spec(plain)
    with pytest.raises(InputError) as err:
        load_spec(utf16)
    assert "UTF-16 byte-order mark" in err.value.problem and "save it again as UTF-8" in err.value.problem
    CASES["spec file: byte-order marks"] += 2


@fast(60)
@given(data=st.data(), size=st.integers(1_000, 100_000))
def test_a_huge_refused_value_is_quoted_as_a_short_excerpt(tmp_path_factory, data, size):
    """Before: a refused list of 10^7 values was echoed back as one 50 MB error line."""
    p = data.draw(st.sampled_from([p for p in PARAMS.values() if p.type in (int, float)]))
    where = data.draw(st.sampled_from(["fixed list", "fixed text", "vary repeats", "scenarios", "set"]))
    CASES[f"huge value: {where}"] += 1
    if where == "set":
        refused(cli(["run", "--set", f"{p.name}={'9' * size}x", "--out", str(tmp_path_factory.getbasetemp() / "no")]),
                p.name)
        return
    body = {"fixed list": f"[fixed]\n{p.name} = [{', '.join(['1'] * size)}]\n",
            "fixed text": f"[fixed]\n{p.name} = \"{'x' * size}\"\n",
            "vary repeats": f"[vary]\n{p.name} = [{', '.join([repr(p.default)] * size)}]\n".replace("True", "true")
            .replace("False", "false"),
            "scenarios": f"scenarios = [{', '.join(['1'] * size)}]\n"}[where]
    path = tmp_path_factory.getbasetemp() / f"huge-{uuid.uuid4().hex}.toml"
    path.write_text(f'output = "{tmp_path_factory.getbasetemp() / "no"}"\n' + body)
    refused(cli(["sweep", str(path), "--quiet"]), None)
    path.unlink()


# ---- numbers typed on the command line ---------------------------------------------------------------
NUMERIC = [p for p in PARAMS.values() if p.type in (int, float)]


@fast(80)
@given(p=st.sampled_from(NUMERIC), a=st.integers(0, 99), b=st.integers(0, 99),
       form=st.sampled_from(["{a}_{b}", "{a}_{b}.5", "{a}.{b}_1", "1e1_0", "٣", "{a}\u0660"]))
def test_a_number_with_underscores_or_other_digits_is_refused_not_read_as_another_number(tmp_path_factory, p, a, b,
                                                                                        form):
    """Before: `--set n_communes=2_0` ran 20 communes (Python's int() reads "2_0" as 20)."""
    text = form.format(a=a, b=b)
    CASES["numbers: --set with underscores"] += 1
    out = tmp_path_factory.getbasetemp() / f"no-{uuid.uuid4().hex}"
    err = refused(cli(["run", "--set", f"{p.name}={text}", "--out", str(out)]), p.name)
    assert f"got {text!r}" in err and not out.exists()


@pytest.mark.parametrize("argv", [
    ["run", "--seed", "1_0"], ["run", "--seed", "٣"], ["history", "--seeds", "1_0"], ["app", "--port", "8_765"],
    ["validate", "--seeds", "2_0"], ["sweep", "SPEC", "--workers", "1_0"], ["validate", "--workers", " ٢ "],
])
def test_an_option_number_with_underscores_is_refused(arena, argv):
    argv = [str(arena / "specs" / "spec.toml") if a == "SPEC" else a for a in argv]
    CASES["numbers: options with underscores"] += 1
    assert "is not a whole number (plain digits, no underscores)" in refused(cli(argv), argv[-2].lstrip("-"))


@fast(60)
@given(p=st.sampled_from(list(PARAMS.values())), command=st.sampled_from(["run", "history", "validate"]))
def test_a_parameter_set_twice_is_refused_naming_it(tmp_path_factory, p, command):
    """Before: a repeated --set silently took the last value."""
    value = {True: "true", False: "false"}.get(p.default, str(p.default)) if isinstance(p.default, bool) else str(p.default)
    out = tmp_path_factory.getbasetemp() / f"no-{uuid.uuid4().hex}"
    argv = [command, "--set", f"{p.name}={value}", "--set", f"{p.name}={value}"]
    argv += ["--out", str(out)] if command in ("run", "validate") else []
    CASES["numbers: --set twice"] += 1
    err = refused(cli(argv), p.name)
    assert "set twice" in err and "allowed: once per parameter" in err and not out.exists()


# ---- counts: seeds and workers -------------------------------------------------------------------------
@pytest.mark.parametrize("argv", [
    ["validate", "--seeds", "18446744073709551616"], ["validate", "--seeds", str(MAX_SEEDS + 1)],
    ["history", "--seeds", "100000"], ["validate", "--seeds", "0"],
])
def test_seeds_above_the_cap_are_refused_before_anything_is_built(argv, tmp_path):
    """Before: `validate --seeds 18446744073709551616` printed nothing while memory grew ~40 MB/s."""
    CASES["caps: --seeds"] += 1
    argv = argv + (["--out", str(tmp_path / "v")] if argv[0] == "validate" else [])
    assert f"allowed: a whole number in [1, {MAX_SEEDS}]" in refused(cli(argv), "seeds")
    assert not (tmp_path / "v").exists()


def test_lessons_check_refuses_seeds_and_workers_above_the_caps():
    CASES["caps: lessons check"] += 3
    assert "allowed: a whole number in [1, 1000]" in refused(lessons(["check", "--seeds", "1001"]), None)
    assert "not a whole number" in refused(lessons(["check", "--seeds", "1_0"]), None)
    assert "the CPUs this process may use" in refused(lessons(["check", "--workers", str(cpus() + 1)]), "workers")


@pytest.mark.parametrize("command", ["sweep", "sensitivity", "validate"])
@given(extra=st.integers(1, 10**6))
@settings(FAST, max_examples=10)
def test_more_workers_than_cpus_are_refused_with_the_reason(arena, command, extra):
    """Before: `sweep --workers 100000` started 41 processes using 10.6 GB for 40 runs."""
    workers = cpus() + extra
    argv = {"sweep": ["sweep", str(arena / "specs" / "spec.toml")],
            "sensitivity": ["sensitivity", str(arena / "specs" / "sensitivity.toml")],
            "validate": ["validate", "--out", str(arena / "results")]}[command] + ["--workers", str(workers), "--quiet"]
    CASES["caps: --workers"] += 1
    err = refused(cli(argv), "workers")
    assert f"allowed: at most {cpus()}, the CPUs this process may use" in err and "--force-workers" in err
    if workers > FORCED_WORKERS_PER_CPU * cpus():
        assert "even with --force-workers" in refused(cli(argv + ["--force-workers"]), "workers")
    assert not (arena / "results").exists()


def test_forced_workers_are_allowed_up_to_a_few_per_cpu():
    n = cpus()
    assert check_workers(n) == n and check_workers(None) is None and check_workers(0) == 0
    assert check_workers(FORCED_WORKERS_PER_CPU * n, force=True) == FORCED_WORKERS_PER_CPU * n
    for bad, force in ((n + 1, False), (FORCED_WORKERS_PER_CPU * n + 1, True), (-1, False)):
        with pytest.raises(InputError):
            check_workers(bad, force=force)


# ---- the umask --------------------------------------------------------------------------------------------
@contextlib.contextmanager
def umask(mask: int):
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


def modes(folder: Path) -> set[tuple[str, int]]:
    """(kind, permission bits) of every file and folder below ``folder`` (the lock file aside)."""
    return {("dir" if p.is_dir() else "file", stat.S_IMODE(p.stat().st_mode)) for p in folder.rglob("*")
            if p.name != ".lock"}


@pytest.mark.parametrize("mask, file_mode, dir_mode", [(0o022, 0o644, 0o755), (0o027, 0o640, 0o750),
                                                       (0o077, 0o600, 0o700)])
def test_outputs_honour_the_umask(tmp_path, mask, file_mode, dir_mode):
    """Before: every output was created 0600 whatever the umask, unreadable to colleagues."""
    spec = tasks.write_spec(tmp_path / "spec.toml", tmp_path / "sweep")
    with umask(mask):
        assert cli(["run", *TINY, "--out", str(tmp_path / "run")])[0] == 0
        assert cli(["sweep", str(spec), "--workers", "0", "--quiet", "--task", "test_sweep_tasks:stand_in"])[0] == 0
        assert modes(tmp_path / "run") == {("file", file_mode)}  # the fourteen table files
        assert modes(tmp_path / "sweep") == {("file", file_mode), ("dir", dir_mode)}  # parts in monthly/, summary/
        assert stat.S_IMODE((tmp_path / "run").stat().st_mode) == dir_mode
    CASES["umask"] += 1


# ---- the dashboard's address -------------------------------------------------------------------------------
@pytest.mark.parametrize("host, shown", [("::", "http://[::]:{port}/"), ("::1", "http://[::1]:{port}/"),
                                         ("0.0.0.0", "http://127.0.0.1:{port}/"), ("127.0.0.1", "http://127.0.0.1:{port}/")])
def test_the_dashboard_prints_a_url_a_browser_can_open(monkeypatch, capsys, host, shown):
    """Before: `--host ::` printed http://:::8793/."""
    import greatleap.visualization.cli as app_cli
    from greatleap.visualization import assets

    monkeypatch.setattr(assets, "missing", lambda: [])
    monkeypatch.setattr(app_cli, "check_listen", lambda host, port: None)  # binding :: needs IPv6 on the machine
    monkeypatch.setattr(app_cli.os, "execve", lambda *a: None)
    assert main(["app", "--host", host, "--port", "8793"]) == 0
    assert f"greatleap dashboard: {shown.format(port=8793)}  (Ctrl+C to stop)" in capsys.readouterr().out
    CASES["dashboard URL"] += 1


def test_a_full_standard_output_is_one_line(tmp_path):
    """`greatleap params > /dev/full` ended in a traceback."""
    import subprocess
    import sys

    from conftest import subprocess_env

    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "greatleap", "params"], stdout=full, stderr=subprocess.PIPE,
                              text=True, env=subprocess_env(), timeout=60)
    assert done.returncode == 1 and done.stderr == "error: cannot write the output (No space left on device)\n"
    CASES["full standard output"] += 1


def test_zz_report_cases_tried():
    total = sum(CASES.values())
    print(f"\noutside-world cases tried: {total}\n" + "\n".join(f"  {k}: {v}" for k, v in sorted(CASES.items())))
