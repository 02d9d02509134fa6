-- 冬春轮训 and meeting photos (docs/API.md "Organizational life").
--
-- A training organized by a committee for several branches is kept as one trainings
-- row plus one 集中学习 meeting per participating branch (meetings.training_id), so
-- each branch's attendance, the study hours of those present and the compliance
-- counts (012's triggers) are read from meetings as for any other meeting, with no
-- second path to keep in step.
--
-- Attachments may now belong to a meeting instead of a recruit: recruit_id becomes
-- nullable and meeting_id is added, one table and one id space, so
-- GET /api/v1/attachments/{id} serves both. SQLite cannot drop NOT NULL in place, so
-- the table is rebuilt with its rows and ids kept (nothing references attachments).
-- The PostgreSQL twin (015_….pg.sql) alters the column in place.
CREATE TABLE trainings (
  id @PK@,
  org_id BIGINT NOT NULL REFERENCES orgs(id),   -- the organizing committee
  org_path @TEXT_C@ NOT NULL,
  topic TEXT NOT NULL,
  held_on TEXT NOT NULL,
  start_time TEXT NOT NULL,
  end_time TEXT NOT NULL,
  place TEXT,
  lecturer TEXT,
  hours_x10 INTEGER NOT NULL,
  created_by BIGINT,
  created_at TEXT NOT NULL
);
CREATE INDEX trainings_report ON trainings(org_path, held_on);

ALTER TABLE meetings ADD COLUMN training_id BIGINT REFERENCES trainings(id);
CREATE INDEX meetings_training ON meetings(training_id);

CREATE TABLE attachments_new (
  id INTEGER PRIMARY KEY,
  recruit_id BIGINT REFERENCES recruits(id),
  meeting_id BIGINT REFERENCES meetings(id),
  step INTEGER,
  sha256 TEXT NOT NULL,
  filename TEXT NOT NULL,
  mime TEXT NOT NULL,
  size BIGINT NOT NULL,
  created_by BIGINT,
  created_at TEXT NOT NULL,
  CHECK ((recruit_id IS NULL) <> (meeting_id IS NULL))
);
INSERT INTO attachments_new (id, recruit_id, meeting_id, step, sha256, filename, mime, size, created_by, created_at)
  SELECT id, recruit_id, NULL, step, sha256, filename, mime, size, created_by, created_at FROM attachments;
DROP TABLE attachments;
ALTER TABLE attachments_new RENAME TO attachments;
CREATE INDEX attachments_recruit ON attachments(recruit_id);
CREATE INDEX attachments_meeting ON attachments(meeting_id);
