"""Regenerate the generated tables of docs/ODD.md from greatleap/params.py, reporters.py and tables.py.

    .venv/bin/python scripts/gen_odd_tables.py          # rewrite docs/ODD.md in place
    .venv/bin/python scripts/gen_odd_tables.py --check  # exit 1 if docs/ODD.md is stale

Each table lives between a pair of markers, ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``;
a pair that is missing is an error (exit 2), so a table can neither vanish nor stay empty.
"""

import re
import sys
from pathlib import Path

from greatleap import atomic
from greatleap.params import SCENARIO_TITLES, SCENARIOS, table_markdown
from greatleap.reporters import MONTHLY, SUMMARY_OUTCOMES
from greatleap.tables import COUNTY_COLUMNS

ODD = Path(__file__).resolve().parent.parent / "docs" / "ODD.md"


class MissingBlock(ValueError):
    pass


def blocks() -> dict[str, str]:
    scen = ["| preset | what it is | overrides |", "|---|---|---|"]
    scen += [f"| `{k}` | {SCENARIO_TITLES[k]} | {', '.join(f'`{n}={v!r}`' for n, v in o.items()) or '(none)'} |"
             for k, o in SCENARIOS.items()]
    outs = ["| name | unit | meaning |", "|---|---|---|"]
    outs += [f"| `{k}` | {u} | {m} |" for k, (u, m) in {**MONTHLY, **SUMMARY_OUTCOMES}.items()]
    counties = ["| column | unit | meaning |", "|---|---|---|"]
    counties += [f"| `{k}` | {u} | {m} |" for k, (u, m) in COUNTY_COLUMNS.items()]
    return {"params": table_markdown(), "scenarios": "\n".join(scen), "outcomes": "\n".join(outs),
            "counties": "\n".join(counties)}


def render(text: str) -> str:
    """``text`` with every generated block replaced by its table (whatever the block held)."""
    for name, body in blocks().items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", flags=re.S)
        if not pattern.search(text):
            raise MissingBlock(f"docs/ODD.md has no '<!-- {name}:start -->' ... '<!-- {name}:end -->' block")
        text = pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)
    return text


if __name__ == "__main__":
    current = ODD.read_text(encoding="utf-8")
    try:
        fresh = render(current)
    except MissingBlock as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    if "--check" in sys.argv:
        if fresh != current:
            print("docs/ODD.md is stale: run scripts/gen_odd_tables.py", file=sys.stderr)
        sys.exit(0 if fresh == current else 1)
    atomic.write_text(ODD, fresh)
