{{ config(materialized='view') }}
-- 行政复议 / 行政诉讼 outcomes of both formats in long form.
select
    a.agency_id,
    v.agency as agency_name,
    v.year,
    v.template,
    case
        when v.key like 't4.%' then split_part(v.key, '.', 2)
        else split_part(v.key, '.', 1)
    end as proceeding,
    split_part(v.key, '.', -1) as outcome,
    v.value::bigint as count,
    v.is_withheld,
    v.key as source_key,
    v.sha256 as report_sha256,
    v.file_path as source_file
from {{ ref('int_published_values') }} as v
join {{ ref('dim_agency') }} as a on a.agency_name = v.agency
where v.key like 't4.%' or v.key like 'review.%' or v.key like 'litigation.%'
