-- The partition key of 041_partitions.pg.sql (the org at depth 1 of the row's org path,
-- see there), written by the same INSERTs on both backends so their SQL stays one text.
-- SQLite does not partition: the column is written and not read; rows written before
-- this migration keep 0 (no table rewrite). member_life_months, written by triggers that
-- differ per backend anyway, has the column on PostgreSQL only.
ALTER TABLE meeting_attendance ADD COLUMN top_org_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dues_months ADD COLUMN top_org_id INTEGER NOT NULL DEFAULT 0;
