{#
  `column in (…)` for the keys `query` returns. Up to `limit` keys are written out as constants:
  DuckDB then filters the rows at the table scans, beneath the joins of a view, where
  `column in (select …)` computes the whole view and filters it afterwards (a test on
  fct_report_values with 1,000 untested reports at 100,000: 0.2 s against 0.9 s). Asked only
  when dbt runs the node (build, test, run: it compiles a node after the nodes it refs are
  built); more keys than the var `constant_keys_limit` (10,000), and other commands (parse,
  compile, docs: SQL for people to read), keep the subquery.
#}
{% macro in_keys_of(column, query) -%}
    {%- set limit = var('constant_keys_limit', 10000) | int -%}
    {%- set ask = execute and flags.WHICH in ('build', 'test', 'run') -%}
    {#- one key more than the limit tells that there are too many, in one query -#}
    {%- set keys = run_query("select * from (" ~ query ~ ") limit " ~ (limit + 1)).columns[0].values() if ask -%}
    {%- if not ask or keys | length > limit -%}
        {{ column }} in ({{ query }})
    {%- elif not keys -%}
        false
    {%- else -%}
        {{ column }} in (
            {%- for key in keys -%}
                '{{ key | replace("'", "''") }}'{{ ', ' if not loop.last }}
            {%- endfor -%})
    {%- endif -%}
{%- endmacro %}
