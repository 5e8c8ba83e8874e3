-- A content hash is parsed once; if a killed run left it in two chunks, either copy is the same.
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
qualify row_number() over (partition by sha256 order by file) = 1
