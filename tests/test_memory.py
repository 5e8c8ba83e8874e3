import pytest

from orchestration.lib import memory
from orchestration.lib.memory import MEMORY_LIMIT_ENV, memory_limit_bytes, memory_limit_setting


@pytest.mark.parametrize(("setting", "expected"), [
    ("2GB", 2 * 10**9), ("1.5GiB", 3 * 2**29), ("512MB", 512 * 10**6), ("512 mib", 512 * 2**20),
    (" 4gb ", 4 * 10**9), ("1TB", 10**12), ("100000000B", 10**8),
])
def test_the_limit_is_read_as_duckdb_reads_a_size(monkeypatch, setting, expected):
    monkeypatch.setenv(MEMORY_LIMIT_ENV, setting)
    assert memory_limit_bytes() == expected
    assert memory_limit_setting() == f"{expected}B"


@pytest.mark.parametrize(("setting", "complaint"), [
    ("2G", "is not a size such as 2GB"), ("lots", "is not a size"), ("-1GB", "is not a size"),
    ("1MB", "is below the smallest limit accepted, 64MiB"),
])
def test_a_wrong_limit_is_refused_with_its_value(monkeypatch, setting, complaint):
    monkeypatch.setenv(MEMORY_LIMIT_ENV, setting)
    with pytest.raises(ValueError, match=rf"^{MEMORY_LIMIT_ENV}='{setting}' ") as refused:
        memory_limit_bytes()
    assert complaint in str(refused.value)


@pytest.mark.parametrize(("usable", "expected"), [
    (24 * 2**30, 4 * 10**9),  # this project's machines: the cap
    (8 * 2**30, 2 * 2**30),  # a laptop: a quarter
    (2 * 2**30, 2**29),
])
def test_unset_the_limit_is_a_quarter_of_the_memory_at_most_4gb(monkeypatch, usable, expected):
    monkeypatch.delenv(MEMORY_LIMIT_ENV, raising=False)
    monkeypatch.setattr(memory, "_usable_memory", lambda: usable)
    assert memory_limit_bytes() == expected


def test_a_container_cap_below_the_machine_memory_counts(monkeypatch, tmp_path):
    v2, v1 = tmp_path / "memory.max", tmp_path / "memory.limit_in_bytes"
    v2.write_text("max\n")  # cgroup v2 without a cap
    v1.write_text(f"{3 * 2**30}\n")
    monkeypatch.setattr(memory, "_CGROUP_CAPS", (str(v2), str(v1), str(tmp_path / "absent")))
    assert memory._usable_memory() == 3 * 2**30
    v2.write_text(f"{2**40}\n")  # a cap above the machine's memory changes nothing
    v1.unlink()
    assert memory._usable_memory() < 2**40


def test_duckdb_connections_of_the_pipeline_use_the_limit(monkeypatch, tmp_path):
    from orchestration.lib.warehouse_io import connect

    monkeypatch.setenv(MEMORY_LIMIT_ENV, "1.5GiB")
    with connect(tmp_path / "w.duckdb") as con:
        assert con.execute("select current_setting('memory_limit')").fetchone() == ("1.5 GiB",)


def test_ogi_run_refuses_a_wrong_limit_before_starting(tmp_path):
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-m", "orchestration.cli", "run", "--raw", str(tmp_path),
                          "--warehouse", str(tmp_path / "wh"), "--memory-limit", "2X"],
                         capture_output=True, text=True)
    assert run.returncode == 2
    assert run.stderr == f"ogi run: --memory-limit: {MEMORY_LIMIT_ENV}='2X' is not a size such as 2GB, 1.5GiB or 512MB\n"
    assert not (tmp_path / "wh").exists()
