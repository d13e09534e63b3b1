"""Regenerate the generated tables of docs/ODD.md from greatleap/params.py, reporters.py, tables.py
and the module constants of the mechanism modules (the constants ledger).

    .venv/bin/python scripts/gen_odd_tables.py          # rewrite docs/ODD.md in place
    .venv/bin/python scripts/gen_odd_tables.py --check  # exit 1 if docs/ODD.md is stale

Each table lives between a pair of markers, ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``;
a pair that is missing is an error (exit 2), so a table can neither vanish nor stay empty.

The constants ledger: every module-level constant of a mechanism module (``MECHANISM_MODULES``),
and every field of a class in ``LEDGER_CLASSES`` (the calendar), whose value holds a number
carries, on its own line(s) or in the comment block just above it (no blank line between), a
comment with one of ``LEDGER_TAGS``: where the figure comes from (``source:``), that it is the
modeller's choice (``assumption:``, with the reasoning), or that it is a unit, a convention or a
layout, not a fact about the world (``definition:``). The modules are read with ``ast`` and
``tokenize``, not imported.
"""

import ast
import io
import re
import tokenize
import sys
from pathlib import Path

from greatleap import atomic
from greatleap.params import SCENARIO_TITLES, SCENARIOS, table_markdown
from greatleap.reporters import MONTHLY, SUMMARY_OUTCOMES
from greatleap.tables import COUNTY_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
ODD = ROOT / "docs" / "ODD.md"

# The modules of the model's dynamics, whose constants the ledger lists ...
MECHANISM_MODULES = (
    "agents", "calendar", "capital", "careers", "centre", "coping", "dining", "kernels", "labour",
    "ledger", "model", "physiology", "planning", "population", "procurement", "production",
    "provinces", "registration", "reporting", "state", "sums", "towns", "village", "weather", "world",
)
# ... and the others, which change no run's dynamics: parameters (sourced by ``source=``),
# observation, validation targets, input checks, files and the command line.
OTHER_MODULES = (
    "__init__", "__main__", "atomic", "cli", "errors", "history", "inputs", "params", "reporters",
    "runner", "tables",
)
LEDGER_TAGS = ("source:", "assumption:", "definition:")
# Classes whose fields are constants too, named Class.field in the ledger: the calendar holds the
# dates and amounts history decided outside the model.
LEDGER_CLASSES = {"calendar": ("Calendar",)}
_CONSTANT = re.compile(r"_?[A-Z][A-Z0-9_]*")


class MissingBlock(ValueError):
    pass


def _holds_number(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Constant) and isinstance(n.value, (int, float)) and not isinstance(n.value, bool)
               for n in ast.walk(node))


def _constant_name(target: ast.AST, owner: str) -> str | None:
    """The ledger's name of an assignment target: a constant, or an item of one (``_ASFR[15:20]``),
    or any field of a ledger class ``owner`` (``Calendar.leap``)."""
    if owner:
        return f"{owner}.{target.id}" if isinstance(target, ast.Name) else None
    base = target.value if isinstance(target, ast.Subscript) else target
    if isinstance(base, ast.Name) and _CONSTANT.fullmatch(base.id):
        return ast.unparse(target)
    return None


def _written(value: ast.AST, source: str) -> str:
    """A value as written, on one line; a dataclass field's default factory as the value it makes."""
    if (isinstance(value, ast.Call) and ast.unparse(value.func) == "field" and value.keywords
            and isinstance(value.keywords[0].value, ast.Lambda)):
        value = value.keywords[0].value.body
    text = ast.get_source_segment(source, value)
    return " ".join(re.sub(r"#[^\n]*", "", text).split())  # numbers hold no '#': the rest is a comment


def _named_values(stmt: ast.Assign | ast.AnnAssign, source: str, owner: str = "") -> list[tuple[str, str]]:
    """(name, value as written) of each constant a module-level assignment sets."""
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    out = []
    for target in targets:
        if isinstance(target, ast.Tuple) and isinstance(stmt.value, ast.Tuple) \
                and len(target.elts) == len(stmt.value.elts):
            pairs = zip(target.elts, stmt.value.elts)
        elif isinstance(target, ast.Tuple):
            pairs = [(t, stmt.value) for t in target.elts]
        else:
            pairs = [(target, stmt.value)]
        for t, value in pairs:
            name = _constant_name(t, owner)
            if name is not None and _holds_number(value):
                out.append((name, _written(value, source)))
    return out


