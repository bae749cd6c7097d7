-- Loads the generated CSVs (mianshen fixtures generate) into typed DuckDB tables, with the
-- empty-cell meanings of Rules/schemas/*.yaml. `{data}` is replaced by the data directory.
-- Every cell is read as text and typed here, so the typing is part of the measured load.

-- residents.yaml: disability_level empty = 0 (无残疾); every other empty cell is unknown (NULL).
CREATE OR REPLACE TABLE residents AS
SELECT
    id_number,
    CAST(birth_date AS DATE)                                   AS birth_date,
    hukou_division,
    household_id,
    relation,
    CASE alive WHEN '是' THEN TRUE WHEN '否' THEN FALSE END    AS alive,
    CASE dibao WHEN '是' THEN TRUE WHEN '否' THEN FALSE END    AS dibao,
    CASE tekun WHEN '是' THEN TRUE WHEN '否' THEN FALSE END    AS tekun,
    COALESCE(CAST(disability_level AS INTEGER), 0)             AS disability_level,
    school_stage,
    medical_insurance,
    CAST(annual_income_yuan AS DECIMAL(18, 2))                 AS annual_income_yuan,
    CAST(farmland_mu AS DECIMAL(18, 2))                        AS farmland_mu
FROM read_csv('{data}/residents.csv', header = true, all_varchar = true);

-- enterprises.yaml: first_above_scale_year empty = 0 only when above_scale = 否.
CREATE OR REPLACE TABLE enterprises AS
SELECT
    uscc,
    reg_division,
    upper(industry)                                            AS industry,
    CAST(employees AS INTEGER)                                 AS employees,
    CAST(revenue_wan AS DECIMAL(18, 2))                        AS revenue_wan,
    CAST(assets_wan AS DECIMAL(18, 2))                         AS assets_wan,
    CASE above_scale WHEN '是' THEN TRUE WHEN '否' THEN FALSE END AS above_scale,
    CASE
        WHEN first_above_scale_year IS NOT NULL THEN CAST(first_above_scale_year AS INTEGER)
        WHEN above_scale = '否' THEN 0
    END                                                        AS first_above_scale_year,
    CASE dishonest WHEN '是' THEN TRUE WHEN '否' THEN FALSE END AS dishonest,
    CAST(insured_employees AS INTEGER)                         AS insured_employees,
    CAST(layoff_rate AS DECIMAL(5, 2))                         AS layoff_rate,
    CAST(unemployment_insurance_paid_wan AS DECIMAL(18, 2))    AS unemployment_insurance_paid_wan,
    CAST(new_graduates_hired AS INTEGER)                       AS new_graduates_hired
FROM read_csv('{data}/enterprises.csv', header = true, all_varchar = true);

-- licences.yaml: expiry_date empty = 9999-12-31 (长期有效).
CREATE OR REPLACE TABLE licences AS
SELECT
    holder_id,
    license_type,
    CAST(issue_date AS DATE)                                   AS issue_date,
    COALESCE(CAST(expiry_date AS DATE), DATE '9999-12-31')     AS expiry_date
FROM read_csv('{data}/licences.csv', header = true, all_varchar = true);
