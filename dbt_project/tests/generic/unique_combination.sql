{#
  Grouping millions of rows by several strings is slow; grouping by one 64-bit hash of them is
  about twice as fast. Only rows whose hash repeats (a duplicate or, very rarely, two different
  combinations with one hash) are then grouped by the columns themselves, so the test still
  returns exactly the duplicated combinations.
#}
{% test unique_combination(model, columns) %}
with repeated_hashes as (
    select hash({{ columns | join(', ') }}) as combination_hash
    from {{ model }}
    group by combination_hash
    having count(*) > 1
)
select {{ columns | join(', ') }}, count(*) as occurrences
from {{ model }}
where hash({{ columns | join(', ') }}) in (select combination_hash from repeated_hashes)
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
