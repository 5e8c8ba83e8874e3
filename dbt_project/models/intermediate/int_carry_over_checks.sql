-- Across years: this year's 上年结转 should equal last year's 结转下年度 for the same agency.
-- The two totals as published (t3.carried_over.total, t3.carried_forward.total; null when
-- withheld), read from the metrics of the selected reports instead of from every published value.
with totals as (
    select
        sha256, agency, year, file_path,
        applications_carried_over as carried_over,
        applications_carried_forward as carried_forward
    from {{ ref('int_agency_year_metrics') }}
    where template in ('new2019', 'new2021')
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
