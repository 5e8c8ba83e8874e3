-- A content's evaluations depend on its values and the rules only, so a build evaluates only the
-- contents it has not evaluated yet and drops those no longer in raw/. A code change (rules,
-- this SQL) makes `ogi run` build with --full-refresh.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    post_hook="delete from {{ this }} where sha256 not in (select sha256 from {{ ref('int_report_contents') }})",
) }}
{%- set contents = ref('int_report_contents') %}
{%- if is_incremental() %}
    {%- set contents = "(select * from " ~ contents ~ " where sha256 not in (select sha256 from " ~ this ~ "))" %}
{%- endif %}
{{ evaluate_identities(contents, ref('stg_parsed_values')) }}
