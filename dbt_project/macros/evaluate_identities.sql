{#
  Evaluates every identity rule of each report's template over a long (sha256, key, value)
  relation. A rule is decided only when every key it names has a value; otherwise `holds` is null.
  Used twice: on the values as parsed (what is broken) and on the values to publish (the gate).
  A row holds the report's figures only; what a rule says is in stg_identity_rules. Its wording
  on each of millions of rows made each evaluation table take 1.5 s longer to write at 100,000
  reports, for the few hundred broken rows that show it.
#}
{% macro evaluate_identities(reports_relation, values_relation) %}
with reports as (
    select sha256, template from {{ reports_relation }}
),
rules as (
    select * from {{ ref('stg_identity_rules') }}
),
rule_sides as (
    -- what a rule names is the same for every report: counted once, not per report
    select
        rule_id,
        template,
        any_value(op) as op,
        count(*) filter (where side = 'lhs') as n_lhs,
        count(*) filter (where side = 'rhs') as n_rhs
    from rules
    group by rule_id, template
),
sums as (
    -- from the values side: the big relation probes two small hash tables (reports, rule keys)
    -- instead of building one over every (report, key) pair; a value in no rule drops out here
    select
        v.sha256,
        rules.rule_id,
        count(v.value) filter (where rules.side = 'lhs') as lhs_present,
        count(v.value) filter (where rules.side = 'rhs') as rhs_present,
        sum(v.value) filter (where rules.side = 'lhs') as lhs_sum,
        sum(v.value) filter (where rules.side = 'rhs') as rhs_sum
    from {{ values_relation }} as v
    join reports as r on r.sha256 = v.sha256
    join rules on rules.template = r.template and rules.key = v.key
    group by v.sha256, rules.rule_id
),
evaluated as (
    select
        r.sha256,
        rs.rule_id,
        rs.op,
        -- a side with a blank or withheld key has no sum: a partial one would compare wrongly
        case when coalesce(s.lhs_present, 0) = rs.n_lhs then s.lhs_sum end as observed,
        case when coalesce(s.rhs_present, 0) = rs.n_rhs then s.rhs_sum end as expected,
        coalesce(s.lhs_present, 0) = rs.n_lhs and coalesce(s.rhs_present, 0) = rs.n_rhs as decidable
    from reports as r
    join rule_sides as rs on rs.template = r.template
    left join sums as s on s.sha256 = r.sha256 and s.rule_id = rs.rule_id
)
select
    *,
    case
        when not decidable then null
        when op = '=' then abs(observed - expected) < 1e-9
        else observed <= expected + 1e-9
    end as holds
from evaluated
{% endmacro %}
