-- The reports whose rows this build's tests on the long tables must read: those that the last
-- successful build did not test as they are now (a new content, another file standing for it, or
-- selected where it was not). The other reports' rows are the same rows, made by the same code
-- (a code change makes `ogi run` build with --full-refresh), and passed those tests then.
{%- set tested = adapter.get_relation(this.database, this.schema, 'int_tested_reports') %}
select now.*
from {{ ref('int_report_states') }} as now
{%- if tested is not none and not flags.FULL_REFRESH %}
anti join {{ tested }} as tested
    on tested.sha256 = now.sha256
    and tested.file_path = now.file_path
    and tested.is_selected = now.is_selected
{%- endif %}
