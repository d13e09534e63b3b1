"""Solara's front-end files, kept on disk so the dashboard never reaches the internet.

Solara's page loads its JavaScript and CSS from ``/_solara/cdn/<package@version>/...``; the server
answers from a proxy cache and, on a miss, fetches from cdn.jsdelivr.net. Classrooms often have
no reliable internet, so we fill that cache once, at install time, from the npm registry
(``npm pack``), and run the server with the CDN pointed at a dead loopback port: a missing file
then fails at once on this machine instead of leaving the page blank while it waits.

    python -m greatleap.visualization.assets fill     # once per environment (scripts/dev.sh does it)
    python -m greatleap.visualization.assets check    # exit 1 and list what is missing
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

# A cache miss must fail locally and fast: port 9 (discard) on loopback has no listener.
DEAD_CDN = "http://127.0.0.1:9/npm/"


def needed_specs() -> list[str]:
    """The npm packages solara 1.64's page asks for, in the cache layout (``<spec>/<file>``).

    From solara/server/templates/solara.html.j2: the Vuetify app bundle (v2 app for
    ipyvuetify<3, which Mesa 3.3.1 needs), requirejs and font-awesome; echarts for the charts
    (solara/components/echarts.vue). Widgets we do not use load more (solara.Markdown: mermaid
    and KaTeX on every mount, which is why the lesson cards are HTML; altair: vega; GridDraggable:
    vue-grid-layout); add the package here if one comes into use.
    """
    import ipyvuetify

    vuetify3 = int(ipyvuetify.__version__.split(".")[0]) >= 3
    app = "@widgetti/solara-vuetify3-app@5.2.0" if vuetify3 else "@widgetti/solara-vuetify-app@10.1.1"
    return [app, "requirejs@2.3.6", "font-awesome@4.5.0", "echarts@5.4.0"]


def cache_dir() -> Path:
    """Where the files live: $GREATLEAP_ASSETS_DIR, else inside the Python environment."""
    env = os.environ.get("GREATLEAP_ASSETS_DIR")
    return Path(env) if env else Path(sys.prefix) / "share" / "greatleap" / "solara-cdn"


def missing(cache: Path | None = None) -> list[str]:
    cache = cache or cache_dir()
    return [s for s in needed_specs() if not (cache / s).is_dir() or not any((cache / s).iterdir())]


def server_env(cache: Path | None = None, base: dict | None = None) -> dict[str, str]:
    """Environment for `solara run` that serves the cache and never fetches from outside."""
    env = dict(os.environ if base is None else base)
    env.update(
        SOLARA_ASSETS_PROXY_CACHE_DIR=str(cache or cache_dir()),
        SOLARA_ASSETS_CDN=DEAD_CDN,
        SOLARA_TELEMETRY_MIXPANEL_ENABLE="false",
        SOLARA_THEME_SHOW_BANNER="false",  # the "runs on Solara" badge covered the chart key
        PYTHONUNBUFFERED="1",
    )
    return env


def fill(cache: Path | None = None, log=print) -> list[str]:
    """Download each missing package with `npm pack` and unpack it into the cache.

    Each package is unpacked next to its final place and renamed, so an interrupted fill never
    leaves a half-written folder that `missing()` would take for complete.
    """
    cache = cache or cache_dir()
    todo = missing(cache)
    if not todo:
        return []
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is needed once to fetch Solara's front-end files (apt-get install npm)")
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for spec in todo:
            log(f"fetching {spec} from the npm registry")
            out = subprocess.run([npm, "pack", "--silent", spec], cwd=tmp, check=True,
                                 capture_output=True, text=True, timeout=300)
            tgz = Path(tmp) / out.stdout.strip().splitlines()[-1]
            final = cache / spec
            part = final.with_name(final.name + ".part")
            shutil.rmtree(part, ignore_errors=True)
            part.mkdir(parents=True)
            with tarfile.open(tgz) as tar:
                members = []
                for member in tar.getmembers():  # npm tarballs wrap everything in "package/"
                    member.name = member.name.split("/", 1)[1] if "/" in member.name else ""
                    if member.name and (member.isfile() or member.isdir()):
                        members.append(member)
                tar.extractall(part, members=members, filter="data")
            shutil.rmtree(final, ignore_errors=True)
            part.rename(final)
    return todo


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    action = args[0] if args else "check"
    if action == "fill":
        try:
            done = fill()
        except (RuntimeError, subprocess.CalledProcessError) as exc:
            print(f"error: could not fill the dashboard's asset cache: {exc}", file=sys.stderr)
            return 1
        print(f"dashboard assets ready in {cache_dir()}" + (f" (fetched {len(done)})" if done else ""))
        return 0
    if action == "check":
        gone = missing()
        if gone:
            print(f"missing in {cache_dir()}: {', '.join(gone)}", file=sys.stderr)
            return 1
        print(f"dashboard assets complete in {cache_dir()}")
        return 0
    print("usage: python -m greatleap.visualization.assets fill|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
