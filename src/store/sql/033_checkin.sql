-- 扫码签到 (issue 9, domain/checkin.c): a member scans the QR code shown at a meeting to
-- mark themselves present. A convenience only: the meeting's attendance list stays the
-- record (the secretary corrects it with PATCH /meetings/{id}), nothing requires a scan.
--
-- Off by default. A row here switches it on (or off) for the org and its subtree; the
-- nearest org on the path with a row decides (the shape of point_settings, 017).
CREATE TABLE checkin_settings (
  org_id BIGINT PRIMARY KEY REFERENCES orgs(id),
  enabled INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL DEFAULT 1,
  updated_at TEXT NOT NULL
);

-- A meeting recorded with "checkin": true has a row here: its random secret, from which
-- the rotating code in the QR is derived (HMAC-SHA256 over the time slot).
CREATE TABLE meeting_checkin_keys (
  meeting_id BIGINT PRIMARY KEY REFERENCES meetings(id),
  secret TEXT NOT NULL,              -- 32 random bytes, hex
  created_at TEXT NOT NULL
);

-- Each member's scan, once per meeting, kept apart from the attendance it set.
CREATE TABLE meeting_checkins (
  meeting_id BIGINT NOT NULL REFERENCES meetings(id),
  member_id BIGINT NOT NULL REFERENCES members(id),
  checked_in_at TEXT NOT NULL,       -- UTC ISO 8601
  prior_status TEXT,                 -- the attendance before the scan: absent | leave | present
  PRIMARY KEY (meeting_id, member_id)
);
