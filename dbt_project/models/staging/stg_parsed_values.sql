-- One row per (sha256, key): the landing keeps one parse-cache copy of each content.
select
    sha256,
    key,
    value,
    source as value_source,
    line as source_line,
    source_text,
    note as source_note
from {{ source('landing', 'parsed_values') }}
