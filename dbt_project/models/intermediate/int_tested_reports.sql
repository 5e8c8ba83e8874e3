-- Written last, and only when every model and test before it succeeded (dbt build skips it
-- otherwise): the report states that this build tested, the next build's baseline. A test of a
-- long table reads int_untested_reports too, and dbt lets such a test of two models block only
-- the models downstream of both.
-- depends_on: {{ ref('int_untested_reports') }}
-- depends_on: {{ ref('fct_report_values') }}
-- depends_on: {{ ref('fct_application_outcomes') }}
-- depends_on: {{ ref('fct_review_litigation') }}
-- depends_on: {{ ref('fct_agency_year') }}
-- depends_on: {{ ref('int_published_identity_evaluations') }}
-- depends_on: {{ ref('quality_issues') }}
select
    s.*,
    i.code_hash
from {{ ref('int_report_states') }} as s
cross join {{ source('landing', 'publication_inputs') }} as i
