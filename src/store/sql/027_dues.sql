-- 党费 (RULES.md §3; docs/API.md "Dues"). Money is integer fen everywhere.
--
-- dues_bases: a member's category and monthly base from a month on (the row with the
-- greatest from_month <= M applies to month M). With dues.fixed_yearly a base entered
-- mid-year takes effect the next January; monthly_fen is the amount computed when the
-- row was saved (rates and rounding of that time), so a later config change does not
-- rewrite history.
CREATE TABLE dues_bases (
  id @PK@,
  member_id BIGINT NOT NULL REFERENCES members(id),
  from_month TEXT NOT NULL,      -- YYYY-MM
  kind TEXT NOT NULL,            -- employed | retired | farmer | minimal (学生/下岗失业/低保)
  base_fen BIGINT NOT NULL DEFAULT 0,
  monthly_fen BIGINT NOT NULL,
  note TEXT,
  created_by BIGINT,
  created_at TEXT NOT NULL,
  UNIQUE (member_id, from_month)
);

-- Hardship (困难党员) reductions: reduced or zero for months from..to, after the branch
-- has studied it (branch_studied_on) and a level above approves.
CREATE TABLE dues_reductions (
  id @PK@,
  member_id BIGINT NOT NULL REFERENCES members(id),
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  from_month TEXT NOT NULL,
  to_month TEXT NOT NULL,
  monthly_fen BIGINT NOT NULL,   -- the reduced amount; 0 = exempt
  reason TEXT NOT NULL,
  branch_studied_on TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending', -- pending | approved | rejected
  decided_by BIGINT,
  decided_at TEXT,
  decision_note TEXT,
  created_by BIGINT,
  created_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX dues_reductions_member ON dues_reductions(member_id, from_month);

-- A payment: regular (covers months first..last, possibly ahead: 按季度/预交) or a
-- voluntary one-off (no months, recorded apart and remitted up in full). proxy_name is
-- who paid on the member's behalf (代缴). org_path is the branch that collected it.
CREATE TABLE dues_payments (
  id @PK@,
  member_id BIGINT NOT NULL REFERENCES members(id),
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  org_path @TEXT_C@ NOT NULL,
  kind TEXT NOT NULL,            -- regular | one_off
  first_month TEXT,
  last_month TEXT,
  amount_fen BIGINT NOT NULL,
  paid_on TEXT NOT NULL,
  method TEXT NOT NULL,          -- cash | bank | wechat | alipay | payroll
  collector TEXT,
  receipt_no TEXT,
  proxy_name TEXT,
  note TEXT,
  created_by BIGINT,
  created_at TEXT NOT NULL
);
CREATE INDEX dues_payments_member ON dues_payments(member_id, paid_on);
CREATE INDEX dues_payments_path ON dues_payments(org_path, paid_on);

-- One row per member and month paid: what a regular payment covered, with the amount
-- due and paid for that month. Sheets, arrears and the public board read this, by
-- (month, org_path) for a subtree's month and by member for a person's year.
CREATE TABLE dues_months (
  member_id BIGINT NOT NULL REFERENCES members(id),
  month TEXT NOT NULL,
  org_path @TEXT_C@ NOT NULL,
  due_fen BIGINT NOT NULL,
  paid_fen BIGINT NOT NULL,
  payment_id BIGINT REFERENCES dues_payments(id), -- NULL: a month exempted by an approved reduction to 0
  PRIMARY KEY (member_id, month)
);
CREATE INDEX dues_months_path ON dues_months(month, org_path);

-- The last month paid or exempted (YYYY-MM; NULL = never), kept by the payment and
-- reduction writes: arrears and the 6-consecutive-months rule read it from the member
-- row without a ledger scan.
ALTER TABLE members ADD COLUMN dues_paid_to TEXT;

-- (A1) voiding a payment removes its months by payment_id; reductions listed per status
CREATE INDEX dues_months_payment ON dues_months(payment_id);
CREATE INDEX dues_reductions_org ON dues_reductions(org_id, status);
