-- The members present at a 谈心谈话 in a year (RULES.md §2, domain/compliance.c): one
-- index range (year) over the few rows with talks, so the yearly check for a large
-- subtree reads the year's talkers once instead of seeking every member's months
-- (74,000 primary-key seeks for a county).
CREATE INDEX member_life_talks ON member_life_months(year, member_id) WHERE talks > 0;
