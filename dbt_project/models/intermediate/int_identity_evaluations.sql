{{ evaluate_identities(ref('int_report_contents'), ref('stg_parsed_values')) }}
