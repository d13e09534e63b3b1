"""Where runs execute: local worker processes (default) or an existing Dask cluster.

Both engines take a picklable ``fn(task) -> record`` and an iterable of tasks, and yield
``(task, record)`` as runs finish, in completion order. ``fn`` is ``execute_run`` bound to the model
function; it catches the model's own exceptions, so the only errors an engine sees are worker
deaths. Either engine may run a task more than once (after a worker dies, or on resume), which is
harmless because a run's result depends only on its params and seed, and the store keeps one
part per run_id.

A worker death makes every run in flight at that moment a suspect: each suspect is rerun alone,
once; one that kills its worker again is recorded as failed, the others succeed. Why: a bare
ProcessPoolExecutor fails every pending run after one crash, and Dask can blame an innocent
neighbour with ``KilledWorker`` (notes/ecosystem.md §1.5-1.6).
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import multiprocessing
import os
import re
import signal
import socket
import threading
import time
import traceback
import uuid
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import urlsplit

from greatleap.errors import InputError, excerpt
from greatleap.inputs import cpus, read_user_file, shown_path

SCHEDULER_TIMEOUT = 30  # seconds to reach a scheduler and to see its first worker
PROBE_TIMEOUT = 5  # seconds for the first TCP contact (a closed port answers at once)


def execute_run(model_fn: Callable[[dict, int], dict], task: dict[str, Any]) -> dict[str, Any]:
    """Run one task in a worker and return a plain record; the model's errors become a record."""
    start, cpu_start = time.perf_counter(), time.process_time()
    try:
        out = model_fn(task["params"], task["seed"])
        monthly = out["monthly"]
        if task.get("series") is not None:
            missing = [c for c in task["series"] if c not in monthly.columns]
            if missing:
                raise KeyError(f"series {missing} not in the model's monthly table")
            time_columns = [c for c in ("date", "year", "month") if c in monthly.columns and c not in task["series"]]
            monthly = monthly[time_columns + list(task["series"])]  # series always keep their dates
        record = {"status": "ok", "error": "", "summary": dict(out["summary"]),
                  "monthly": monthly.reset_index(drop=True), "provinces": out.get("provinces")}
    except Exception as exc:  # noqa: BLE001 - any model error is recorded, and the sweep goes on
        last = traceback.extract_tb(exc.__traceback__)[-1:]
        where = f" at {last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno}" if last else ""
        record = {"status": "failed", "error": f"{type(exc).__name__}: {exc}{where}", "summary": {}, "monthly": None}
    # cpu_s is this process's CPU time: the run's own cost, whatever else loads the machine
    record.update(run_id=task["run_id"], elapsed_s=time.perf_counter() - start,
                  cpu_s=time.process_time() - cpu_start)
    return record


def failed_record(task: dict[str, Any], error: str) -> dict[str, Any]:
    return {"run_id": task["run_id"], "status": "failed", "error": error, "summary": {},
            "monthly": None, "elapsed_s": 0.0, "cpu_s": 0.0}


class TaskQueue:
    """Tasks still to submit, drawn lazily from the design (a 10^5-run sweep is never held in
    memory at once), with room to put a task back."""

    def __init__(self, tasks: Iterable[dict]):
        self._tasks, self._back = iter(tasks), []

    def pop(self) -> dict | None:
        return self._back.pop() if self._back else next(self._tasks, None)

    def push(self, task: dict) -> None:
        self._back.append(task)


