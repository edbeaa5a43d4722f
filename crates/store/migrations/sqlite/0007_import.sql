-- Spreadsheet imports of historical recap sheets (`netra import`, docs/import.md). Keep in step with
-- ../postgres/0007_import.sql: same tables, same columns.
--
-- `import_runs` is one run over one file (identified by the SHA-256 of its bytes); `cases_done` is the
-- checkpoint, written in the same transaction as the cases it counts, so an interrupted run can be
-- resumed exactly where its last commit ended. `imported_cases` ties every imported case to its
-- stable external reference (the case reference column of the sheet, unique per election) and the
-- hash of its normalised content: importing the same case again changes nothing, importing it with
-- different content is refused.
CREATE TABLE import_runs (
    id TEXT PRIMARY KEY, file_hash TEXT NOT NULL, file_name TEXT NOT NULL, format TEXT NOT NULL,
    rows_total BIGINT NOT NULL, cases_total BIGINT NOT NULL, cases_done BIGINT NOT NULL, last_case_ref TEXT,
    state TEXT NOT NULL, actor TEXT NOT NULL, started_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX import_runs_file ON import_runs(file_hash, state);

CREATE TABLE imported_cases (
    case_id TEXT PRIMARY KEY REFERENCES cases(id), election_id TEXT NOT NULL REFERENCES elections(id),
    external_ref TEXT NOT NULL, content_hash TEXT NOT NULL, run_id TEXT NOT NULL REFERENCES import_runs(id),
    first_row BIGINT NOT NULL, imported_at BIGINT NOT NULL,
    UNIQUE (election_id, external_ref)
);
CREATE INDEX imported_cases_run ON imported_cases(run_id);
