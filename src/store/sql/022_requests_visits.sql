-- 民情诉求 and 走访/结对帮扶 (issue 6; domain/mass_request.c, domain/visit.c).
--
-- Requesters and households are villagers, not members: a plain name and an optional
-- address only (no ID or phone numbers). Members are referred to by id. Rows carry
-- org_id only and lists join orgs for the path range: a town has thousands of these,
-- not millions, and an org that moves takes its records along without an update.
CREATE TABLE mass_requests (
  id @PK@,
  org_id BIGINT NOT NULL REFERENCES orgs(id),   -- the org that received it
  channel TEXT NOT NULL,          -- visit | talk | roundtable | survey | call | other
  received_on TEXT NOT NULL,      -- YYYY-MM-DD
  requester TEXT NOT NULL,
  address TEXT,
  content TEXT NOT NULL,
  category TEXT NOT NULL,         -- jobs | medical | education | infrastructure | dispute | policy | other
  status TEXT NOT NULL,           -- received | assigned | handled | replied | rated (in this order)
  assignee_member_id BIGINT REFERENCES members(id),
  assignee_org_id BIGINT REFERENCES orgs(id),
  due_on TEXT,
  assigned_on TEXT,
  handling TEXT,
  rectified INTEGER NOT NULL DEFAULT 0, -- 1: handled by fixing something (整改), 0: explained / referred
  handled_on TEXT,
  reply TEXT,
  replied_on TEXT,
  satisfaction TEXT,              -- satisfied | basic | dissatisfied
  rated_on TEXT,
  visit_id BIGINT,                -- the 走访 it came from, if any
  created_by BIGINT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX mass_requests_org ON mass_requests(org_id, received_on);
CREATE INDEX mass_requests_due ON mass_requests(status, due_on);

-- every assignment, the first and each reassignment with its reason (kept, never edited)
CREATE TABLE mass_request_assignments (
  id @PK@,
  request_id BIGINT NOT NULL REFERENCES mass_requests(id),
  member_id BIGINT REFERENCES members(id),
  org_id BIGINT REFERENCES orgs(id),
  due_on TEXT NOT NULL,
  reason TEXT,
  assigned_on TEXT NOT NULL,
  created_by BIGINT,
  created_at TEXT NOT NULL
);
CREATE INDEX mass_request_assignments_request ON mass_request_assignments(request_id, id);

-- 结对帮扶: a member with a household (name, address) or with a 困难党员 (member id)
CREATE TABLE pairings (
  id @PK@,
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  member_id BIGINT NOT NULL REFERENCES members(id),
  target_kind TEXT NOT NULL,      -- household | member
  household_name TEXT,
  household_address TEXT,
  target_member_id BIGINT REFERENCES members(id),
  start_on TEXT NOT NULL,
  end_on TEXT,
  note TEXT,
  created_by BIGINT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX pairings_org ON pairings(org_id, start_on);

-- 走访 records with their follow-up
CREATE TABLE visits (
  id @PK@,
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  visited_on TEXT NOT NULL,
  place TEXT NOT NULL,            -- where / whom (户主姓名, 地点)
  pairing_id BIGINT REFERENCES pairings(id),
  findings TEXT NOT NULL,
  followup TEXT,                  -- what still has to be done
  followup_due TEXT,
  followup_closed_on TEXT,
  followup_result TEXT,
  request_id BIGINT REFERENCES mass_requests(id),
  created_by BIGINT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX visits_org ON visits(org_id, visited_on);

CREATE TABLE visit_members (
  visit_id BIGINT NOT NULL REFERENCES visits(id),
  member_id BIGINT NOT NULL REFERENCES members(id),
  PRIMARY KEY (visit_id, member_id)
);
CREATE INDEX visit_members_member ON visit_members(member_id);
