"""The canonical keys of every template, read from metrics.csv (the contract for parsed output)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

TEMPLATES = ("old", "new2019", "new2021")
NEW_TEMPLATES = ("new2019", "new2021")

APPLICANT_COLUMNS = (
    "natural_person",
    "commercial",
    "research",
    "social_org",
    "legal_service",
    "other_org",
)
T3_COLUMNS = APPLICANT_COLUMNS + ("total",)
T4_BLOCKS = ("review", "litigation_direct", "litigation_after_review")
T4_OUTCOMES = ("upheld", "corrected", "other", "pending", "total")

# Section rows of the printed old table that carry no value, keyed by the row they precede.
OLD_SECTION_ROWS = {
    "proactive.total": "一、主动公开情况",
    "channel.gazette": "(二)通过不同渠道和方式公开政府信息的情况",
    "response.hot_topics": "二、回应解读情况",
    "response.press_conferences": "(二)通过不同渠道和方式回应解读的情况",
    "apps.received": "三、依申请公开情况",
    "org.dedicated_units": "八、机构建设和保障经费情况",
    "training.meetings": "九、政府信息公开会议和培训情况",
}


@dataclass(frozen=True)
class Metric:
    template: str
    key: str
    label: str
    unit: str
    parent: str | None

    @property
    def signed(self) -> bool:
        """本年增/减 is the one column that may be negative."""
        return self.key.endswith(".change")

    @property
    def decimal(self) -> bool:
        return self.unit in ("万元", "元", "元 as written")


@lru_cache(maxsize=None)
def all_metrics() -> tuple[Metric, ...]:
    text = resources.files(__package__).joinpath("metrics.csv").read_text(encoding="utf-8")
    return tuple(
        Metric(row["template"], row["key"], row["label_zh"], row["unit"], row["parent"] or None)
        for row in csv.DictReader(text.splitlines())
    )


@lru_cache(maxsize=None)
def metrics_for(template: str) -> dict[str, Metric]:
    """Key → metric for one template, in the template's row order."""
    return {m.key: m for m in all_metrics() if m.template == template}


def keys_for(template: str) -> tuple[str, ...]:
    return tuple(metrics_for(template))


@lru_cache(maxsize=None)
def t3_rows(template: str) -> tuple[str, ...]:
    """The 表三 row names of a new template, in printed order (new_received … carried_forward)."""
    rows: list[str] = []
    for key in metrics_for(template):
        if key.startswith("t3.") and key.endswith(".total"):
            rows.append(key[len("t3.") : -len(".total")])
    return tuple(rows)


def t3_outcome_rows(template: str) -> tuple[str, ...]:
    """The 办理结果 rows whose sum is (七)总计."""
    rows = t3_rows(template)
    return rows[rows.index("granted") : rows.index("processed_total")]
