{#- SPEC §7: old and new keys side by side under one name. Definitions changed in 2019, see the yml. -#}
{%- set denied_rows = ['state_secret', 'law_forbidden', 'safety_stability', 'third_party',
                       'internal_affairs', 'process_info', 'enforcement_file', 'admin_query'] -%}
{%- set unable_rows = ['not_held', 'needs_creation', 'unclear'] -%}
{%- set not_processed_rows = ['petition', 'duplicate', 'publication', 'mass_repeat', 'confirm_reissue'] -%}
{%- set outcomes = ['upheld', 'corrected', 'other', 'pending', 'total'] -%}
{#- Each pivoted column and the keys it reads: one key as it is, several summed. -#}
{%- set pivot = {
    'old_apps_received': ['apps.received'],
    'old_replies_total': ['replies.total'],
    'old_replies_granted': ['replies.granted'],
    'old_replies_partial': ['replies.partial'],
    'old_replies_denied': ['replies.denied'],
    'old_fees_10k_yuan': ['fees.amount_10k_yuan'],
    'proactive_total': ['proactive.total'],
    'staff_total': ['org.staff_total'],
    'staff_fulltime': ['org.staff_fulltime'],
    'staff_parttime': ['org.staff_parttime'],
    'new_denied': [],
    'new_unable': [],
    'new_not_processed': [],
    'new_repeat_requests': ['t3.not_processed.duplicate.total'],
    'new_mass_repeat_requests': ['t3.not_processed.mass_repeat.total'],
    'new_fees_yuan': ['s6.processing_fees_yuan'],
} -%}
{%- for r in denied_rows %}{% do pivot['new_denied'].append('t3.denied.' ~ r ~ '.total') %}{% endfor -%}
{%- for r in unable_rows %}{% do pivot['new_unable'].append('t3.unable.' ~ r ~ '.total') %}{% endfor -%}
{%- for r in not_processed_rows %}{% do pivot['new_not_processed'].append('t3.not_processed.' ~ r ~ '.total') %}{% endfor -%}
{%- for o in ['total', 'upheld', 'corrected', 'other'] -%}
    {%- do pivot.update({'old_review_' ~ o: ['review.' ~ o], 'old_litigation_' ~ o: ['litigation.' ~ o]}) -%}
{%- endfor -%}
{%- for row in ['new_received', 'carried_over', 'processed_total', 'carried_forward', 'granted', 'partial'] -%}
    {%- do pivot.update({'new_' ~ row: ['t3.' ~ row ~ '.total']}) -%}
{%- endfor -%}
{%- for o in outcomes -%}
    {%- do pivot.update({'new_review_' ~ o: ['t4.review.' ~ o],
                         'new_litigation_' ~ o: ['t4.litigation_direct.' ~ o, 't4.litigation_after_review.' ~ o]}) -%}
{%- endfor -%}
{%- set keys_read = [] -%}
{%- for keys in pivot.values() %}{% do keys_read.extend(keys) %}{% endfor -%}
{%- set pivoted_keys = keys_read | unique | list -%}  {#- a key can be read alone and in a sum #}
{#- A subquery, not a CTE: DuckDB would materialize a CTE read twice, every published value. #}
{%- set published_values -%}
    (select * from {{ ref('int_published_values') }}
     {%- if is_incremental() %} where sha256 in (select sha256 from selected){% endif %})
{%- endset %}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    post_hook="delete from {{ this }} as m where not exists (
        select 1 from {{ ref('int_agency_year_selection') }} as s
        where s.is_selected and s.sha256 = m.sha256 and s.file_path = m.file_path)",
) }}
with selected as (
    -- every selected report, also one without any value (it still is that agency-year's report)
    select sha256, agency, year, template, file_path
    from {{ ref('int_agency_year_selection') }} as selection
    where is_selected
    {%- if is_incremental() %}
        -- a row depends on its content and its file only: the rest are the rows already built
        and not exists (select 1 from {{ this }} as built
                        where built.sha256 = selection.sha256 and built.file_path = selection.file_path)
    {%- endif %}
),
value_counts as (
    select
        sha256,
        count(key) as n_keys,
        count(*) filter (where is_withheld) as n_withheld_values,
        count(*) filter (where value_source = 'prose') as n_prose_values
    from {{ published_values }}
    group by sha256
),
pivoted as (
    -- One column per key read here, from only those keys' rows: a filtered aggregate per column
    -- over every value of the report took three times as long (7 s vs 2 s of CPU at 100,000).
    pivot (
        select sha256, key, value from {{ published_values }}
        where key in ({{ quoted(pivoted_keys) }})
    )
    on key in ({{ quoted(pivoted_keys) }})
    using max(value)  -- the one value of that report and key
    group by sha256
),
harmonized as (
    select
        sha256,
        {% for column, keys in pivot.items() %}
        {{ sum_of_keys(keys) }} as {{ column }}{{ ',' if not loop.last }}
        {% endfor %}
    from pivoted
)
select
    s.sha256,
    s.agency,
    s.year,
    s.template,
    s.file_path,
    coalesce(n.n_keys, 0) as n_keys,
    coalesce(n.n_withheld_values, 0) as n_withheld_values,
    coalesce(n.n_prose_values, 0) as n_prose_values,
    case when s.template = 'old' then old_apps_received else new_new_received end as applications_received,
    new_carried_over as applications_carried_over,
    case when s.template = 'old' then old_replies_total else new_processed_total end as applications_processed,
    new_carried_forward as applications_carried_forward,
    case when s.template = 'old' then old_replies_granted else new_granted end as granted,
    case when s.template = 'old' then old_replies_partial else new_partial end as partially_granted,
    case when s.template = 'old' then old_replies_denied else new_denied end as denied,
    {% for o in ['total', 'upheld', 'corrected', 'other'] %}
    case when s.template = 'old' then old_review_{{ o }} else new_review_{{ o }} end as review_{{ o }},
    {% endfor %}
    new_review_pending as review_pending,
    {% for o in ['total', 'upheld', 'corrected', 'other'] %}
    case when s.template = 'old' then old_litigation_{{ o }} else new_litigation_{{ o }} end as litigation_{{ o }},
    {% endfor %}
    new_litigation_pending as litigation_pending,
    case when s.template = 'old' then old_fees_10k_yuan * 10000 else new_fees_yuan end as fees_yuan,
    proactive_total,
    staff_total,
    staff_fulltime,
    staff_parttime,
    new_unable as unable_to_provide,
    new_not_processed as not_processed,
    new_repeat_requests as repeat_requests,
    new_mass_repeat_requests as mass_repeat_requests
from selected as s
left join value_counts as n on n.sha256 = s.sha256
left join harmonized as h on h.sha256 = s.sha256
