{# Keys as SQL string literals: an IN list, or the columns of a PIVOT. #}
{% macro quoted(keys) -%}
    '{{ keys | join("', '") }}'
{%- endmacro %}

{# Over a pivot with one column per key: one key's value, or the sum of several, null unless every part is present. #}
{% macro sum_of_keys(keys) -%}
    case when {% for key in keys %}"{{ key }}" is not null{{ ' and ' if not loop.last }}{% endfor %}
         then "{{ keys | join('" + "') }}" end
{%- endmacro %}

{% macro safe_ratio(numerator, denominator) -%}
    ({{ numerator }}) / nullif({{ denominator }}, 0)
{%- endmacro %}
