select distinct on (sha256, key)
    sha256,
    key,
    value,
    source as value_source,
    line as source_line,
    source_text,
    note as source_note
from {{ source('landing', 'parsed_values') }}
order by sha256, key
