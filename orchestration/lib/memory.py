"""How much memory the pipeline's DuckDB processes and checks may use. Standard library only:
`ogi run` checks the setting before it starts anything."""

from __future__ import annotations

import os
import re
from pathlib import Path

# The memory one DuckDB process of the pipeline may use before it spills to disk, a size as
# DuckDB writes it ("2GB", "1.5GiB", "512MB"). Unset: a quarter of the machine's memory (or of
# its container's), at most 4 GB: with it, a run at a million reports peaks at 6.5 GiB over all
# its processes (BENCHMARKS.md, "National scale").
MEMORY_LIMIT_ENV = "OGI_MEMORY_LIMIT"
MAX_MEMORY_LIMIT = 4 * 10**9
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]i?)?b\s*$", re.IGNORECASE)
_UNIT = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12,
         "ki": 2**10, "mi": 2**20, "gi": 2**30, "ti": 2**40}
_SMALLEST_LIMIT = 64 * 2**20  # a run on raw/'s samples works with it; less is most likely a typo
_CGROUP_CAPS = ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")  # v2, v1


def memory_limit_bytes() -> int:
    """OGI_MEMORY_LIMIT in bytes, else what this machine affords (see MEMORY_LIMIT_ENV).
    A ValueError names the variable and its value when it is not a size."""
    setting = os.environ.get(MEMORY_LIMIT_ENV, "").strip()
    if not setting:
        return min(MAX_MEMORY_LIMIT, _usable_memory() // 4)
    size = _SIZE.match(setting)
    if not size:
        raise ValueError(f"{MEMORY_LIMIT_ENV}={setting!r} is not a size such as 2GB, 1.5GiB or 512MB")
    limit = int(float(size.group(1)) * _UNIT[(size.group(2) or "").lower()])
    if limit < _SMALLEST_LIMIT:
        raise ValueError(f"{MEMORY_LIMIT_ENV}={setting!r} is below the smallest limit accepted, 64MiB")
    return limit


def memory_limit_setting() -> str:
    """The limit as DuckDB's memory_limit setting (the dbt profile reads it from MEMORY_LIMIT_ENV)."""
    return f"{memory_limit_bytes()}B"


def validation_batch_rows() -> int:
    """Rows the checks read into pandas at a time: a million per 4 GB of the limit (Great
    Expectations copies a batch several times over)."""
    return max(1, memory_limit_bytes() // 4000)


def _usable_memory() -> int:
    """The machine's memory, or less if a cgroup (a container) caps this process."""
    usable = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for cap in _CGROUP_CAPS:
        try:
            text = Path(cap).read_text().strip()
        except OSError:
            continue
        if text.isdigit():  # "max": no cap
            usable = min(usable, int(text))
    return usable
