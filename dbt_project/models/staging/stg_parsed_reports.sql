-- One row per content hash: the landing keeps one parse-cache copy of each content.
select
    sha256,
    file as parsed_file_path,  -- the path this copy was read under; the content may have others
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
