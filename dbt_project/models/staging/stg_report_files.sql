select
    path as file_path,
    sha256,
    size as size_bytes,
    make_timestamp(mtime_ns // 1000) as modified_at,
    read_error
from {{ source('landing', 'report_files') }}
