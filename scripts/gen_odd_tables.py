"""Regenerate the generated tables of docs/ODD.md from greatleap/params.py and reporters.py.

    .venv/bin/python scripts/gen_odd_tables.py          # rewrite docs/ODD.md in place
    .venv/bin/python scripts/gen_odd_tables.py --check  # exit 1 if docs/ODD.md is stale
"""

import re
import sys
from pathlib import Path

from greatleap import atomic
from greatleap.params import SCENARIO_TITLES, SCENARIOS, table_markdown
from greatleap.reporters import MONTHLY, SUMMARY_OUTCOMES

ODD = Path(__file__).resolve().parent.parent / "docs" / "ODD.md"


def blocks() -> dict[str, str]:
    scen = ["| preset | what it is | overrides |", "|---|---|---|"]
    scen += [f"| `{k}` | {SCENARIO_TITLES[k]} | {', '.join(f'`{n}={v!r}`' for n, v in o.items()) or '(none)'} |"
             for k, o in SCENARIOS.items()]
    outs = ["| name | unit | meaning |", "|---|---|---|"]
    outs += [f"| `{k}` | {u} | {m} |" for k, (u, m) in {**MONTHLY, **SUMMARY_OUTCOMES}.items()]
    return {"params": table_markdown(), "scenarios": "\n".join(scen), "outcomes": "\n".join(outs)}


def render(text: str) -> str:
    for name, body in blocks().items():
        text = re.sub(rf"(<!-- {name}:start -->\n).*?(\n<!-- {name}:end -->)",
                      lambda m: m.group(1) + body + m.group(2), text, flags=re.S)
    return text


if __name__ == "__main__":
    current = ODD.read_text(encoding="utf-8")
    fresh = render(current)
    if "--check" in sys.argv:
        sys.exit(0 if fresh == current else 1)
    atomic.write_text(ODD, fresh)
