"""What a run did, read back from the published marts: the end-of-run report."""

from __future__ import annotations

from dataclasses import dataclass, field

from .paths import WarehouseLayout
from .warehouse_io import connect

# A national run breaks dozens of rules; the summary names the most frequent ones.
SHOWN_RULES = 10


@dataclass
class RunSummary:
    files: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    rejections: list[tuple[str, int]] = field(default_factory=list)  # reason code → files
    agency_years: int = 0
    withheld_values: int = 0
    withheld_rules: list[tuple[str, int]] = field(default_factory=list)
    cross_year_breaks: int = 0

    @property
    def parsed(self) -> int:
        return self.files - self.statuses.get("rejected", 0) - self.statuses.get("not_parsed", 0)

    def format(self) -> str:
        lines = [
            f"Files ingested: {self.files}",
            f"  parsed: {self.parsed}  (published {self.statuses.get('published', 0)}, superseded "
            f"{self.statuses.get('superseded', 0)}, duplicate files {self.statuses.get('duplicate_file', 0)})",
            f"  rejected: {self.statuses.get('rejected', 0)}",
        ]
        lines += [f"    {reason}: {n}" for reason, n in self.rejections]
        lines.append(f"Agency-years published: {self.agency_years}")
        lines.append(f"Values withheld (broke a rule; kept in staging): {self.withheld_values}")
        lines += [f"    {rule}: {n}" for rule, n in self.withheld_rules[:SHOWN_RULES]]
        if len(self.withheld_rules) > SHOWN_RULES:
            lines.append(f"    … {len(self.withheld_rules) - SHOWN_RULES} more rules (quality_issues lists every value)")
        lines.append(f"Cross-year carry-over breaks: {self.cross_year_breaks}")
        return "\n".join(lines)


def summarize(layout: WarehouseLayout) -> RunSummary:
    with connect(layout.published_database, read_only=True) as con:
        summary = RunSummary()
        summary.statuses = dict(con.execute("select status, count(*) from reports group by all").fetchall())
        summary.files = sum(summary.statuses.values())
        summary.rejections = con.execute(
            "select split_part(reason, ':', 1), count(*) from reports where status = 'rejected' "
            "group by all order by 2 desc, 1").fetchall()
        summary.agency_years = con.execute("select count(*) from fct_agency_year").fetchone()[0]
        summary.withheld_values = con.execute(
            "select count(distinct (sha256, key)) from quality_issues where category = 'withheld_value'").fetchone()[0]
        summary.withheld_rules = con.execute(
            "select rule, count(*) from quality_issues where category = 'withheld_value' "
            "group by all order by 2 desc, 1").fetchall()
        summary.cross_year_breaks = con.execute(
            "select count(*) from quality_issues where category = 'cross_year'").fetchone()[0]
    return summary
