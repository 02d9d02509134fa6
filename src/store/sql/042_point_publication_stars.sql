-- A published period's counts per star (domain/points_rank.c): the rankings of a
-- published period and GET /points/publications/{id} page through the rows by rank
-- (point_publication_rows_rank) and take the total and the star counts from here, so a
-- province's publication (10 million rows) is not read whole for one page. Written with
-- the rows by points_publish; filled here for the publications made before.
CREATE TABLE point_publication_stars (
  publication_id BIGINT NOT NULL REFERENCES point_publications(id),
  stars INTEGER NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (publication_id, stars)
);
INSERT INTO point_publication_stars (publication_id, stars, n)
  SELECT publication_id, stars, count(*) FROM point_publication_rows GROUP BY publication_id, stars;
CREATE INDEX point_publication_rows_rank ON point_publication_rows(publication_id, rank, subject_id);