def _comments(source: str) -> dict[int, str]:
    """Line number -> the text of the comment on that line."""
    found = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            found[tok.start[0]] = tok.string.lstrip("#").strip()
    return found


def _balanced(text: str) -> str:
    """``text`` without the closing parenthesis of a comment it was cut out of."""
    text = text.strip()
    while text.endswith(")") and text.count(")") > text.count("("):
        text = text[:-1].rstrip()
    return text


def _tagged(text: str) -> int:
    """Where the first ledger tag starts in ``text`` (-1: none)."""
    places = [i for i in (text.find(tag) for tag in LEDGER_TAGS) if i >= 0]
    return min(places) if places else -1


def module_constants(module: str) -> list[dict]:
    """The ledger of one module: per constant its name, value, meaning and source (or the empty
    string where the comment has no tag), in the order of the file."""
    path = ROOT / "greatleap" / f"{module}.py"
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    comments = _comments(source)
    tree = ast.parse(source).body
    statements = [("", s) for s in tree if isinstance(s, (ast.Assign, ast.AnnAssign))]
    statements += [(c.name, s) for c in tree if isinstance(c, ast.ClassDef) and c.name in LEDGER_CLASSES.get(module, ())
                   for s in c.body if isinstance(s, (ast.Assign, ast.AnnAssign)) and s.value is not None]
    rows = []
    for owner, stmt in sorted(statements, key=lambda pair: pair[1].lineno):
        named = _named_values(stmt, source, owner)
        if not named:
            continue
        inline = " ".join(comments[k] for k in range(stmt.lineno, stmt.end_lineno + 1) if k in comments)
        line, above = stmt.lineno - 1, []
        while line >= 1 and lines[line - 1].strip().startswith("#"):
            if not comments.get(line, "").startswith("----"):  # a section's heading
                above.insert(0, comments.get(line, ""))
            line -= 1
        block = " ".join(above)
        if _tagged(inline) >= 0:
            i = _tagged(inline)
            meaning, origin = inline[:i].strip(" ;,:(") or block, inline[i:]
        elif _tagged(block) >= 0:
            i = _tagged(block)
            meaning, origin = inline or block[:i].strip(" ;,:("), block[i:]
        else:
            meaning, origin = inline or block, ""
        rows += [{"module": module, "name": name, "value": value, "line": stmt.lineno,
                  "meaning": meaning, "source": _balanced(origin)} for name, value in named]
    return rows


def constants() -> list[dict]:
    return [row for module in MECHANISM_MODULES for row in module_constants(module)]


def unsourced() -> list[str]:
    """``module.NAME`` (line) of each mechanism constant whose comment has no ledger tag."""
    return [f"greatleap/{r['module']}.py:{r['line']} {r['name']}" for r in constants() if not r["source"]]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def constants_table() -> str:
    rows = ["| module | name | value | meaning | source or assumption |", "|---|---|---|---|---|"]
    rows += [f"| `{r['module']}` | `{r['name']}` | `{_cell(r['value'])}` | {_cell(r['meaning'])} | "
             f"{_cell(r['source']) or '**none**'} |" for r in constants()]
    return "\n".join(rows)


def blocks() -> dict[str, str]:
    scen = ["| preset | what it is | overrides |", "|---|---|---|"]
    scen += [f"| `{k}` | {SCENARIO_TITLES[k]} | {', '.join(f'`{n}={v!r}`' for n, v in o.items()) or '(none)'} |"
             for k, o in SCENARIOS.items()]
    outs = ["| name | unit | meaning |", "|---|---|---|"]
    outs += [f"| `{k}` | {u} | {m} |" for k, (u, m) in {**MONTHLY, **SUMMARY_OUTCOMES}.items()]
    counties = ["| column | unit | meaning |", "|---|---|---|"]
    counties += [f"| `{k}` | {u} | {m} |" for k, (u, m) in COUNTY_COLUMNS.items()]
    return {"params": table_markdown(), "scenarios": "\n".join(scen), "outcomes": "\n".join(outs),
            "counties": "\n".join(counties), "constants": constants_table()}


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
