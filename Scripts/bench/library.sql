-- The published library of Rules/ written by hand as SQL for DuckDB, over the tables of
-- load.sql. `{as_of}` is replaced by the evaluation date (YYYY-MM-DD).
--
-- Semantics follow docs/rule-language.md §4 and the reference evaluator:
--   * Kleene logic is SQL's NULL logic: a condition is TRUE, FALSE or NULL (unknown).
--   * outcome: some condition FALSE → ineligible; else some NULL → unknown (manual review);
--     else eligible — and an eligible row whose amount is NULL is unknown too.
--   * the validity window is a condition; parameters take the value in force on {as_of}.
--   * amounts: capped (上限) first, then rounded half up to the fen; a value below every tier is 0.
--   * 周岁 counts the birthday itself; born 29 Feb completes a year on 1 Mar in other years.
--   * households: residents grouped by household_id (the active extract); a 家庭 policy is
--     decided once per household, for its 户主 (else its first member by 身份证号).
--   * 互斥组 企业培育奖励 (QY-GXRD 优先级 1, QY-SCSG 优先级 2, 就高): among eligible rows the
--     larger amount wins, ties by 优先级 then policy id; the others are `excluded`.
--   * SQL's least() ignores NULL; 上限 does not (capped() below).
--
-- Each subject is decided in one pass into a wide table (one row per entity, one column per
-- policy holding {outcome, amount}); the view `outcomes(entity_id, policy_id, outcome, amount)`
-- unpivots them: one row per entity and policy in the policy's scope, outcome ∈ eligible |
-- excluded | ineligible | unknown; amount on eligible rows, and on excluded rows what they would
-- have received (reminders, 提醒, have none).

CREATE OR REPLACE TEMP MACRO age_on(born, d) AS
    year(d) - year(born) - CASE WHEN month(d) * 100 + day(d) < month(born) * 100 + day(born) THEN 1 ELSE 0 END;

-- 任一(…) over a group: TRUE if some member is TRUE; else NULL if some is NULL; else FALSE.
CREATE OR REPLACE TEMP MACRO kleene_any(x) AS
    CASE WHEN bool_or(x) THEN TRUE WHEN count(x) < count(*) THEN NULL ELSE FALSE END;

-- The condition AND-ed with Kleene logic, then the amount: the outcome of one row.
CREATE OR REPLACE TEMP MACRO decide(conditions, amount) AS
    CASE WHEN conditions IS NULL THEN 'unknown'
         WHEN NOT conditions THEN 'ineligible'
         WHEN amount IS NULL THEN 'unknown'
         ELSE 'eligible' END;

-- 上限: unlike least(), unknown when either side is unknown.
CREATE OR REPLACE TEMP MACRO capped(x, cap) AS
    CASE WHEN x IS NULL OR cap IS NULL THEN NULL WHEN x < cap THEN x ELSE cap END;

-- One policy's decision for one row: the outcome, and the amount (rounded to the fen) when eligible.
CREATE OR REPLACE TEMP MACRO decision(conditions, amount) AS
    struct_pack(outcome := decide(conditions, amount),
                amount := CASE WHEN decide(conditions, amount) = 'eligible' THEN CAST(round(amount, 2) AS DECIMAL(18, 2)) END);

-- 提醒 (reminders) have no amount.
CREATE OR REPLACE TEMP MACRO reminder(conditions) AS
    struct_pack(outcome := decide(conditions, 0), amount := CAST(NULL AS DECIMAL(18, 2)));

CREATE OR REPLACE TEMP MACRO in_force(from_day, to_day) AS
    DATE '{as_of}' BETWEEN CAST(from_day AS DATE) AND CAST(to_day AS DATE);

