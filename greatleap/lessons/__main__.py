"""``python -m greatleap.lessons docs`` writes docs/lessons/; ``check`` measures every claim.

    python -m greatleap.lessons docs [FOLDER]          # default: docs/lessons
    python -m greatleap.lessons check [--seeds N] [--first-seed K] [--size tests|dashboard]
                                      [--communes N --side N] [--workers N]

``--first-seed`` and ``--size dashboard`` re-check the claims on seeds the lessons were not
written against, in the world a class opens (docs/teaching.md, "How the claims are checked").
"""

from __future__ import annotations

import argparse
import sys
import time

from greatleap.errors import InputError, excerpt
from greatleap.inputs import MAX_SEEDS, check_workers, cpus, output_folder, parse_whole
from greatleap.lessons.check import SIZES


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, as every greatleap command (argparse adds the usage)
        self.exit(2, f"error: {message}\n")


def _whole(low: int, high: int | None = None):
    def parse(text: str) -> int:
        try:
            return parse_whole(text, low, high)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    return parse


def main(argv=None) -> int:
    """Bad input: one line ``error: ...`` and exit code 2 (1 for a disk that cannot be written)."""
    try:
        return _main(argv)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code


def _main(argv=None) -> int:
    parser = _Parser(prog="python -m greatleap.lessons")
    sub = parser.add_subparsers(dest="command", required=True)
    docs = sub.add_parser("docs", help="write the lessons for readers (docs/lessons/)")
    docs.add_argument("folder", nargs="?", default="docs/lessons")
    check = sub.add_parser("check", help="run every lesson's claims over several seeds and print the values")
    check.add_argument("--seeds", type=_whole(1, MAX_SEEDS), default=None,
                       help="how many seeds (default: as many as the tests use)")
    check.add_argument("--first-seed", type=_whole(1, 2**31 - 1 - MAX_SEEDS), default=1,
                       help="the first seed: seeds K..K+N-1 (default 1: the tests' seeds)")
    check.add_argument("--size", choices=sorted(SIZES), default="tests",
                       help="tests: the tests' reduced world; dashboard: the world a tab opens on")
    check.add_argument("--communes", type=_whole(1), default=None, help="number of communes (default: from --size)")
    check.add_argument("--side", type=_whole(1), default=None, help="plots per commune side (default: from --size)")
    check.add_argument("--workers", type=_whole(1), default=min(2, cpus()), help="worker processes (at most one per CPU)")
    check.add_argument("--force-workers", action="store_true", help="allow more --workers than CPUs (up to 4 per CPU)")
    check.add_argument("--lesson", action="append", help="only this lesson id (repeatable)")
    args = parser.parse_args(argv)

    if args.command == "docs":
        from greatleap.lessons.text import write_docs

        for path in write_docs(output_folder(args.folder, "folder")):
            print(f"wrote {path}")
        return 0

    from greatleap.lessons import LESSONS
    from greatleap.lessons.check import TEST_SEEDS, measure

    check_workers(args.workers, args.force_workers, low=1)
    unknown = sorted(set(args.lesson or ()) - {lesson.id for lesson in LESSONS})
    if unknown:
        raise InputError("--lesson", f"unknown lesson {excerpt(unknown[0])}; allowed: {', '.join(lesson.id for lesson in LESSONS)}")

    count = len(TEST_SEEDS) if args.seeds is None else args.seeds
    seeds = tuple(range(args.first_seed, args.first_seed + count))
    size = dict(SIZES[args.size])
    if args.communes:
        size["n_communes"] = args.communes
    if args.side:
        size["commune_side"] = args.side
    lessons = [item for item in LESSONS if not args.lesson or item.id in args.lesson]
    started = time.monotonic()
    results = measure(lessons, seeds=seeds, size=size, workers=args.workers)
    for m in results:
        print(m.line())
    failed = [m for m in results if not m.holds]
    print(f"{len(results) - len(failed)} of {len(results)} claims hold; seeds {seeds[0]}-{seeds[-1]}, "
          f"{size['n_communes']} communes of {size['commune_side']}x{size['commune_side']} plots, "
          f"{time.monotonic() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
