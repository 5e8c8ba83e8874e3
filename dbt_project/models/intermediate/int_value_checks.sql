-- Every parsed value that must not be published, with each reason: a key of a broken identity,
-- a negative count, or a magnitude no agency reports.
-- When one value is common to every broken identity of a report (a mistyped 总计), it alone is
-- withheld: the others are confirmed by the identities that still hold. Otherwise every value of
-- the broken identities is withheld, since nothing tells which one is wrong.
with failing as (
    select * from {{ ref('int_identity_evaluations') }} where holds = false
),
rule_keys as (
    select f.sha256, f.rule_id, r.key, r.description
    from failing as f
    join {{ ref('stg_identity_rules') }} as r on r.rule_id = f.rule_id
),
common_keys as (
    select rk.sha256, rk.key
    from rule_keys as rk
    group by rk.sha256, rk.key
    having count(distinct rk.rule_id) = (select count(*) from failing as f where f.sha256 = rk.sha256)
),
single_suspect as (
    select sha256, any_value(key) as key from common_keys group by sha256 having count(*) = 1
),
broken as (
    select rk.sha256, rk.key, f.rule_id as rule, rk.description, f.expected, f.observed
    from rule_keys as rk
    join failing as f on f.sha256 = rk.sha256 and f.rule_id = rk.rule_id
    left join single_suspect as s on s.sha256 = rk.sha256
    where s.key is null or s.key = rk.key
),
contents as (
    select sha256, template from {{ ref('int_report_contents') }}
),
values_with_units as (
    select v.*, m.unit
    from {{ ref('stg_parsed_values') }} as v
    join contents as c on c.sha256 = v.sha256
    left join {{ ref('stg_metrics') }} as m on m.template = c.template and m.key = v.key
),
implausible as (
    select
        sha256, key,
        case when value < 0 then 'non_negative' else 'plausible_magnitude' end as rule,
        case when value < 0 then 'counts cannot be negative'
             else 'a count above 100,000,000 is not a plausible annual figure' end as description,
        null::double as expected,
        value as observed
    from values_with_units
    where (value < 0 and key not like '%.change')
       or (value > 100000000 and unit not in ('万元', '元', '元 as written'))
)
select * from broken
union all
select * from implausible
