-- One row per content hash: the landing keeps one parse-cache copy of each content.
select
    sha256,
    file as first_file_path,
    status,
    reason,
    encoding,
    agency_raw,
    agency,
    year::integer as year,
    template,
    template_reason,
    parser_version
from {{ source('landing', 'parsed_reports') }}
