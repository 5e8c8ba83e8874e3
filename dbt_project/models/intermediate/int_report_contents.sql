-- One row per distinct parsed content still present in raw/: the candidates for agency-year facts.
with files as (
    select * from {{ ref('int_report_files') }} where file_status = 'parsed'
),
value_counts as (
    select
        sha256,
        count(*) as n_keys,
        count(value) as n_values,
        count(*) filter (where value_source = 'prose') as n_prose_values
    from {{ ref('stg_parsed_values') }}
    group by sha256
),
newest as (
    select sha256, max(modified_at) as modified_at
    from {{ ref('stg_report_files') }}
    group by sha256
)
select
    f.sha256,
    f.file_path,
    f.agency,
    f.agency_raw,
    f.year,
    f.template,
    coalesce(v.n_keys, 0) as n_keys,
    coalesce(v.n_values, 0) as n_values,
    coalesce(v.n_prose_values, 0) as n_prose_values,
    n.modified_at
from files as f
left join value_counts as v on v.sha256 = f.sha256
left join newest as n on n.sha256 = f.sha256
