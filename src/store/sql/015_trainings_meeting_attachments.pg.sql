-- 冬春轮训 and meeting photos: see 015_trainings_meeting_attachments.sqlite.sql for the
-- design. PostgreSQL drops the NOT NULL of attachments.recruit_id in place.
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

ALTER TABLE attachments ALTER COLUMN recruit_id DROP NOT NULL;
ALTER TABLE attachments ADD COLUMN meeting_id BIGINT REFERENCES meetings(id);
ALTER TABLE attachments ADD CONSTRAINT attachments_owner CHECK ((recruit_id IS NULL) <> (meeting_id IS NULL));
CREATE INDEX attachments_meeting ON attachments(meeting_id);
