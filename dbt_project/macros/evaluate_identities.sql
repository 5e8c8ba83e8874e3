{#
  Evaluates every identity rule of each report's template over a long (sha256, key, value)
  relation. A rule is decided only when every key it names has a value; otherwise `holds` is null.
  Used twice: on the values as parsed (what is broken) and on the values to publish (the gate).
#}
{% macro evaluate_identities(reports_relation, values_relation) %}
with rules as (
    select * from {{ ref('stg_identity_rules') }}
),
sides as (
    select
        r.sha256,
        rules.rule_id,
        rules.op,
        rules.description,
        rules.side,
        count(*) as n_keys,
        count(v.value) as n_present,
        sum(v.value) as side_sum,
        string_agg(rules.key, ' + ' order by rules.key) as side_keys
    from {{ reports_relation }} as r
    join rules on rules.template = r.template
    left join {{ values_relation }} as v
        on v.sha256 = r.sha256 and v.key = rules.key
    group by all
),
evaluated as (
    select
        sha256,
        rule_id,
        any_value(op) as op,
        any_value(description) as description,
        -- a side with a blank or withheld key has no sum: a partial one would compare wrongly
        max(side_sum) filter (where side = 'lhs' and n_present = n_keys) as observed,
        max(side_sum) filter (where side = 'rhs' and n_present = n_keys) as expected,
        max(side_keys) filter (where side = 'lhs') as lhs_keys,
        max(side_keys) filter (where side = 'rhs') as rhs_keys,
        bool_and(n_present = n_keys) as decidable
    from sides
    group by sha256, rule_id
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
