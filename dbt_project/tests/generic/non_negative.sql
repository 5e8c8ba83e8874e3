{% test non_negative(model, column_name, untested_reports_in=none) %}
select * from {{ rows_to_test(model, untested_reports_in) }} where {{ column_name }} < 0
{% endtest %}
