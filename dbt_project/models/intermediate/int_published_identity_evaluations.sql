-- The gate's input: identities recomputed over exactly what will be published.
{{ evaluate_identities(
    "(select distinct sha256, template from " ~ ref('int_published_values') ~ ")",
    ref('int_published_values')) }}
