-- Each parsed content present in raw/, the file that stands for it, and whether it is the
-- selected report of its agency-year: what the published rows of a content depend on besides the
-- content itself.
{{ config(materialized='view') }}
select
    c.sha256,
    c.file_path,
    coalesce(s.is_selected, false) as is_selected
from {{ ref('int_report_contents') }} as c
left join {{ ref('int_agency_year_selection') }} as s on s.sha256 = c.sha256
