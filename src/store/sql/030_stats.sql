-- 党内统计 (domain/stats.c). The tables of a subtree are one pass over its member rows
-- by the org_path range, folded in C: this index holds every column the pass reads
-- (SQLite adds the rowid, the member id), so a county's 74,000 rows are read from the
-- index alone in path order, with no lookup into the table per row and no GROUP BY
-- per table (DESIGN.md "Scale"). Kept counts by trigger were the alternative; ages
-- move with the reference date (the end of the year, or today), so a count per band
-- could not be kept, and the pass is fast enough for a county.
CREATE INDEX members_stats ON members(org_path, state, join_date, org_id, gender, ethnicity, birth_date,
  education, category, party_status, lost_contact, floating, id);

-- the year's deaths and removals: state changes recorded in member_history (member.c,
-- transfer.c, recruit_steps.c), found by value and date instead of by member
CREATE INDEX member_history_change ON member_history(field, new_value, at);

-- the year's transfers crossing a subtree's boundary: confirmed letters by their
-- decision date, letters out of the system ('sent') by their issue date
CREATE INDEX transfers_status_decided ON transfers(status, decided_on);
CREATE INDEX transfers_status_issued ON transfers(status, issued_on);
