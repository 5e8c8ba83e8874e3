select template, key, label_zh, unit, parent
from {{ source('landing', 'metrics') }}
