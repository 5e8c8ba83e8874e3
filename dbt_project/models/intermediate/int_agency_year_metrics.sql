{#- SPEC §7: old and new keys side by side under one name. Definitions changed in 2019, see the yml. -#}
{%- set denied_rows = ['state_secret', 'law_forbidden', 'safety_stability', 'third_party',
                       'internal_affairs', 'process_info', 'enforcement_file', 'admin_query'] -%}
{%- set unable_rows = ['not_held', 'needs_creation', 'unclear'] -%}
{%- set not_processed_rows = ['petition', 'duplicate', 'publication', 'mass_repeat', 'confirm_reissue'] -%}
{%- set outcomes = ['upheld', 'corrected', 'other', 'pending', 'total'] -%}
{%- set denied_keys, unable_keys, not_processed_keys = [], [], [] -%}
{%- for r in denied_rows %}{% do denied_keys.append('t3.denied.' ~ r ~ '.total') %}{% endfor -%}
{%- for r in unable_rows %}{% do unable_keys.append('t3.unable.' ~ r ~ '.total') %}{% endfor -%}
{%- for r in not_processed_rows %}{% do not_processed_keys.append('t3.not_processed.' ~ r ~ '.total') %}{% endfor -%}
with values_by_report as (
    -- every selected report, also one without any value (it still is that agency-year's report)
    select c.sha256, c.agency, c.year, c.template, c.file_path,
           v.key, v.value, v.is_withheld, v.value_source
    from {{ ref('int_agency_year_selection') }} as s
    join {{ ref('int_report_contents') }} as c on c.sha256 = s.sha256
    left join {{ ref('int_published_values') }} as v on v.sha256 = s.sha256
    where s.is_selected
),
pivoted as (
    select
        sha256,
        any_value(agency) as agency,
        any_value(year) as year,
        any_value(template) as template,
        any_value(file_path) as file_path,
        count(key) as n_keys,
        count(*) filter (where is_withheld) as n_withheld_values,
        count(*) filter (where value_source = 'prose') as n_prose_values,

        -- old template
        {{ key_value('apps.received') }} as old_apps_received,
        {{ key_value('replies.total') }} as old_replies_total,
        {{ key_value('replies.granted') }} as old_replies_granted,
        {{ key_value('replies.partial') }} as old_replies_partial,
        {{ key_value('replies.denied') }} as old_replies_denied,
        {% for o in ['total', 'upheld', 'corrected', 'other'] %}
        {{ key_value('review.' ~ o) }} as old_review_{{ o }},
        {{ key_value('litigation.' ~ o) }} as old_litigation_{{ o }},
        {% endfor %}
        {{ key_value('fees.amount_10k_yuan') }} as old_fees_10k_yuan,
        {{ key_value('proactive.total') }} as proactive_total,
        {{ key_value('org.staff_total') }} as staff_total,
        {{ key_value('org.staff_fulltime') }} as staff_fulltime,
        {{ key_value('org.staff_parttime') }} as staff_parttime,

        -- new templates
        {% for row in ['new_received', 'carried_over', 'processed_total', 'carried_forward', 'granted', 'partial'] %}
        {{ key_value('t3.' ~ row ~ '.total') }} as new_{{ row }},
        {% endfor %}
        {{ sum_of_keys(denied_keys) }} as new_denied,
        {{ sum_of_keys(unable_keys) }} as new_unable,
        {{ sum_of_keys(not_processed_keys) }} as new_not_processed,
        {{ key_value('t3.not_processed.duplicate.total') }} as new_repeat_requests,
        {{ key_value('t3.not_processed.mass_repeat.total') }} as new_mass_repeat_requests,
        {% for o in outcomes %}
        {{ key_value('t4.review.' ~ o) }} as new_review_{{ o }},
        {{ sum_of_keys(['t4.litigation_direct.' ~ o, 't4.litigation_after_review.' ~ o]) }} as new_litigation_{{ o }},
        {% endfor %}
        {{ key_value('s6.processing_fees_yuan') }} as new_fees_yuan
    from values_by_report
    group by sha256
)
select
    sha256,
    agency,
    year,
    template,
    file_path,
    n_keys,
    n_withheld_values,
    n_prose_values,
    case when template = 'old' then old_apps_received else new_new_received end as applications_received,
    new_carried_over as applications_carried_over,
    case when template = 'old' then old_replies_total else new_processed_total end as applications_processed,
    new_carried_forward as applications_carried_forward,
    case when template = 'old' then old_replies_granted else new_granted end as granted,
    case when template = 'old' then old_replies_partial else new_partial end as partially_granted,
    case when template = 'old' then old_replies_denied else new_denied end as denied,
    {% for o in ['total', 'upheld', 'corrected', 'other'] %}
    case when template = 'old' then old_review_{{ o }} else new_review_{{ o }} end as review_{{ o }},
    {% endfor %}
    new_review_pending as review_pending,
    {% for o in ['total', 'upheld', 'corrected', 'other'] %}
    case when template = 'old' then old_litigation_{{ o }} else new_litigation_{{ o }} end as litigation_{{ o }},
    {% endfor %}
    new_litigation_pending as litigation_pending,
    case when template = 'old' then old_fees_10k_yuan * 10000 else new_fees_yuan end as fees_yuan,
    proactive_total,
    staff_total,
    staff_fulltime,
    staff_parttime,
    new_unable as unable_to_provide,
    new_not_processed as not_processed,
    new_repeat_requests as repeat_requests,
    new_mass_repeat_requests as mass_repeat_requests
from pivoted
