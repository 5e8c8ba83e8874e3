-- One row per file in raw/, with the verdict on its content. The first path (by name) of a
-- content hash stands for it; other paths with the same bytes are duplicate files.
with files as (
    select * from {{ ref('stg_report_files') }}
),
parsed as (
    select * from {{ ref('stg_parsed_reports') }}
),
canonical as (
    select sha256, min(file_path) as canonical_path
    from files
    where sha256 is not null
    group by sha256
)
select
    f.file_path,
    f.sha256,
    f.size_bytes,
    f.modified_at,
    case
        when f.read_error is not null then 'rejected'
        when p.sha256 is null then 'not_parsed'
        when p.status = 'rejected' then 'rejected'
        when f.file_path <> c.canonical_path then 'duplicate_file'
        else 'parsed'
    end as file_status,
    case
        when f.read_error is not null then 'unreadable: ' || f.read_error
        when p.sha256 is null then 'not parsed: unreadable or changed while the run parsed it (see the run log)'
        when p.status = 'rejected' then p.reason
        when f.file_path <> c.canonical_path then 'same bytes as ' || c.canonical_path
    end as file_reason,
    c.canonical_path,
    p.encoding,
    p.agency_raw,
    p.agency,
    p.year,
    p.template,
    p.template_reason
from files as f
left join parsed as p on p.sha256 = f.sha256
left join canonical as c on c.sha256 = f.sha256
