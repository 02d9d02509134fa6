-- Transfers (组织关系转接): invariants and lookups the letters rely on.

-- At most one letter in progress per member. The domain already refuses a second
-- letter for a member who is 'transferring'; this makes the database refuse it too,
-- so two concurrent requests cannot both slip past that check.
CREATE UNIQUE INDEX transfers_one_pending ON transfers(member_id) WHERE status = 'pending';

-- A member who moves away stops being the secretary of the orgs they left; finding
-- those orgs must not scan the whole tree (500,000 orgs at province scale).
CREATE INDEX orgs_secretary ON orgs(secretary_member_id);
