-- One row per file of raw/: what became of it and why.
with files as (
    select * from {{ ref('int_report_files') }}
),
selection as (
    select * from {{ ref('int_agency_year_selection') }}
),
value_counts as (
    select sha256, count(value) as n_values from {{ ref('stg_parsed_values') }} group by sha256
),
issue_counts as (
    select sha256, count(*) as n_parse_issues from {{ ref('stg_parse_issues') }} group by sha256
)
select
    f.file_path,
    f.sha256,
    f.size_bytes,
    f.modified_at,
    f.encoding,
    f.template,
    f.template_reason,
    f.agency_raw,
    f.agency as agency_name,
    f.year,
    case
        when f.file_status <> 'parsed' then f.file_status
        when s.sha256 is null then 'rejected'
        when s.is_selected then 'published'
        else 'superseded'
    end as status,
    case
        when f.file_status <> 'parsed' then f.file_reason
        when s.sha256 is null then 'missing metadata: agency or year unknown'
        else s.selection_reason
    end as reason,
    coalesce(v.n_values, 0) as n_values,
    coalesce(i.n_parse_issues, 0) as n_parse_issues
from files as f
left join selection as s on s.sha256 = f.sha256 and f.file_status = 'parsed'
left join value_counts as v on v.sha256 = f.sha256
left join issue_counts as i on i.sha256 = f.sha256
