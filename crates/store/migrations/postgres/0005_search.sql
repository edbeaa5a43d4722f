-- Case desk: full-text search (PostgreSQL's `indonesian` configuration) and keyset pagination.
-- Keep in step with ../sqlite/0005_search.sql.
CREATE TABLE case_search_ids (rowid BIGSERIAL PRIMARY KEY, case_id TEXT NOT NULL UNIQUE REFERENCES cases(id));
CREATE TABLE case_search (
    rowid BIGINT PRIMARY KEY REFERENCES case_search_ids(rowid), body TEXT NOT NULL,
    tsv tsvector GENERATED ALWAYS AS (to_tsvector('indonesian', body)) STORED
);
CREATE INDEX case_search_tsv ON case_search USING GIN (tsv);
CREATE INDEX cases_deadline_id ON cases(deadline_at, id);
CREATE INDEX cases_received_id ON cases(received_at, id);
