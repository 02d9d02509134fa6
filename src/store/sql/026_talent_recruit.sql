-- 人才储备 → 发展党员: a recommended talent becomes developed when a recruit is created
-- from it (POST /api/v1/recruits with talent_id); the talent keeps the recruit it fed.
ALTER TABLE talents ADD COLUMN recruit_id BIGINT REFERENCES recruits(id);
