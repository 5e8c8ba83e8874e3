-- Across years: this year's 上年结转 should equal last year's 结转下年度 for the same agency.
with totals as (
    select
        sha256, agency, year, file_path,
        max(value) filter (where key = 't3.carried_over.total') as carried_over,
        max(value) filter (where key = 't3.carried_forward.total') as carried_forward
    from {{ ref('int_published_values') }}
    where template in ('new2019', 'new2021')
    group by sha256, agency, year, file_path
)
select
    this_year.agency,
    this_year.year,
    this_year.sha256,
    this_year.file_path,
    last_year.sha256 as previous_sha256,
    last_year.file_path as previous_file_path,
    last_year.carried_forward as expected,
    this_year.carried_over as observed,
    this_year.carried_over = last_year.carried_forward as holds
from totals as this_year
join totals as last_year
    on last_year.agency = this_year.agency and last_year.year = this_year.year - 1
where this_year.carried_over is not null and last_year.carried_forward is not null
