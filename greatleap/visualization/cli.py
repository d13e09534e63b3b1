"""`greatleap app`: serve the dashboard with Solara in production mode, offline.

`greatleap/cli.py` adds every click command listed in ``COMMANDS``.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
import sys

import click

from greatleap.errors import InputError
from greatleap.inputs import Whole
from greatleap.visualization.world_size import DEFAULT_SIZE, OPENING_COMMUNES_ENV, UI_CAPS

APP_MODULE = "greatleap.visualization.app"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_listen(host: str, port: int) -> None:
    """Refuse in one line an address solara could not listen on (it would print our URL, then fail):
    a port in use (EADDRINUSE), an address this machine does not have (EADDRNOTAVAIL), a name that
    does not resolve, a privileged port, or any other bind error, each named as what it is."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: TIME_WAIT is fine
        try:
            s.bind((host, port))
        except socket.gaierror:
            raise InputError("host", f"cannot resolve {host}; allowed: an address or name of this machine, "
                                     "127.0.0.1 (this machine only) or 0.0.0.0 (every address)") from None
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise InputError("port", f"{host}:{port} is already in use (another dashboard?); "
                                         "choose another with --port") from None
            if exc.errno == errno.EADDRNOTAVAIL:
                raise InputError("host", f"{host} is not an address of this machine; allowed: one of its "
                                         "addresses, 127.0.0.1 (this machine only) or 0.0.0.0 (every address)") from None
            if exc.errno == errno.EACCES:
                raise InputError("port", f"{host}:{port} needs administrator rights (a port below 1024); "
                                         "choose another with --port") from None
            raise InputError("host", f"cannot listen on {host}:{port} ({exc.strerror or exc}); allowed: "
                                     "an address of this machine and a free port") from None


def url(host: str, port: int) -> str:
    """The address to open: 0.0.0.0 (every IPv4 address) is reached at 127.0.0.1; an IPv6 address
    goes in brackets, as URLs write it (``--host ::`` -> ``http://[::]:8765/``)."""
    if host == "0.0.0.0":
        host = "127.0.0.1"
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def solara_command(host: str, port: int) -> list[str]:
    # --production: no dev-mode "first run check" iframe from solara.dev, no file watcher;
    # --no-check-version: no call to pypi.org at start-up; --no-open: a server, not a launcher
    return [sys.executable, "-m", "solara", "run", APP_MODULE, "--host", host, "--port", str(port),
            "--production", "--no-open", "--no-check-version"]


@click.command("app")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback opens the dashboard to the network.")
@click.option("--port", default=8765, show_default=True, type=Whole(), help="Port to listen on.")
@click.option("--communes", default=None, type=Whole(1, UI_CAPS["n_communes"]),
              help=f"Communes in the world a new tab opens on (default {DEFAULT_SIZE['n_communes']}, about "
                   "1,000 people each); fewer for a large class on one small machine. Each tab can "
                   "still change it with the size sliders.")
def app(host: str, port: int, communes: int | None) -> None:
    """Serve the interactive dashboard (open the printed address in a browser)."""
    from greatleap.visualization import assets

    if not 1 <= port <= 65535:
        raise InputError("port", f"got {port}; allowed: a whole number in [1, 65535]")
    gone = assets.missing()
    if gone:
        raise InputError("assets", f"the dashboard's front-end files are missing from {assets.cache_dir()} "
                                   f"({', '.join(gone)}); run `python -m greatleap.visualization.assets fill` once")
    check_listen(host, port)
    if not is_loopback(host):
        click.echo(f"warning: serving on {host}: anyone who can reach this machine on port {port} "
                   "can use the dashboard", err=True)
    click.echo(f"greatleap dashboard: {url(host, port)}  (Ctrl+C to stop)")
    sys.stdout.flush()
    # exec: Ctrl+C and SIGTERM reach solara directly and no idle parent process is left behind
    env = assets.server_env()
    # a tab gone without closing (crash, lost network or close beacon) frees its models after 2 min, not 24 h
    env.setdefault("SOLARA_KERNEL_CULL_TIMEOUT", "120s")
    if communes is not None:
        env[OPENING_COMMUNES_ENV] = str(communes)
    os.execve(sys.executable, solara_command(host, port), env)


COMMANDS = [app]
