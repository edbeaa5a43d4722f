-- Case desk: full-text search and keyset pagination. Keep in step with ../postgres/0005_search.sql.
-- FTS5 rows are keyed by an integer rowid; `case_search_ids` maps it to the case so a case can be
-- re-indexed without scanning the index.
CREATE TABLE case_search_ids (rowid INTEGER PRIMARY KEY, case_id TEXT NOT NULL UNIQUE REFERENCES cases(id));
CREATE VIRTUAL TABLE case_search USING fts5(body, tokenize = 'unicode61 remove_diacritics 2');
CREATE INDEX cases_deadline_id ON cases(deadline_at, id);
CREATE INDEX cases_received_id ON cases(received_at, id);
