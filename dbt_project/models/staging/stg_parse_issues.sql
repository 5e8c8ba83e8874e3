select sha256, code, message, key
from {{ source('landing', 'parse_issues') }}
