-- The values of the selected reports as they will be published: a value that failed a check is
-- withheld (null here); staging keeps what was parsed.
-- A view: six models read it, most for a few keys or columns; as a table, every run wrote all
-- published values with their source text once more than the marts need.
{{ config(materialized='view') }}
with selected as (
    select sha256, agency, year, template, file_path
    from {{ ref('int_agency_year_selection') }}
    where is_selected
),
withheld as (
    select sha256, key, string_agg(distinct rule, ', ' order by rule) as withheld_by
    from {{ ref('int_value_checks') }}
    group by sha256, key
)
select
    s.sha256,
    s.agency,
    s.year,
    s.template,
    s.file_path,
    v.key,
    case when w.key is null then v.value end as value,
    w.key is not null as is_withheld,
    w.withheld_by,
    v.value_source,
    v.source_line,
    v.source_text,
    v.source_note
from selected as s
join {{ ref('stg_parsed_values') }} as v on v.sha256 = s.sha256
left join withheld as w on w.sha256 = v.sha256 and w.key = v.key
