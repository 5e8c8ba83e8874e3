-- Every parsed value that must not be published, with each reason: a key of a broken identity,
-- a negative count, or a magnitude no agency reports.
with broken as (
    select e.sha256, r.key, e.rule_id as rule, e.description, e.expected, e.observed
    from {{ ref('int_identity_evaluations') }} as e
    join {{ ref('stg_identity_rules') }} as r on r.rule_id = e.rule_id
    where e.holds = false
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