def _init_local_worker(parent_pid: int) -> None:
    """Pool workers ignore Ctrl-C (the driver handles it) and exit if the driver dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(0.5)
        os._exit(0)  # the driver was killed: nobody will read our results

    threading.Thread(target=watch, daemon=True, name="parent-watchdog").start()


class LocalEngine:
    """Worker processes on this machine (spawn start method, recycled every few runs)."""

    def __init__(self, workers: int | None = None, max_tasks_per_child: int = 100):
        self.workers = max(1, workers or cpus())
        self.max_tasks_per_child = max_tasks_per_child
        self.description = f"{self.workers} local worker process{'es' if self.workers > 1 else ''}"

    def _pool(self, n: int) -> cf.ProcessPoolExecutor:
        # import mesa forces spawn for the whole process anyway; say so, and recycle workers so
        # that nothing a model leaves behind accumulates over thousands of runs
        return cf.ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("spawn"),
                                      max_tasks_per_child=self.max_tasks_per_child,
                                      initializer=_init_local_worker, initargs=(os.getpid(),))

    def run(self, fn: Callable, tasks: Iterable[dict]) -> Iterator[tuple[dict, dict]]:
        todo = TaskQueue(tasks)
        window = 2 * self.workers  # bounded: flat memory for huge designs, little lost to a crash
        broken = True
        while broken:  # a new pool after each worker death, until every task is submitted
            pool, inflight, suspects, broken = self._pool(self.workers), {}, [], False
            try:
                while True:
                    while not broken and len(inflight) < window and (task := todo.pop()) is not None:
                        try:
                            inflight[pool.submit(fn, task)] = task
                        except BrokenProcessPool:  # a worker died before we noticed: not a suspect
                            todo.push(task)
                            broken = True
                    if not inflight:
                        break
                    done, _ = cf.wait(inflight, return_when=cf.FIRST_COMPLETED)
                    for fut in done:
                        task = inflight.pop(fut)
                        try:
                            record = fut.result()
                        except BrokenProcessPool:
                            broken = True
                            suspects.append(task)
                            continue
                        except Exception as exc:  # e.g. a result that cannot be unpickled
                            record = failed_record(task, f"{type(exc).__name__}: {exc}")
                        yield task, record
            finally:
                pool.shutdown(wait=False, cancel_futures=True)
            yield from self._run_alone(fn, suspects)

    def _run_alone(self, fn: Callable, suspects: list[dict]) -> Iterator[tuple[dict, dict]]:
        """Rerun each suspect by itself in a one-worker pool (kept while its worker survives)."""
        pool = None
        try:
            for task in suspects:
                pool = pool or self._pool(1)
                try:
                    record = pool.submit(fn, task).result()
                except BrokenProcessPool:
                    record = failed_record(task, "worker process died running this run (rerun alone)")
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = None
                except Exception as exc:
                    record = failed_record(task, f"{type(exc).__name__}: {exc}")
                yield task, record
        finally:
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        pass


class InlineEngine:
    """Runs in this process, one run after another: for debugging (``--workers 0``, pdb works)."""

    workers = 1
    description = "this process (no workers)"

    def run(self, fn: Callable, tasks: Iterable[dict]) -> Iterator[tuple[dict, dict]]:
        for task in tasks:
            yield task, fn(task)

    def close(self) -> None:
        pass


# ---- reaching a Dask cluster ------------------------------------------------------------------
def scheduler_address(text: Any, field: str = "scheduler") -> str:
    """``tcp://HOST:PORT`` checked (scheme, host, port) and returned in that form; anything else
    is one line naming what is wrong. TCP is what ``dask scheduler`` listens on by default."""
    allowed = "allowed: tcp://HOST:PORT, e.g. tcp://127.0.0.1:8786"
    if not isinstance(text, str) or "://" not in text:
        raise InputError(field, f"got {excerpt(text)}; {allowed}")
    try:
        parts = urlsplit(text)
    except ValueError as exc:
        raise InputError(field, f"{excerpt(text)} is not an address ({exc}); {allowed}") from None
    if parts.scheme != "tcp":
        raise InputError(field, f"{excerpt(text)} uses {excerpt(parts.scheme)[1:-1]}://; {allowed}")
    if parts.path or parts.query or parts.fragment or "@" in parts.netloc:
        raise InputError(field, f"{excerpt(text)} holds more than a host and a port; {allowed}")
    found = re.fullmatch(r"(\[[^\]]*\]|[^:\[\]]*):([0-9]+)", parts.netloc)
    if not parts.hostname or found is None:
        what = "no host" if not parts.hostname else "no port"
        raise InputError(field, f"{excerpt(text)} has {what}; {allowed}")
    port = int(found.group(2))
    if not 1 <= port <= 65535:
        raise InputError(field, f"{excerpt(text)} has port {excerpt(port)}; allowed: a port in [1, 65535]")
    return f"tcp://{found.group(1)}:{port}"


def read_scheduler_file(path, field: str = "scheduler_file") -> str:
    """The scheduler's address from the JSON file ``dask scheduler --scheduler-file`` writes,
    read as any user file is (a regular file of at most 1 MB) and checked like ``--scheduler``."""
    data = read_user_file(path, field, "scheduler file")
    what = "allowed: the JSON file `dask scheduler --scheduler-file FILE` writes"
    try:
        info = json.loads(data)
    except (ValueError, RecursionError):
        raise InputError(field, f"{shown_path(path)} is not JSON; {what}") from None
    if not isinstance(info, dict) or "address" not in info:
        raise InputError(field, f"{shown_path(path)} has no \"address\"; {what}")
    if not isinstance(info["address"], str):
        raise InputError(field, f"{shown_path(path)}: \"address\" is {excerpt(info['address'])}, not a string; {what}")
    return scheduler_address(info["address"], field)


def probe_scheduler(address: str, field: str = "scheduler") -> None:
    """A first TCP contact: a closed port or an unknown host is one line at once, not 30 s of
    retries inside Dask."""
    host, _, port = address.removeprefix("tcp://").rpartition(":")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=PROBE_TIMEOUT).close()
    except socket.gaierror:
        raise InputError(field, f"cannot resolve the host of {address}; allowed: the address "
                                "`dask scheduler` printed") from None
    except ConnectionRefusedError:
        raise InputError(field, f"nothing listens at {address} (connection refused); start the "
                                "scheduler (`dask scheduler`) or check the address") from None
    except TimeoutError:
        raise InputError(field, f"no answer from {address} within {PROBE_TIMEOUT} s") from None
    except OSError as exc:
        raise InputError(field, f"cannot reach {address} ({exc.strerror or exc})") from None


class DaskEngine:
    """An existing Dask cluster, reached at ``address`` or through a scheduler file (both checked
    first: ``scheduler_address``, ``read_scheduler_file``, ``probe_scheduler``).

    Workers need greatleap importable and should run one thread each (``--nthreads 1``).
    """

    def __init__(self, address: str | None = None, scheduler_file: str | None = None,
                 timeout: float = SCHEDULER_TIMEOUT):
        from distributed import Client

        field = "scheduler_file" if scheduler_file else "scheduler"
        address = read_scheduler_file(scheduler_file) if scheduler_file else scheduler_address(address)
        probe_scheduler(address, field)
        try:
            self.client = Client(address=address, timeout=f"{timeout}s")
        except (OSError, TimeoutError) as exc:
            raise InputError(field, f"{address} did not answer as a Dask scheduler within {timeout:g} s "
                                    f"({excerpt(str(exc))})") from None
        try:
            self.client.wait_for_workers(1, timeout=timeout)
        except TimeoutError:
            self.client.close()
            raise InputError(field, f"the Dask cluster at {address} has no worker after {timeout:g} s; start "
                                    f"one (`dask worker {address}`)") from None
        self.workers = max(1, sum(self.client.nthreads().values()))
        self.description = f"Dask cluster at {address} ({self.workers} worker threads)"

    def run(self, fn: Callable, tasks: Iterable[dict]) -> Iterator[tuple[dict, dict]]:
        from distributed import as_completed

        todo = TaskQueue(tasks)
        window = 2 * max(1, sum(self.client.nthreads().values()))
        pending: dict[str, dict] = {}  # key -> task; we hold no future once its result is read
        completed = as_completed()
        suspects = []

        def submit(task: dict) -> None:
            fut = self.client.submit(fn, task, pure=False, key=f"greatleap-run-{task['run_id']}-{uuid.uuid4().hex[:8]}")
            pending[fut.key] = task
            completed.add(fut)

        for _ in range(window):
            if (task := todo.pop()) is None:
                break
            submit(task)
        for fut in completed:
            task = pending.pop(fut.key)
            record = self._result(fut, task)
            fut.release()  # finished results kept alive on a dead worker get recomputed; drop them
            del fut
            if (following := todo.pop()) is not None:
                submit(following)
            if record is None:
                suspects.append(task)
            else:
                yield task, record
        for task in suspects:
            fut = self.client.submit(fn, task, pure=False, key=f"greatleap-alone-{task['run_id']}-{uuid.uuid4().hex[:8]}")
            record = self._result(fut, task)
            yield task, record or failed_record(task, "worker died running this run, also when rerun alone")

    def _result(self, fut, task: dict) -> dict | None:
        """The record; None when the run's worker died (KilledWorker), making it a suspect."""
        from distributed import KilledWorker

        try:
            return fut.result()
        except KilledWorker:
            return None
        except Exception as exc:  # e.g. greatleap missing on a worker, or the scheduler gone
            # a run's own errors never get here (execute_run records them): a cancelled future or a
            # closed connection (CommClosedError is an OSError) means the cluster went away
            if isinstance(exc, (cf.CancelledError, OSError)) or self.client.status not in ("running", "connecting"):
                # the cluster failed, not the run: record nothing (a re-run does it); the CLI prints
                # a ClickException as one line, exit code 1
                import click

                raise click.ClickException("lost the Dask scheduler; run the same command again to resume") from exc
            return failed_record(task, f"{type(exc).__name__}: {exc}")

    def close(self) -> None:
        self.client.close()
