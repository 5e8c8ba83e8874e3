{# Pivot helpers over a long (key, value) group: one key, or a sum that is null unless every part is present. #}
{% macro key_value(key) -%}
    max(value) filter (where key = '{{ key }}')
{%- endmacro %}

{% macro sum_of_keys(keys) -%}
    case when count(value) filter (where key in ('{{ keys | join("', '") }}')) = {{ keys | length }}
         then sum(value) filter (where key in ('{{ keys | join("', '") }}')) end
{%- endmacro %}

{% macro safe_ratio(numerator, denominator) -%}
    ({{ numerator }}) / nullif({{ denominator }}, 0)
{%- endmacro %}
