-- Agencies as named in their reports. Place names come from the name itself (省/市/区/县 …);
-- a name without its province (安康市工信局) leaves province null rather than guessing.
with names as (
    -- by name too: a simplified and a traditional copy of one year would otherwise pick either
    select agency, any_value(agency_raw order by year desc, agency_raw) as agency_name_raw
    from {{ ref('int_report_contents') }}
    where agency is not null
    group by agency
),
parts as (
    select
        agency,
        agency_name_raw,
        nullif(regexp_extract(agency,
            '^(北京市|天津市|上海市|重庆市|内蒙古自治区|广西壮族自治区|西藏自治区|宁夏回族自治区|新疆维吾尔自治区|香港特别行政区|澳门特别行政区|[^省市县区]{2,3}省)'), '') as province,
        agency as name
    from names
),
with_city as (
    select
        *,
        nullif(regexp_extract(substr(name, length(coalesce(province, '')) + 1),
            '^([^省市县区局委办厅]{1,6}?(?:市|自治州|地区|盟))'), '') as city
    from parts
),
with_county as (
    select
        *,
        nullif(regexp_extract(substr(name, length(coalesce(province, '')) + length(coalesce(city, '')) + 1),
            '^([^省市县区局委办厅]{1,6}?(?:自治县|县|区|旗|市))'), '') as county
    from with_city
),
sectors as (
    select
        w.agency,
        s.sector,
        row_number() over (partition by w.agency order by length(s.pattern) desc, s.pattern) as rank
    from with_county as w
    join {{ ref('agency_sectors') }} as s on contains(w.agency, s.pattern)
)
select
    substr(md5(w.agency), 1, 16) as agency_id,
    w.agency as agency_name,
    w.agency_name_raw,
    w.province,
    w.city,
    w.county,
    case
        when w.county is not null then 'county'
        when w.city is not null then 'city'
        when w.province is not null then 'province'
        else 'unknown'
    end as admin_level,
    case
        when regexp_matches(w.agency, '人民政府(办公室|办公厅)?$') then 'government'
        else 'department'
    end as agency_type,
    case
        when regexp_matches(w.agency, '人民政府(办公室|办公厅)?$') then 'general_government'
        else s.sector
    end as sector
from with_county as w
left join sectors as s on s.agency = w.agency and s.rank = 1
