{#- Counts are integers for BI tools; fees_yuan and the rates stay decimal. The order is SPEC §7's. -#}
{%- set counts_before_fees = [
    'applications_received', 'applications_carried_over', 'applications_processed',
    'applications_carried_forward', 'granted', 'partially_granted', 'denied', 'review_total',
    'review_upheld', 'review_corrected', 'review_other', 'review_pending', 'litigation_total',
    'litigation_upheld', 'litigation_corrected', 'litigation_other', 'litigation_pending'] -%}
{%- set counts_after_fees = [
    'proactive_total', 'staff_total', 'staff_fulltime', 'staff_parttime', 'unable_to_provide',
    'not_processed', 'repeat_requests', 'mass_repeat_requests'] -%}
with metrics as (
    select * from {{ ref('int_agency_year_metrics') }}
),
carry_over as (
    select sha256, bool_and(holds) as carry_over_consistent
    from {{ ref('int_carry_over_checks') }}
    group by sha256
),
selection as (
    select sha256, n_candidates from {{ ref('int_agency_year_selection') }} where is_selected
)
select
    a.agency_id,
    m.agency as agency_name,
    m.year,
    m.template,
    {% for column in counts_before_fees %}
    m.{{ column }}::bigint as {{ column }},
    {% endfor %}
    m.fees_yuan,
    {% for column in counts_after_fees %}
    m.{{ column }}::bigint as {{ column }},
    {% endfor %}
    -- SPEC §6b rates; new reports: base = 新收 + 上年结转, corrections over concluded cases.
    case when m.template = 'old' then null
         else {{ safe_ratio('m.granted + m.partially_granted', 'm.applications_received + m.applications_carried_over') }}
    end as substantive_disclosure_rate,
    case when m.template = 'old' then null
         else {{ safe_ratio('m.unable_to_provide', 'm.applications_received + m.applications_carried_over') }}
    end as unable_rate,
    case when m.template = 'old' then null
         else {{ safe_ratio('m.applications_carried_forward', 'm.applications_received + m.applications_carried_over') }}
    end as carry_forward_rate,
    case when m.template = 'old' then null
         else {{ safe_ratio('m.repeat_requests', 'm.applications_received + m.applications_carried_over') }}
    end as repeat_request_share,
    case when m.template = 'old' then null
         else {{ safe_ratio('m.mass_repeat_requests', 'm.applications_received + m.applications_carried_over') }}
    end as mass_repeat_request_share,
    case when m.template = 'old' then {{ safe_ratio('m.granted + m.partially_granted', 'm.applications_processed') }}
    end as old_grant_rate,
    {{ safe_ratio('m.review_corrected', 'm.review_total - coalesce(m.review_pending, 0)') }} as review_correction_rate,
    {{ safe_ratio('m.litigation_corrected', 'm.litigation_total - coalesce(m.litigation_pending, 0)') }} as litigation_correction_rate,
    case
        when m.n_keys = 0 then 'no_statistics'
        when m.n_withheld_values > 0 then 'withheld_values'
        when m.n_prose_values > 0 and m.n_prose_values = m.n_keys then 'prose_only'
        else 'passed'
    end as quality_status,
    m.n_withheld_values,
    c.carry_over_consistent,
    s.n_candidates as n_candidate_reports,
    m.sha256 as report_sha256,
    m.file_path as source_file
from metrics as m
join {{ ref('dim_agency') }} as a on a.agency_name = m.agency
left join carry_over as c on c.sha256 = m.sha256
left join selection as s on s.sha256 = m.sha256
