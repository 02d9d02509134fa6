-- 目标任务分解表 (挂图作战, issue 6; domain/task.c): a task assigned by an org (the committee
-- that decomposes its year's goals) to a responsible unit in its subtree and a responsible
-- person, with a due date and at most one milestone per month of the task's year.
-- Small tables: lists join orgs for the scope (assigning org or responsible unit in the
-- subtree), so an org move needs no upkeep here.
CREATE TABLE tasks (
  id @PK@,
  org_id BIGINT NOT NULL REFERENCES orgs(id),        -- the assigning org
  year INTEGER NOT NULL,
  title TEXT NOT NULL,
  description TEXT,
  unit_org_id BIGINT NOT NULL REFERENCES orgs(id),   -- 责任单位, in org_id's subtree
  person_name TEXT NOT NULL,                         -- 责任人 as written on the table
  person_member_id BIGINT REFERENCES members(id),    -- the member, when the person is one
  due_on TEXT NOT NULL,                              -- YYYY-MM-DD
  status TEXT NOT NULL DEFAULT 'open',               -- open | completed
  completed_on TEXT,
  reopen_reason TEXT,                                -- the last reopening's reason
  created_by BIGINT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX tasks_org ON tasks(org_id, year);
CREATE INDEX tasks_unit ON tasks(unit_org_id, year);

CREATE TABLE task_milestones (
  task_id BIGINT NOT NULL REFERENCES tasks(id),
  month INTEGER NOT NULL,                            -- 1..12 of the task's year
  target TEXT NOT NULL,                              -- what is to be reached by the month's end
  status TEXT NOT NULL DEFAULT 'pending',            -- pending | done
  done_on TEXT,
  note TEXT,
  PRIMARY KEY (task_id, month)
);
