select rule_id, template, op, side, key, description
from {{ source('landing', 'identity_rules') }}
