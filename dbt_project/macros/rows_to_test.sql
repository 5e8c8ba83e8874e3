{#
  The rows a test on a long table reads: all of them, or, given the column that holds each row's
  report hash, only the rows of the reports no successful build has tested as they are now
  (int_untested_reports; every report on a fresh warehouse or with --full-refresh).
#}
{% macro rows_to_test(model, untested_reports_in=none) -%}
    {%- if untested_reports_in is none -%}
        {{ model }}
    {%- else -%}
        (select * from {{ model }}
         where {{ untested_reports_in }} in (select sha256 from {{ ref('int_untested_reports') }}))
    {%- endif -%}
{%- endmacro %}
