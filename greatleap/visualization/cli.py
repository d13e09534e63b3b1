"""`greatleap app`: serve the dashboard with Solara in production mode, offline.

`greatleap/cli.py` adds every click command listed in ``COMMANDS``.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys

import click

from greatleap.errors import InputError

APP_MODULE = "greatleap.visualization.app"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def port_in_use(host: str, port: int) -> bool:
    """Whether something already listens there (solara would print our URL, then fail)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: TIME_WAIT is fine
        try:
            s.bind((host, port))
        except OSError:
            return True
    return False


def solara_command(host: str, port: int) -> list[str]:
    # --production: no dev-mode "first run check" iframe from solara.dev, no file watcher;
    # --no-check-version: no call to pypi.org at start-up; --no-open: a server, not a launcher
    return [sys.executable, "-m", "solara", "run", APP_MODULE, "--host", host, "--port", str(port),
            "--production", "--no-open", "--no-check-version"]


@click.command("app")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback opens the dashboard to the network.")
@click.option("--port", default=8765, show_default=True, type=int, help="Port to listen on.")
def app(host: str, port: int) -> None:
    """Serve the interactive dashboard (open the printed address in a browser)."""
    from greatleap.visualization import assets

    if not 1 <= port <= 65535:
        raise InputError("port", f"got {port}; allowed: a whole number in [1, 65535]")
    gone = assets.missing()
    if gone:
        raise InputError("assets", f"the dashboard's front-end files are missing from {assets.cache_dir()} "
                                   f"({', '.join(gone)}); run `python -m greatleap.visualization.assets fill` once")
    if port_in_use(host, port):
        raise InputError("port", f"{host}:{port} is already in use (another dashboard?); choose another with --port")
    if not is_loopback(host):
        click.echo(f"warning: serving on {host}: anyone who can reach this machine on port {port} "
                   "can use the dashboard", err=True)
    click.echo(f"greatleap dashboard: http://{'127.0.0.1' if host == '0.0.0.0' else host}:{port}/  (Ctrl+C to stop)")
    sys.stdout.flush()
    # exec: Ctrl+C and SIGTERM reach solara directly and no idle parent process is left behind
    env = assets.server_env()
    # a tab gone without closing (crash, lost network or close beacon) frees its models after 2 min, not 24 h
    env.setdefault("SOLARA_KERNEL_CULL_TIMEOUT", "120s")
    os.execve(sys.executable, solara_command(host, port), env)


COMMANDS = [app]