CREATE OR REPLACE TABLE households AS
SELECT
    household_id,
    -- 任一(家庭成员.低保对象 = 是 或 家庭成员.特困人员 = 是): 低保特困家庭
    kleene_any(dibao OR tekun)                                     AS poor_family,
    -- 任一(家庭成员.低保对象 = 是): ZC-KNCJ 低保家庭
    kleene_any(dibao)                                              AS dibao_family,
    -- 计数(家庭成员, 低保 或 特困): unknown if any member cannot be decided
    CASE WHEN count(dibao OR tekun) < count(*) THEN NULL
         ELSE count(*) FILTER (WHERE dibao OR tekun) END           AS poor_members,
    -- 合计(家庭成员.个人年收入): unknown if any member's income is unknown
    CASE WHEN count(annual_income_yuan) < count(*) THEN NULL
         ELSE sum(annual_income_yuan) END                          AS income_sum,
    count(*)                                                       AS members,
    count(*) FILTER (WHERE age_on(birth_date, DATE '{as_of}') < 3) AS infants,
    -- the member that stands for the household: its 户主, else the smallest 身份证号
    arg_min(id_number, (CASE relation WHEN '户主' THEN 0 ELSE 1 END, id_number)) AS head
FROM residents
GROUP BY household_id;

CREATE OR REPLACE TABLE resident_decisions AS
WITH person AS (
    SELECT
        r.id_number,
        r.hukou_division LIKE '410103%'                   AS in_district,
        r.alive, r.dibao, r.tekun, r.disability_level, r.school_stage, r.medical_insurance, r.farmland_mu,
        age_on(r.birth_date, DATE '{as_of}')              AS age,
        h.poor_family, h.dibao_family, h.income_sum, h.members
    FROM residents r JOIN households h USING (household_id)
)
SELECT
    id_number AS entity_id,
    -- YL-GLJT 高龄津贴：按周岁分档
    decision(in_force('2025-01-01', '2027-12-31') AND in_district AND alive AND age >= 80,
             CASE WHEN age >= 100 THEN 300 WHEN age >= 90 THEN 200 WHEN age >= 80 THEN 100 ELSE 0 END) AS "YL-GLJT",
    -- ZY-JMYB 困难群众城乡居民医保个人缴费资助：特困全额（个人缴费），否则定额资助
    decision(in_force('2025-01-01', '2027-12-31') AND in_district AND medical_insurance = '城乡居民'
                 AND ((dibao OR tekun) OR (disability_level >= 1 AND disability_level <= 2)),
             CASE WHEN tekun THEN (CASE WHEN DATE '{as_of}' >= DATE '2024-01-01' THEN 400 END)
                  WHEN NOT tekun THEN (CASE WHEN DATE '{as_of}' >= DATE '2025-01-01' THEN 200 END) END) AS "ZY-JMYB",
    -- ZX-XQZZ 学前教育幼儿资助
    decision(in_force('2025-01-01', '2027-12-31') AND in_district AND school_stage = '学前' AND poor_family,
             1000) AS "ZX-XQZZ",
    -- ZX-GZZX 普通高中国家助学金（家庭人均年收入 = 合计 / 人数 < 12000 元）；标准按日期
    decision(in_force('2025-01-01', '2027-12-31') AND in_district AND school_stage IN ('高中', '中职')
                 AND (poor_family OR income_sum < 12000 * members),
             CASE WHEN DATE '{as_of}' >= DATE '2025-03-01' THEN 2300
                  WHEN DATE '{as_of}' >= DATE '2024-09-01' THEN 2000 END) AS "ZX-GZZX",
    -- ZC-KNCJ 困难残疾人生活补贴
    decision(in_force('2025-01-01', '2027-12-31') AND in_district AND alive
                 AND disability_level >= 1 AND dibao_family AND tekun = FALSE,
             120) AS "ZC-KNCJ",
    -- ZC-ZDHL 重度残疾人护理补贴
    decision(in_force('2025-01-01', '2027-12-31') AND in_district AND alive
                 AND disability_level >= 1 AND disability_level <= 2 AND tekun = FALSE,
             100) AS "ZC-ZDHL",
    -- HN-GDDL 耕地地力保护补贴：面积 × 每亩标准，上限 3000 元
    decision(in_force('2025-01-01', '2027-12-31') AND in_district AND farmland_mu > 0,
             capped(farmland_mu * (CASE WHEN DATE '{as_of}' >= DATE '2025-01-01' THEN 108.65 END), 3000)) AS "HN-GDDL"
