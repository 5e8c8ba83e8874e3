"""Random table figures that satisfy every identity of their template (totals built from parts),
and the deliberate breaking of one identity."""

from __future__ import annotations

import random

from ..metrics import APPLICANT_COLUMNS, T4_BLOCKS, keys_for, t3_outcome_rows, t3_rows
from ..parsing.identities import check_identities, rules_for
from ..parsing.model import Number

Values = dict[str, Number | None]

# Most agencies receive no application at all; a few cities receive hundreds.
_ACTIVITY_LEVELS = ("idle", "low", "busy", "very_busy")
_ACTIVITY_WEIGHTS = (45, 35, 15, 5)
_ACTIVITY_SCALE = {"idle": 0, "low": 3, "busy": 25, "very_busy": 250}

# Identities that real old reports break most (telephone requests counted in no channel).
_OFTEN_BROKEN = {"old.apps_received": 3.0, "old.replies_total": 3.0}


def _count(rng: random.Random, scale: float, p_zero: float = 0.5) -> int:
    """A count that is often zero, else roughly geometric around `scale`."""
    if scale <= 0 or rng.random() < p_zero:
        return 0
    return 1 + int(rng.expovariate(1 / scale))


def _log_uniform(rng: random.Random, low: float, high: float) -> int:
    return int(low * (high / low) ** rng.random())


def _split(rng: random.Random, total: int, parts: int, weights: tuple[float, ...] | None = None) -> list[int]:
    """`total` spread over `parts` buckets, so the parts add up exactly."""
    weights = weights or (1.0,) * parts
    shares = [0] * parts
    if total <= 20:  # small totals land in few buckets, leaving the zeros real tables show
        for bucket in rng.choices(range(parts), weights=weights, k=total):
            shares[bucket] += 1
        return shares
    draws = [w * rng.random() for w in weights]
    scale = total / sum(draws)
    shares = [int(d * scale) for d in draws]
    for bucket in rng.choices(range(parts), weights=weights, k=total - sum(shares)):
        shares[bucket] += 1
    return shares


def _amount(rng: random.Random, high: float, p_zero: float, digits: int = 1) -> Number:
    if rng.random() < p_zero:
        return 0
    return round(rng.uniform(0.1, high), digits)


def old_values(rng: random.Random) -> Values:
    activity = rng.choices(_ACTIVITY_LEVELS, weights=_ACTIVITY_WEIGHTS)[0]
    scale = _ACTIVITY_SCALE[activity]
    v: Values = {}
    proactive = _log_uniform(rng, 10, 20000)
    v["proactive.total"] = proactive
    v["proactive.normative_docs"] = int(proactive * rng.uniform(0, 0.12))
    v["proactive.normative_docs_issued"] = _count(rng, 8)
    v["channel.gazette"] = _count(rng, 20, 0.7)
    v["channel.website"] = int(proactive * rng.uniform(0.3, 1.0))
    v["channel.weibo"] = _count(rng, proactive / 4 + 1, 0.5)
    v["channel.wechat"] = _count(rng, proactive / 4 + 1, 0.5)
    v["channel.other"] = _count(rng, proactive / 5 + 1, 0.4)
    v["response.hot_topics"] = _count(rng, 6)
    press = _count(rng, 3)
    v["response.press_conferences"] = press
    v["response.press_conferences_by_head"] = rng.randint(0, press)
    interviews = _count(rng, 2, 0.7)
    v["response.online_interviews"] = interviews
    v["response.online_interviews_by_head"] = rng.randint(0, interviews)
    v["response.interpretations"] = _count(rng, 10, 0.3)
    v["response.social_media"] = _count(rng, 10)
    v["response.other"] = _count(rng, 5)

    channels = [_count(rng, scale * w, 0.4) for w in (0.4, 0.05, 0.8, 0.3)]
    for key, n in zip(("apps.in_person", "apps.fax", "apps.online", "apps.letter"), channels):
        v[key] = n
    received = sum(channels)
    v["apps.received"] = received
    extended = min(_count(rng, received / 10 + 0.1, 0.8), received)
    on_time = max(received - extended - (rng.random() < 0.1), 0)
    v["apps.closed"] = on_time + extended
    v["apps.closed_on_time"] = on_time
    v["apps.closed_extended"] = extended

    reply_kinds = ("already_public", "granted", "partial", "denied",
                   "not_this_agency", "not_exist", "asked_to_amend", "other_channel")
    replies = _split(rng, received, len(reply_kinds), (3, 6, 1, 1, 2, 2, 1, 1))
    v["replies.total"] = received
    for kind, n in zip(reply_kinds, replies):
        v[f"replies.{kind}"] = n
        if kind == "denied":
            reasons = ("state_secret", "commercial_secret", "privacy",
                       "security_stability", "not_gov_info", "other_law")
            # Agencies with nothing denied often leave the 其中 reasons blank.
            blank = n == 0 and rng.random() < 0.35
            for reason, part in zip(reasons, _split(rng, n, len(reasons))):
                v[f"replies.denied.{reason}"] = None if blank else part

    for section in ("review", "litigation"):
        parts = [_count(rng, scale / 20, 0.85) for _ in range(3)]
        v[f"{section}.total"] = sum(parts)
        for outcome, n in zip(("upheld", "corrected", "other"), parts):
            v[f"{section}.{outcome}"] = n
    v["complaints.total"] = _count(rng, 4, 0.8)
    v["fees.amount_10k_yuan"] = _amount(rng, 0.5, 0.95, 2)
    v["org.dedicated_units"] = rng.choice((0, 1, 1, 1, 2))
    v["org.reading_points"] = rng.choice((0, 1, 1, 2, 3, 5))
    fulltime, parttime = rng.randint(0, 3), rng.randint(0, 12)
    # Seed 000 leaves the total blank and fills the parts.
    v["org.staff_total"] = None if rng.random() < 0.08 else fulltime + parttime
    v["org.staff_fulltime"] = fulltime
    v["org.staff_parttime"] = parttime
    v["org.budget_10k_yuan"] = _amount(rng, 20, 0.6)
    v["training.meetings"] = _count(rng, 2, 0.3)
    v["training.sessions"] = _count(rng, 2, 0.3)
    v["training.trainees"] = _count(rng, 60, 0.3)
    return {key: v[key] for key in keys_for("old")}


