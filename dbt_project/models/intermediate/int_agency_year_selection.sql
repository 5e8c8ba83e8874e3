-- The same agency-year can arrive in several contents (mirrors, re-publications, traditional
-- copies). Pick one deterministically: identities passing, then most complete, then newest file,
-- then the hash as a last tie-break so reruns pick the same one.
with contents as (
    select * from {{ ref('int_report_contents') }}
    where agency is not null and year is not null
),
failures as (
    select sha256, count(distinct rule) as n_failed_checks
    from {{ ref('int_value_checks') }}
    group by sha256
),
ranked as (
    select
        c.*,
        coalesce(f.n_failed_checks, 0) as n_failed_checks,
        row_number() over (
            partition by c.agency, c.year
            order by coalesce(f.n_failed_checks, 0) = 0 desc, c.n_values desc, c.modified_at desc, c.sha256
        ) as candidate_rank,
        count(*) over (partition by c.agency, c.year) as n_candidates
    from contents as c
    left join failures as f on f.sha256 = c.sha256
),
chosen as (
    select * from ranked where candidate_rank = 1
)
select
    r.sha256,
    r.agency,
    r.year,
    r.template,
    r.file_path,
    r.candidate_rank = 1 as is_selected,
    r.n_candidates,
    r.n_failed_checks,
    r.n_values,
    case
        when r.n_candidates = 1 then 'only report of this agency-year'
        when r.candidate_rank = 1 then
            'chosen among ' || r.n_candidates || ' reports of this agency-year: '
            || (case when r.n_failed_checks = 0 then 'identities pass, ' else '' end)
            || r.n_values || ' values, newest ' || strftime(r.modified_at, '%Y-%m-%d %H:%M:%S')
        else
            'superseded by ' || c.file_path || ' ('
            || case
                   when r.n_failed_checks > 0 and c.n_failed_checks = 0 then 'it passes every identity'
                   when r.n_values < c.n_values then 'it has more values: ' || c.n_values || ' vs ' || r.n_values
                   when r.modified_at < c.modified_at then 'it is newer'
                   else 'same completeness and date: hash order'
               end || ')'
    end as selection_reason
from ranked as r
join chosen as c on c.agency = r.agency and c.year = r.year
