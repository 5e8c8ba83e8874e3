{#
  `column in (…)` for the keys `query` returns. Up to `limit` keys are written out as constants:
  DuckDB then filters the rows at the table scans, beneath the joins of a view, where
  `column in (select …)` computes the whole view and filters it afterwards (a test on
  fct_report_values with 1,000 untested reports at 100,000: 0.2 s against 0.9 s). More keys, or
  no database to ask (dbt parse), keep the subquery. Called when a node is compiled, which in
  `dbt build` is after the nodes it refs are built.
#}
{% macro in_keys_of(column, query, limit=10000) -%}
    {%- set n = run_query("select count(*) from (" ~ query ~ ")").columns[0].values()[0] if execute -%}
    {%- if not execute or n > limit -%}
        {{ column }} in ({{ query }})
    {%- elif n == 0 -%}
        false
    {%- else -%}
        {{ column }} in (
            {%- for key in run_query(query).columns[0].values() -%}
                '{{ key | replace("'", "''") }}'{{ ', ' if not loop.last }}
            {%- endfor -%})
    {%- endif -%}
{%- endmacro %}
