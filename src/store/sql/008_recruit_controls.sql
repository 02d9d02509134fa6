-- Recruitment controls (issue 3, docs/API.md "Recruitment"): the 七阶梯 ladder results,
-- special persons with their 事前报告, and what the plan/quota checks of step 17 read.
--
-- recruits.special: NULL for an ordinary applicant, else why the person is a special
-- case whose development is reported to the county 组织部门 beforehand (事前报告, a step
-- 92 row) and counted against the plan's special_units_max_pct:
--   private_owner     非公有制经济组织出资人
--   new_social_class  新的社会阶层人士
--   special_unit      from a unit designated special by the 党委
ALTER TABLE recruits ADD COLUMN special TEXT;

-- 已发展数 of a year split by special: approvals of the year, then the path of each.
CREATE INDEX recruits_approved_special ON recruits(approved_on, org_path, special);

-- One result per activist, year and ladder stage (the stage's name as configured in
-- settings 'recruit.ladder' when it was recorded). Append-only: a failed stage stays
-- failed for that year (recruit.ladder_failed).
CREATE TABLE recruit_ladder (
  id @PK@,
  recruit_id BIGINT NOT NULL REFERENCES recruits(id),
  year INTEGER NOT NULL,
  stage TEXT NOT NULL,
  result TEXT NOT NULL,                      -- passed | failed
  done_on TEXT NOT NULL,
  note TEXT,
  signed_by BIGINT,                          -- users.id
  signer TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (recruit_id, year, stage)
);
