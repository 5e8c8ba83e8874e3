{#
  The rows a test on a long table reads: all of them, or, given the column that holds each row's
  report hash, only the rows of the reports no successful build has tested as they are now
  (int_untested_reports; every report on a fresh warehouse or with --full-refresh).
#}
{% macro rows_to_test(model, untested_reports_in=none) -%}
    {%- set untested = ref('int_untested_reports') if untested_reports_in is not none -%}
    {#- with --full-refresh every report is untested: no filter to compute #}
    {%- if untested_reports_in is none or flags.FULL_REFRESH -%}
        {{ model }}
    {%- else -%}
        (select * from {{ model }} where {{ in_keys_of(untested_reports_in, 'select sha256 from ' ~ untested) }})
    {%- endif -%}
{%- endmacro %}
