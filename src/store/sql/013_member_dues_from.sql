-- The month a member's dues start (RULES.md §3: the month the 支部大会 accepts the person).
-- Recruitment sets it at approval from the meeting date; members registered by hand or
-- imported start from the month of their 入党日期.
ALTER TABLE members ADD COLUMN dues_from TEXT;
UPDATE members SET dues_from = substr(join_date, 1, 7);
