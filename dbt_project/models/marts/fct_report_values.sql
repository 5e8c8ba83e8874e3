{{ config(materialized='view') }}
-- Every published figure with the cell or sentence it came from, so each can be traced back.
select
    a.agency_id,
    v.agency as agency_name,
    v.year,
    v.template,
    v.key,
    m.label_zh,
    m.unit,
    v.value,
    v.key like '%.change' as is_signed,
    v.is_withheld,
    v.withheld_by,
    v.value_source,
    v.source_line,
    v.source_text,
    v.source_note,
    v.sha256 as report_sha256,
    v.file_path as source_file
from {{ ref('int_published_values') }} as v
join {{ ref('dim_agency') }} as a on a.agency_name = v.agency
left join {{ ref('stg_metrics') }} as m on m.template = v.template and m.key = v.key
