-- Everything that kept a file or a value out of the published marts, or that a reader should know.
with files as (
    select * from {{ ref('int_report_files') }}
),
rejected as (
    select
        'rejected_report' as category,
        split_part(file_reason, ':', 1) as rule,
        'error' as severity,
        agency as agency_name, year, null as key,
        null::double as expected, null::double as observed,
        file_reason as message,
        file_path as source_file, sha256, null as related_file
    from files
    where file_status in ('rejected', 'not_parsed')
),
withheld as (
    select
        'withheld_value' as category,
        c.rule,
        'error' as severity,
        f.agency, f.year, c.key,
        c.expected, c.observed,
        c.description || ': ' || c.key || ' withheld from the published marts' as message,
        f.file_path, c.sha256, null as related_file
    from {{ ref('int_value_checks') }} as c
    join files as f on f.sha256 = c.sha256 and f.file_path = f.canonical_path
),
carry_over as (
    select
        'cross_year' as category,
        'carry_over' as rule,
        'warning' as severity,
        agency, year, 't3.carried_over.total' as key,
        expected, observed,
        '上年结转 ' || observed::bigint || ' in ' || year || ' differs from 结转下年度 '
            || expected::bigint || ' in ' || (year - 1) as message,
        file_path, sha256, previous_file_path as related_file
    from {{ ref('int_carry_over_checks') }}
    where not holds
),
duplicates as (
    select
        'duplicate' as category,
        case when f.file_status = 'duplicate_file' then 'same_bytes' else 'same_agency_year' end as rule,
        'info' as severity,
        f.agency, f.year, null as key, null::double as expected, null::double as observed,
        coalesce(f.file_reason, s.selection_reason) as message,
        f.file_path, f.sha256,
        case when f.file_status = 'duplicate_file' then f.canonical_path
             else (select c.file_path from {{ ref('int_report_contents') }} as c
                   join {{ ref('int_agency_year_selection') }} as w on w.sha256 = c.sha256
                   where w.is_selected and w.agency = s.agency and w.year = s.year) end as related_file
    from files as f
    left join {{ ref('int_agency_year_selection') }} as s on s.sha256 = f.sha256
    where f.file_status = 'duplicate_file' or (f.file_status = 'parsed' and s.is_selected = false)
),
parse_problems as (
    select
        'parse_issue' as category,
        i.code as rule,
        'warning' as severity,
        f.agency, f.year, i.key, null::double as expected, null::double as observed,
        i.message,
        f.file_path, i.sha256, null as related_file
    from {{ ref('stg_parse_issues') }} as i
    join files as f on f.sha256 = i.sha256 and f.file_path = f.canonical_path
    -- identity and sign problems are listed once, as withheld values, with their numbers
    where i.code not in ('identity_violation', 'negative_value')
      and f.file_status = 'parsed'
)
select * from rejected
union all select * from withheld
union all select * from carry_over
union all select * from duplicates
union all select * from parse_problems
