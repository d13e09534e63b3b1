"""The documents that describe the code must match it."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_odd_tables_match_params_and_reporters():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_odd_tables.py"), "--check"],
                            cwd=ROOT, capture_output=True)
    assert result.returncode == 0, "docs/ODD.md is stale: run scripts/gen_odd_tables.py"


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    first_screen = "\n".join(readme.splitlines()[:15])
    assert "bash scripts/dev.sh test" in first_screen and "bash scripts/dev.sh app" in first_screen
    assert "bash scripts/dev.sh test" in (ROOT / ".ci" / "run").read_text()
