"""Does a change of the parser change its output? Parses the same files with another commit's
parser and with this tree's, and lists every file whose `ogi parse` output differs in anything:
values, provenance (lines, text), issues and their messages, metadata, and their order.

    .venv/bin/python scripts/parser_diff.py [--base HEAD | --against-python] [--generate 2000] [--files DIR ...]

The files: a corpus of --generate reports (seed 0, every layout of SPEC §5; 0 for none), raw/
and tests/fixtures/, and any --files directories. The base commit is checked out into a temporary
git worktree, removed afterwards; each side parses in a process of its own, with its own tree first
on the path. A speed-up must show no difference at all (BENCHMARKS.md: this is how the
parser's changes since 19:39 were held to their output). The base commit's parser runs as Python;
this tree's runs compiled when `make setup` has compiled it (orchestration/lib/parsing/compiled.py).
--against-python compares this tree's parser run as Python with its compiled modules: what mypyc
changed, which must be nothing. Exit 1 when some file differs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from orchestration.lib.parsing.compiled import PURE_PYTHON_ENV, why_python  # noqa: E402
SHOWN = 10  # differing files printed with the fields that differ


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="HEAD", help="the commit whose parser is the reference (default HEAD)")
    parser.add_argument("--generate", type=int, default=2000, help="generated reports to parse (seed 0; 0: none)")
    parser.add_argument("--files", type=Path, nargs="*", default=[], help="more directories of report files")
    parser.add_argument("--against-python", action="store_true",
                        help="the reference is this tree's parser run as Python, not a commit's")
    parser.add_argument("--dump", nargs=2, metavar=("LIST", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dump:
        return _dump(Path(args.dump[0]), Path(args.dump[1]))
    if missing := [str(d) for d in args.files if not d.is_dir()]:
        parser.error(f"--files: not a directory: {', '.join(missing)}")  # else it would add no file, silently
    with tempfile.TemporaryDirectory(prefix="ogi-parser-diff-") as work:
        work = Path(work)
        directories = [ROOT / "raw", ROOT / "tests" / "fixtures", *args.files]
        if args.generate:
            _run(ROOT, {}, "-m", "orchestration.cli", "generate", "--n", str(args.generate), "--out", str(work / "corpus"))
            directories.append(work / "corpus")
        files = sorted(str(p.resolve()) for d in directories for p in d.rglob("*")
                       if p.is_file() and p.name != "truth.jsonl")  # the generator's answers, not a report
        (work / "files").write_text("\n".join(files), encoding="utf-8")
        with contextlib.ExitStack() as cleanup:
            if args.against_python:
                if why := why_python():
                    sys.exit(f"this tree's parser is not compiled: {why}")
                base_name, base = "the Python parser", ("this tree", ROOT, {PURE_PYTHON_ENV: "1"})
            else:
                base_name, base = args.base, (args.base, work / "base", {})
                subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(work / "base"),
                                args.base], check=True)
                cleanup.callback(subprocess.run, ["git", "-C", str(ROOT), "worktree", "remove", "--force",
                                                  str(work / "base")], check=True)
            for (name, tree, env), dump in ((base, "base.jsonl"), (("this tree", ROOT, {}), "changed.jsonl")):
                print(f"parsing {len(files):,} files with {name}'s parser, {_build(tree, env)} …",
                      file=sys.stderr, flush=True)
                _run(tree, env, str(Path(__file__).resolve()), "--dump", str(work / "files"), str(work / dump))
        names = [_shown_name(f, (work / "corpus").resolve()) for f in files]
        return _compare(names, work / "base.jsonl", work / "changed.jsonl", base_name)


def _run(tree: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, *args], cwd=tree, env=_env(tree, env), check=True, stdout=subprocess.DEVNULL)


def _env(tree: Path, env: dict[str, str]) -> dict[str, str]:
    # The tree's own package first: the installed one may be another checkout.
    return {**os.environ, **env, "PYTHONPATH": str(tree)}


def _build(tree: Path, env: dict[str, str]) -> str:
    """How the parser runs, compiled or Python, in the processes _run starts."""
    code = ("try: from orchestration.lib.parsing.compiled import parser_build\n"
            "except ImportError: print('Python')  # a commit from before the compiled parser\n"
            "else: print(parser_build())")
    return subprocess.run([sys.executable, "-c", code], cwd=tree, env=_env(tree, env), check=True,
                          capture_output=True, text=True).stdout.strip()


def _dump(file_list: Path, out: Path) -> int:
    """`ogi parse` itself, of the tree first on the path: one line of JSON per file, in order."""
    from orchestration.cli import main as ogi

    with open(out, "w", encoding="utf-8") as dump, contextlib.redirect_stdout(dump):
        return ogi(["parse", *file_list.read_text(encoding="utf-8").splitlines()])


def _compare(names: list[str], base: Path, changed: Path, base_name: str) -> int:
    """One line of JSON per file in each dump, in the order of `names`."""
    with open(base, encoding="utf-8") as before, open(changed, encoding="utf-8") as after:
        differing = [(name, json.loads(old), json.loads(new))
                     for name, old, new in zip(names, before, after, strict=True) if old != new]
    if not differing:
        print(f"{len(names):,} files: the output is identical to {base_name}'s")
        return 0
    print(f"{len(names):,} files: {len(differing):,} differ from {base_name}'s output")
    for name, old, new in differing[:SHOWN]:
        # as JSON, so that the same values in another order differ too
        fields = [k for k in old if json.dumps(old[k]) != json.dumps(new.get(k))]
        print(f"- {name}: {', '.join(fields) or 'the order of fields'}")
    return 1


def _shown_name(path: str, corpus: Path) -> str:
    """A generated file by its name in the corpus (`ogi generate` with the same --n writes it
    again), any other by its path."""
    return f"generated/{Path(path).name}" if Path(path).parent == corpus else path


if __name__ == "__main__":
    sys.exit(main())