FROM person;

CREATE OR REPLACE TABLE household_decisions AS
SELECT
    h.household_id AS entity_id,
    -- FR-QNBT 低保特困家庭冬季取暖补贴：人数 × 200 元，上限 600 元
    decision(in_force('2025-01-01', '2027-12-31') AND p.hukou_division LIKE '410103%' AND h.poor_family,
             capped(h.poor_members * 200, 600)) AS "FR-QNBT",
    -- YY-YEBT 育儿补贴：3 周岁以下婴幼儿每人每月 300 元
    decision(in_force('2025-01-01', '2027-12-31') AND p.hukou_division LIKE '410103%' AND h.infants >= 1,
             h.infants * 300) AS "YY-YEBT"
FROM households h JOIN residents p ON p.id_number = h.head;

CREATE OR REPLACE TABLE firm_decisions AS
WITH licence_facts AS (
    SELECT
        holder_id,
        bool_or(license_type = '高新技术企业证书'
                AND issue_date <= DATE '{as_of}' AND DATE '{as_of}' <= expiry_date)            AS valid_high_tech,
        bool_or(datediff('day', DATE '{as_of}', expiry_date) BETWEEN 0 AND 60)                AS expiring
    FROM licences
    GROUP BY holder_id
),
firm AS (
    SELECT
        e.*,
        e.reg_division LIKE '410103%' AS registered,
        COALESCE(l.valid_high_tech, FALSE) AS valid_high_tech,
        COALESCE(l.expiring, FALSE) AS expiring,
        -- 小微企业 / 大型企业（国统字〔2017〕213号）：行业代码按最长前缀取行；表中没有的行业为未知
        CASE
            WHEN industry LIKE 'F51%' THEN employees < 20 OR revenue_wan < 5000
            WHEN industry LIKE 'F52%' THEN employees < 50 OR revenue_wan < 500
            WHEN industry LIKE 'H61%' OR industry LIKE 'H62%' THEN employees < 100 OR revenue_wan < 2000
            WHEN industry LIKE 'I65%' THEN employees < 100 OR revenue_wan < 1000
            WHEN industry LIKE 'A%' THEN revenue_wan < 500
            WHEN industry LIKE 'B%' OR industry LIKE 'C%' OR industry LIKE 'D%' THEN employees < 300 OR revenue_wan < 2000
            WHEN industry LIKE 'E%' THEN revenue_wan < 6000 OR assets_wan < 5000
            WHEN industry LIKE 'L%' THEN employees < 100 OR assets_wan < 8000
            WHEN left(industry, 1) IN ('M', 'N', 'O', 'P', 'Q', 'R') THEN employees < 100
        END AS small_micro,
        CASE
            WHEN industry LIKE 'F51%' THEN employees >= 200 AND revenue_wan >= 40000
            WHEN industry LIKE 'F52%' THEN employees >= 300 AND revenue_wan >= 20000
            WHEN industry LIKE 'H61%' OR industry LIKE 'H62%' THEN employees >= 300 AND revenue_wan >= 10000
            WHEN industry LIKE 'I65%' THEN employees >= 300 AND revenue_wan >= 10000
            WHEN industry LIKE 'A%' THEN revenue_wan >= 20000
            WHEN industry LIKE 'B%' OR industry LIKE 'C%' OR industry LIKE 'D%' THEN employees >= 1000 AND revenue_wan >= 40000
            WHEN industry LIKE 'E%' THEN revenue_wan >= 80000 AND assets_wan >= 80000
            WHEN industry LIKE 'L%' THEN employees >= 300 AND assets_wan >= 120000
            WHEN left(industry, 1) IN ('M', 'N', 'O', 'P', 'Q', 'R') THEN employees >= 300
        END AS large
    FROM enterprises e LEFT JOIN licence_facts l ON l.holder_id = e.uscc
),
raw AS (
    SELECT
        uscc,
        -- QY-KGBZ 一次性扩岗补助（2025 年）：每人 1500 元，上限 30000 元
        decision(in_force('2025-01-01', '2025-12-31') AND registered AND new_graduates_hired >= 1 AND insured_employees >= 1,
                 capped(new_graduates_hired * 1500, 30000)) AS "QY-KGBZ",
        -- QY-WGFH 失业保险稳岗返还（2025 年）：缴费（万元）× 10000 × (大型 30% / 其他 60%)
        decision(in_force('2025-01-01', '2025-12-31') AND registered AND unemployment_insurance_paid_wan > 0
                     AND (CASE WHEN insured_employees <= 30 THEN layoff_rate <= 20
                               WHEN insured_employees > 30 THEN layoff_rate <= 5.5 END)
                     AND dishonest = FALSE,
                 unemployment_insurance_paid_wan * 10000 * (CASE WHEN large THEN 0.30 WHEN NOT large THEN 0.60 END)) AS "QY-WGFH",
        -- QY-XWTX 小微企业惠企政策提醒
        reminder(in_force('2025-01-01', '2027-12-31') AND registered AND small_micro AND dishonest = FALSE) AS "QY-XWTX",
        -- TX-ZZDQ 证照到期提醒：有证照在 0–60 天内到期
        reminder(in_force('2025-01-01', '2027-12-31') AND registered AND expiring) AS "TX-ZZDQ",
        -- QY-SCSG 首次升规奖励（互斥 企业培育奖励 优先级 2 就高）
        decision(in_force('2025-01-01', '2027-12-31') AND registered AND first_above_scale_year >= 2024 AND revenue_wan >= 2000,
                 CASE WHEN revenue_wan >= 5000 THEN 250000 WHEN revenue_wan >= 2000 THEN 100000 ELSE 0 END) AS "QY-SCSG",
        -- QY-GXRD 高新技术企业认定奖励（互斥 企业培育奖励 优先级 1 就高）
        decision(in_force('2025-01-01', '2027-12-31') AND registered AND valid_high_tech AND dishonest = FALSE,
                 200000) AS "QY-GXRD"
    FROM firm
)
SELECT
    uscc AS entity_id,
    "QY-KGBZ", "QY-WGFH", "QY-XWTX", "TX-ZZDQ",
    -- 互斥组 企业培育奖励（就高）：both eligible → the larger amount wins; on a tie QY-GXRD
    -- (优先级 1) beats QY-SCSG (优先级 2). The loser is excluded and keeps its amount.
    CASE WHEN "QY-GXRD".outcome = 'eligible' AND "QY-SCSG".outcome = 'eligible'
              AND "QY-GXRD".amount >= "QY-SCSG".amount
         THEN struct_pack(outcome := 'excluded', amount := "QY-SCSG".amount) ELSE "QY-SCSG" END AS "QY-SCSG",
    CASE WHEN "QY-GXRD".outcome = 'eligible' AND "QY-SCSG".outcome = 'eligible'
              AND "QY-GXRD".amount < "QY-SCSG".amount
         THEN struct_pack(outcome := 'excluded', amount := "QY-GXRD".amount) ELSE "QY-GXRD" END AS "QY-GXRD"
FROM raw;

CREATE OR REPLACE VIEW outcomes AS
SELECT entity_id, policy_id, d.outcome AS outcome, d.amount AS amount
FROM (UNPIVOT resident_decisions ON COLUMNS(* EXCLUDE (entity_id)) INTO NAME policy_id VALUE d)
UNION ALL
SELECT entity_id, policy_id, d.outcome, d.amount
FROM (UNPIVOT household_decisions ON COLUMNS(* EXCLUDE (entity_id)) INTO NAME policy_id VALUE d)
UNION ALL
SELECT entity_id, policy_id, d.outcome, d.amount
FROM (UNPIVOT firm_decisions ON COLUMNS(* EXCLUDE (entity_id)) INTO NAME policy_id VALUE d);
