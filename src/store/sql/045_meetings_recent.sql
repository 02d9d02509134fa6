-- The meetings register newest first (domain/meeting.c meeting_list): a city's or a
-- province's first page walks this index from its end and stops after a page of the
-- subtree's meetings, where meetings_report (org_path first) makes SQLite sort every
-- meeting of the subtree for one page (a province: 7 M a year). PostgreSQL's planner
-- picks whichever is cheaper for the subtree at hand.
CREATE INDEX meetings_recent ON meetings(held_on, id);