def _signed_change(rng: random.Random) -> int:
    return 0 if rng.random() < 0.6 else rng.choice((-1, 1)) * _count(rng, 5, 0)


def _t2_values(rng: random.Random, template: str) -> Values:
    v: Values = {}
    if template == "new2019":
        for item in ("rules", "normative"):
            made = _count(rng, 3, 0.7 if item == "rules" else 0.4)
            v[f"t2.{item}.new_made"] = made
            v[f"t2.{item}.new_published"] = made
            v[f"t2.{item}.total_published"] = made + _count(rng, 20, 0.5)
        for item in ("permits", "other_services", "penalties", "coercion"):
            v[f"t2.{item}.prev_year_items"] = _count(rng, 30, 0.4)
            v[f"t2.{item}.change"] = _signed_change(rng)
            v[f"t2.{item}.decisions"] = _count(rng, 400, 0.4)
        v["t2.admin_fees.prev_year_items"] = _count(rng, 4, 0.7)
        v["t2.admin_fees.change"] = _signed_change(rng)
        v["t2.procurement.items"] = _count(rng, 10, 0.5)
        v["t2.procurement.amount"] = _amount(rng, 3_000_000, 0.5, 2) if v["t2.procurement.items"] else 0
    else:
        for item in ("rules", "normative"):
            made = _count(rng, 3, 0.7 if item == "rules" else 0.4)
            v[f"t2.{item}.made"] = made
            v[f"t2.{item}.repealed"] = _count(rng, 2, 0.7)
            v[f"t2.{item}.in_force"] = made + _count(rng, 30, 0.3)
        for item in ("permits", "penalties", "coercion"):
            v[f"t2.{item}.decisions"] = _count(rng, 400, 0.4)
        v["t2.admin_fees.amount_10k_yuan"] = _amount(rng, 500, 0.7, 2)
    return v


def new_values(rng: random.Random, template: str) -> Values:
    v = _t2_values(rng, template)
    scale = _ACTIVITY_SCALE[rng.choices(_ACTIVITY_LEVELS, weights=_ACTIVITY_WEIGHTS)[0]]
    outcomes = t3_outcome_rows(template)
    # Natural persons file most requests; the five kinds of organisation a few.
    column_scale = dict(zip(APPLICANT_COLUMNS, (1.0, 0.25, 0.02, 0.03, 0.1, 0.05)))
    outcome_weight = {row: 1.0 for row in outcomes}
    outcome_weight.update({"granted": 8, "partial": 2, "unable.not_held": 4})
    for column in APPLICANT_COLUMNS:
        processed = _count(rng, scale * column_scale[column], 0.3)
        for row, n in zip(outcomes, _split(rng, processed, len(outcomes), tuple(outcome_weight.values()))):
            v[f"t3.{row}.{column}"] = n
        carried_over = rng.randint(0, min(processed, 3)) if rng.random() < 0.2 else 0
        carried_forward = _count(rng, 2, 0.8) if processed else 0
        v[f"t3.processed_total.{column}"] = processed
        v[f"t3.carried_over.{column}"] = carried_over
        v[f"t3.carried_forward.{column}"] = carried_forward
        v[f"t3.new_received.{column}"] = processed + carried_forward - carried_over
    for row in t3_rows(template):
        v[f"t3.{row}.total"] = sum(v[f"t3.{row}.{c}"] for c in APPLICANT_COLUMNS)  # type: ignore[misc]
    for block in T4_BLOCKS:
        parts = [_count(rng, scale / 15, 0.85) for _ in range(4)]
        for outcome, n in zip(("upheld", "corrected", "other", "pending"), parts):
            v[f"t4.{block}.{outcome}"] = n
        v[f"t4.{block}.total"] = sum(parts)
    v["s6.processing_fees_yuan"] = 0 if rng.random() < 0.9 else rng.choice((10, 20, 50, 100, 236))
    return {key: v[key] for key in keys_for(template)}


def break_one_identity(rng: random.Random, template: str, values: Values) -> list[str]:
    """Change one number so that at least one identity fails; return every rule now broken."""
    decidable = [r for r in rules_for(template) if all(values.get(k) is not None for k in r.keys)]
    rule = rng.choices(decidable, weights=[_OFTEN_BROKEN.get(r.rule_id, 1.0) for r in decidable])[0]
    key = rule.lhs[0]
    delta = rng.randint(1, 9)
    if rule.op == "<=":
        values[key] = values[rule.rhs[0]] + delta  # type: ignore[operator]
    else:
        values[key] = values[key] + delta  # type: ignore[operator]
    return sorted(v.rule.rule_id for v in check_identities(template, values))
