from orchestration.lib.metrics import keys_for
from orchestration.lib.parsing.identities import check_identities, rules_for


def test_rule_counts_and_keys_exist():
    assert len(rules_for("old")) == 10
    # 表三: balance and outcome sum per column (7 each), a row total per row, 3 表四 blocks.
    assert len(rules_for("new2019")) == 7 + 7 + 23 + 3
    assert len(rules_for("new2021")) == 7 + 7 + 25 + 3
    for template in ("old", "new2019", "new2021"):
        known = set(keys_for(template))
        for rule in rules_for(template):
            assert set(rule.keys) <= known, rule.rule_id


def test_seed_002_staff_violation_with_numbers():
    values = {"org.staff_total": 126, "org.staff_fulltime": 3, "org.staff_parttime": 17}
    [violation] = check_identities("old", values)
    issue = violation.to_issue()
    assert issue.key == "old.staff_total"
    assert (violation.observed, violation.expected) == (126, 20)
    assert "126" in issue.message and "20" in issue.message


def test_blank_cells_leave_a_rule_undecided():
    values = {"replies.denied": 0, "replies.denied.state_secret": None}
    assert check_identities("old", values) == []


def test_inequality_rules():
    assert check_identities("old", {"proactive.normative_docs": 36, "proactive.total": 1267}) == []
    [v] = check_identities("old", {"proactive.normative_docs": 40, "proactive.total": 30})
    assert v.rule.rule_id == "old.normative_docs"


def test_new_template_balance():
    values = {f"t3.{row}.total": 0 for row in ("new_received", "carried_over", "processed_total", "carried_forward")}
    values["t3.new_received.total"] = 5
    values["t3.processed_total.total"] = 4
    values["t3.carried_forward.total"] = 0
    [v] = check_identities("new2021", values)
    assert v.rule.rule_id == "new2021.t3_balance.total"
    assert (v.observed, v.expected) == (5, 4)
