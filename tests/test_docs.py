"""The documents that describe the code must match it."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

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


# ---- generated tables ------------------------------------------------------------------------
def _generator():
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_odd_tables", ROOT / "scripts" / "gen_odd_tables.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_odd_tables_exist_and_list_every_parameter_preset_and_outcome():
    from greatleap.params import PARAMS, SCENARIOS
    from greatleap.reporters import MONTHLY, SUMMARY_OUTCOMES

    odd = (ROOT / "docs" / "ODD.md").read_text()
    for name in (*PARAMS, *SCENARIOS, *MONTHLY, *SUMMARY_OUTCOMES):
        assert f"| `{name}` |" in odd, f"docs/ODD.md has no table row for {name}"


def test_the_odd_check_fails_on_an_empty_or_stale_block():
    gen = _generator()
    odd = (ROOT / "docs" / "ODD.md").read_text()
    assert gen.render(odd) == odd
    emptied = re.sub(r"(<!-- params:start -->\n).*?(<!-- params:end -->)", r"\1\2", odd, flags=re.S)
    assert emptied != odd and gen.render(emptied) != emptied  # an empty block is stale
    stale = odd.replace("| `fertility` |", "| `fecundity` |")
    assert stale != odd and gen.render(stale) != stale
    missing = odd.replace("<!-- outcomes:start -->", "")
    with pytest.raises(gen.MissingBlock):
        gen.render(missing)


# ---- cross-references ------------------------------------------------------------------------
# A path to a file of this repository, as docs, READMEs and code comments write them.
_PATH = re.compile(r"(?<![\w./-])((?:greatleap|docs|tests|benchmarks|scripts|experiments|\.ci)/[\w./-]*\w)")
_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
# A module named by itself in backquotes (`state.py`): some file of the repository ends so.
_NAMED = re.compile(r"`([\w.-]+\.py)`")
# Outside the repository: a clean clone does not have it.
_OUTSIDE = re.compile(r"(?:\.\./|/work/)shared/[\w./-]+")


def _documents():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    for name in tracked.stdout.splitlines():
        if name.endswith((".md", ".py", ".toml", ".sh")) or name == ".ci/run":
            yield ROOT / name


def _broken_references() -> list[str]:
    broken = []
    documents = list(_documents())
    names = {d.name for d in documents} | {d.name for d in ROOT.glob("**/*") if ".venv" not in d.parts}
    for doc in documents:
        text = doc.read_text(encoding="utf-8", errors="replace")
        broken += [f"{doc.relative_to(ROOT)}: {m.group(0)} (outside the repository)" for m in _OUTSIDE.finditer(text)]
        broken += [f"{doc.relative_to(ROOT)}: {m.group(1)}" for m in _NAMED.finditer(text) if m.group(1) not in names]
        for match in _PATH.finditer(text):
            target = match.group(1).rstrip(".")
            if text[match.end():match.end() + 1] in ("*", "{", "<"):
                continue  # a pattern (tests/test_sweep_*.py), not a file
            if not (ROOT / target).exists():
                broken.append(f"{doc.relative_to(ROOT)}: {target}")
        if doc.suffix == ".md":
            for match in _LINK.finditer(text):
                target = match.group(1)
                if "://" in target or target.startswith("mailto:"):
                    continue
                if not (doc.parent / target).exists():
                    broken.append(f"{doc.relative_to(ROOT)}: ({target})")
    return broken


def test_every_file_the_docs_and_comments_name_exists():
    broken = _broken_references()
    assert not broken, "references to files that do not exist:\n" + "\n".join(broken)
