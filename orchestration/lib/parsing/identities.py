"""Table identities (勾稽关系, SPEC §3): the one definition, used by the parser and the warehouse.

A rule says sum(lhs) <op> sum(rhs). It is evaluated only when every key it names has a value:
a blank cell (not reported) leaves it undecided, never broken.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter, sub
from typing import Final

from ..metrics import APPLICANT_COLUMNS, NEW_TEMPLATES, T3_COLUMNS, T4_BLOCKS, t3_outcome_rows, t3_rows
from .model import Issue, Number

_TOLERANCE: Final = 1e-9


@dataclass(frozen=True)
class Rule:
    rule_id: str
    template: str
    lhs: tuple[str, ...]
    op: str  # "=" or "<="
    rhs: tuple[str, ...]
    description: str

    @property
    def keys(self) -> tuple[str, ...]:
        return self.lhs + self.rhs


@dataclass(frozen=True)
class Violation:
    rule: Rule
    observed: Number  # sum(lhs)
    expected: Number  # sum(rhs)

    def to_issue(self) -> Issue:
        relation = "=" if self.rule.op == "=" else "≤"
        message = (
            f"{self.rule.description}: {' + '.join(self.rule.lhs)} = {_fmt(self.observed)}, "
            f"expected {relation} {' + '.join(self.rule.rhs)} = {_fmt(self.expected)}"
        )
        return Issue("identity_violation", message, key=self.rule.rule_id)


def _fmt(n: Number) -> str:
    return str(int(n)) if float(n).is_integer() else str(n)


def _old_rules() -> list[Rule]:
    def eq(rule_id, total, parts, text):
        return Rule(rule_id, "old", (total,), "=", tuple(parts), text)

    def le(rule_id, part, total, text):
        return Rule(rule_id, "old", (part,), "<=", (total,), text)

    return [
        eq("old.apps_received", "apps.received",
           ["apps.in_person", "apps.fax", "apps.online", "apps.letter"], "收到申请数 = 各渠道之和"),
        eq("old.apps_closed", "apps.closed",
           ["apps.closed_on_time", "apps.closed_extended"], "申请办结数 = 按时 + 延期"),
        eq("old.replies_total", "replies.total",
           [f"replies.{k}" for k in ("already_public", "granted", "partial", "denied",
                                      "not_this_agency", "not_exist", "asked_to_amend", "other_channel")],
           "申请答复数 = 八类答复之和"),
        eq("old.replies_denied", "replies.denied",
           [f"replies.denied.{k}" for k in ("state_secret", "commercial_secret", "privacy",
                                             "security_stability", "not_gov_info", "other_law")],
           "不同意公开答复数 = 六项理由之和"),
        eq("old.review_total", "review.total",
           ["review.upheld", "review.corrected", "review.other"], "行政复议数量 = 维持 + 纠错 + 其他"),
        eq("old.litigation_total", "litigation.total",
           ["litigation.upheld", "litigation.corrected", "litigation.other"], "行政诉讼数量 = 维持 + 纠错 + 其他"),
        eq("old.staff_total", "org.staff_total",
           ["org.staff_fulltime", "org.staff_parttime"], "工作人员数 = 专职 + 兼职"),
        le("old.normative_docs", "proactive.normative_docs", "proactive.total", "规范性文件数 ≤ 主动公开数"),
        le("old.press_by_head", "response.press_conferences_by_head", "response.press_conferences",
           "主要负责同志参加新闻发布会 ≤ 新闻发布会"),
        le("old.interviews_by_head", "response.online_interviews_by_head", "response.online_interviews",
           "主要负责同志参加在线访谈 ≤ 在线访谈"),
    ]


def _new_rules(template: str) -> list[Rule]:
    rules = []
    for c in T3_COLUMNS:
        rules.append(Rule(
            f"{template}.t3_balance.{c}", template,
            (f"t3.new_received.{c}", f"t3.carried_over.{c}"), "=",
            (f"t3.processed_total.{c}", f"t3.carried_forward.{c}"),
            f"表三 {c}: 新收 + 上年结转 = 办理总计 + 结转下年度"))
        rules.append(Rule(
            f"{template}.t3_outcomes.{c}", template,
            (f"t3.processed_total.{c}",), "=",
            tuple(f"t3.{row}.{c}" for row in t3_outcome_rows(template)),
            f"表三 {c}: (七)总计 = 各办理结果之和"))
    for row in t3_rows(template):
        rules.append(Rule(
            f"{template}.t3_row_total.{row}", template,
            (f"t3.{row}.total",), "=", tuple(f"t3.{row}.{c}" for c in APPLICANT_COLUMNS),
            f"表三 {row}: 总计 = 六类申请人之和"))
    for block in T4_BLOCKS:
        rules.append(Rule(
            f"{template}.t4_total.{block}", template,
            (f"t4.{block}.total",), "=",
            tuple(f"t4.{block}.{o}" for o in ("upheld", "corrected", "other", "pending")),
            f"表四 {block}: 总计 = 维持 + 纠正 + 其他 + 尚未审结"))
    return rules


@lru_cache(maxsize=None)
def rules_for(template: str) -> tuple[Rule, ...]:
    if template == "old":
        return tuple(_old_rules())
    if template in NEW_TEMPLATES:
        return tuple(_new_rules(template))
    return ()


def all_rules() -> tuple[Rule, ...]:
    return rules_for("old") + rules_for("new2019") + rules_for("new2021")


def evaluate(rule: Rule, values: dict[str, Number | None]) -> Violation | None:
    """The violation, or None when the rule holds or cannot be decided (a key is blank or absent)."""
    try:
        observed: Number = sum(map(values.__getitem__, rule.lhs))  # type: ignore[arg-type]
        expected: Number = sum(map(values.__getitem__, rule.rhs))  # type: ignore[arg-type]
    except (KeyError, TypeError):
        return None
    return None if _holds(rule.op, observed, expected) else Violation(rule, observed, expected)


def _holds(op: str, observed: Number, expected: Number) -> bool:
    return abs(observed - expected) <= _TOLERANCE if op == "=" else observed <= expected + _TOLERANCE


@lru_cache(maxsize=None)
def _all_at_once(template: str) -> tuple[itemgetter, tuple[slice, ...], tuple[slice, ...]]:
    """One getter for every key the template's rules name, and each rule's lhs and rhs slices."""
    keys: list[str] = []
    lhs, rhs = [], []
    for rule in rules_for(template):
        lhs.append(slice(len(keys), len(keys) + len(rule.lhs)))
        keys += rule.lhs
        rhs.append(slice(len(keys), len(keys) + len(rule.rhs)))
        keys += rule.rhs
    return itemgetter(*keys), tuple(lhs), tuple(rhs)


def check_identities(template: str, values: dict[str, Number | None]) -> list[Violation]:
    rules = rules_for(template)
    if not rules:
        return []
    # Every rule's sums at once in C-level maps when every key has a value (most reports): only
    # rules that do not hold then take a Python step.
    getter, lhs, rhs = _all_at_once(template)
    try:
        cells = getter(values)
        # typed: mypy would take sum's result for an int, and mypyc would check that it is one
        observed: list[Number] = list(map(sum, map(cells.__getitem__, lhs)))
        expected: list[Number] = list(map(sum, map(cells.__getitem__, rhs)))
    except (KeyError, TypeError):  # a key absent or blank: some rules are undecided
        return [v for rule in rules if (v := evaluate(rule, values)) is not None]
    if max(map(abs, map(sub, observed, expected))) <= _TOLERANCE:
        return []
    return [Violation(rule, o, e) for rule, o, e in zip(rules, observed, expected)
            if not _holds(rule.op, o, e)]
