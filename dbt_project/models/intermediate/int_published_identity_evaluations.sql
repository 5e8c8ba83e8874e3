-- The gate's input: identities recomputed over exactly what will be published. The reports are
-- the selected ones, taken from the selection (a distinct over the published values computed
-- that whole view once more only to find them); one without values has only undecided rules.
{{ evaluate_identities(
    "(select sha256, template from " ~ ref('int_agency_year_selection') ~ " where is_selected)",
    ref('int_published_values')) }}
