{#
  Grouping millions of rows by several strings is slow; grouping by one 64-bit hash of them is
  about twice as fast. Only rows whose hash repeats (a duplicate or, very rarely, two different
  combinations with one hash) are then grouped by the columns themselves, so the test still
  returns exactly the duplicated combinations.
  untested_reports_in: see rows_to_test. A combination that includes the report's agency-year
  cannot repeat across two reports unless two are selected for it, which fct_agency_year's own
  test of every row rules out. The rows are read twice, not through a CTE: DuckDB would
  materialize a CTE read twice (13.8 M rows of stg_parsed_values at 100,000 reports).
#}
{% test unique_combination(model, columns, untested_reports_in=none) %}
{%- set rows_tested = rows_to_test(model, untested_reports_in) %}
with repeated_hashes as (
    select hash({{ columns | join(', ') }}) as combination_hash
    from {{ rows_tested }}
    group by combination_hash
    having count(*) > 1
)
select {{ columns | join(', ') }}, count(*) as occurrences
from {{ rows_tested }}
where hash({{ columns | join(', ') }}) in (select combination_hash from repeated_hashes)
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
