"""scripts/parser_diff.py: what it calls a difference."""

import importlib.util
import json
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("parser_diff", Path(__file__).parent.parent / "scripts" / "parser_diff.py")
parser_diff = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(parser_diff)


def _dump(path: Path, *reports: dict) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in reports), encoding="utf-8")
    return path


def test_same_values_in_another_order_and_another_message_are_differences(tmp_path, capsys):
    same = {"values": {"a": 1}, "issues": []}
    before = {"values": {"t2.x": 1, "t2.y": None}, "issues": [{"code": "c", "message": "m"}]}
    reordered = {"values": {"t2.y": None, "t2.x": 1}, "issues": [{"code": "c", "message": "m"}]}
    reworded = {"values": {"t2.x": 1, "t2.y": None}, "issues": [{"code": "c", "message": "m!"}]}
    code = parser_diff._compare(
        ["same.txt", "order.txt", "message.txt"],
        _dump(tmp_path / "base.jsonl", same, before, before),
        _dump(tmp_path / "changed.jsonl", same, reordered, reworded), "HEAD")
    assert code == 1
    assert capsys.readouterr().out.splitlines() == [
        "3 files: 2 differ from HEAD's output", "- order.txt: values", "- message.txt: issues"]


def test_identical_dumps_pass(tmp_path, capsys):
    report = {"values": {"a": 1}}
    assert parser_diff._compare(["a.txt"], _dump(tmp_path / "b", report), _dump(tmp_path / "c", report), "HEAD") == 0
    assert capsys.readouterr().out == "1 files: the output is identical to HEAD's\n"


def test_a_files_directory_that_is_not_one_is_refused(tmp_path, monkeypatch, capsys):
    """It would add no file, and the comparison would claim more than it read."""
    monkeypatch.setattr("sys.argv", ["parser_diff.py", "--files", str(tmp_path), str(tmp_path / "absent")])
    with pytest.raises(SystemExit) as refused:
        parser_diff.main()
    assert refused.value.code == 2
    assert capsys.readouterr().err.endswith(f"error: --files: not a directory: {tmp_path / 'absent'}\n")
