-- Members counted per organization: see 003_member_counts.sqlite.sql for why. On
-- PostgreSQL the triggers are per statement with transition tables, so a bulk import
-- of a million rows adjusts each touched org once instead of once per row.
ALTER TABLE orgs ADD COLUMN direct_members INTEGER NOT NULL DEFAULT 0;
UPDATE orgs SET direct_members = (SELECT count(*) FROM members m WHERE m.org_id = orgs.id
  AND m.state IN ('active', 'transferring'));

CREATE FUNCTION members_count_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE orgs o SET direct_members = o.direct_members - d.n
      FROM (SELECT org_id, count(*) AS n FROM old_rows WHERE state IN ('active', 'transferring') GROUP BY org_id) d
      WHERE o.id = d.org_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE orgs o SET direct_members = o.direct_members + d.n
      FROM (SELECT org_id, count(*) AS n FROM new_rows WHERE state IN ('active', 'transferring') GROUP BY org_id) d
      WHERE o.id = d.org_id;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER members_count_insert AFTER INSERT ON members
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION members_count_apply();
CREATE TRIGGER members_count_delete AFTER DELETE ON members
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION members_count_apply();
CREATE TRIGGER members_count_update AFTER UPDATE ON members
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION members_count_apply();
