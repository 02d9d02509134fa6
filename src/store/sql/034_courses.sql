-- 党建课程 (issue 9, domain/course.c): a course library. A course is published by one
-- organization (its org_path) as text, a PDF or a video (the file kept in the attachment
-- store, content-addressed like notice_files) with a duration; hours_x10 is what
-- finishing it is worth (default: 1 学时 per 45 minutes, to the nearest half 学时).
-- status: draft → published → withdrawn; a withdrawn course keeps the completions earned.
CREATE TABLE courses (
  id @PK@,
  org_id BIGINT NOT NULL REFERENCES orgs(id),   -- the publishing level
  org_path @TEXT_C@ NOT NULL,
  title TEXT NOT NULL,
  kind TEXT NOT NULL,                           -- text | pdf | video
  body TEXT NOT NULL DEFAULT '',                -- the text of a text course; a summary otherwise
  file_sha256 TEXT,                             -- pdf / video: the stored file
  file_name TEXT,
  file_mime TEXT,
  file_size BIGINT,
  duration_minutes INTEGER NOT NULL,
  hours_x10 INTEGER NOT NULL,                   -- 学时 × 10 credited on finishing
  status TEXT NOT NULL DEFAULT 'draft',         -- draft | published | withdrawn
  published_at TEXT,
  withdrawn_at TEXT,
  created_by BIGINT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX courses_path ON courses(org_path, status);

-- Who a course is for: each row reaches the assigned org's whole subtree (a member is
-- assigned when one row's org_path is a prefix of their own). Rows lie within the
-- publisher's subtree.
CREATE TABLE course_assignments (
  course_id BIGINT NOT NULL REFERENCES courses(id),
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  org_path @TEXT_C@ NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (course_id, org_id)
);
CREATE INDEX course_assignments_path ON course_assignments(org_path);

-- One row per member who opened a course: opened_at on the first opening, finished_at
-- (with the hours the course was worth then, and the year they count in, Asia/Shanghai)
-- once when the member says they finished it. Never a timer: opened and finished only.
CREATE TABLE course_completions (
  course_id BIGINT NOT NULL REFERENCES courses(id),
  member_id BIGINT NOT NULL REFERENCES members(id),
  opened_at TEXT NOT NULL,
  finished_at TEXT,
  hours_x10 INTEGER NOT NULL DEFAULT 0,
  year INTEGER,
  PRIMARY KEY (course_id, member_id)
);
CREATE INDEX course_completions_member ON course_completions(member_id, year);
