-- Evidence objects (security.md, promises 3 and 4). Keep in step with ../sqlite/0006_evidence.sql.
-- One row per uploaded file. The objects themselves live in the evidence store (a local folder or
-- S3): original_key is the age-encrypted original, derivative_key the copy without metadata (NULL
-- when the format cannot be cleaned: cleaning = 'not_possible'). Objects are written before the
-- row, so a row never references a missing object; objects without a row are orphans that
-- netra_core::evidence collects. sha256 is the hash of the raw upload, computed before any
-- processing; every read re-hashes. display_name is the sanitised name the client sent, shown to
-- Bawaslu officers only and never used for storage or written to the audit log.
-- added_by: 'reporter' or the official's user id. cleaning_detail: JSON, {"removed": [...]} or
-- {"reason": "..."}.
CREATE TABLE evidence (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    intake_id TEXT REFERENCES intakes(id),
    kind TEXT NOT NULL CHECK (kind IN ('image', 'video', 'document')),
    display_name TEXT,
    media_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL CHECK (size_bytes > 0),
    sha256 TEXT NOT NULL CHECK (LENGTH(sha256) = 64),
    original_key TEXT NOT NULL UNIQUE,
    key_id TEXT NOT NULL,
    derivative_key TEXT UNIQUE,
    derivative_sha256 TEXT,
    derivative_size BIGINT,
    cleaning TEXT NOT NULL CHECK (cleaning IN ('cleaned', 'not_possible')),
    cleaning_detail TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at BIGINT NOT NULL,
    CHECK ((cleaning = 'cleaned' AND derivative_key IS NOT NULL AND derivative_sha256 IS NOT NULL AND derivative_size IS NOT NULL)
        OR (cleaning = 'not_possible' AND derivative_key IS NULL AND derivative_sha256 IS NULL AND derivative_size IS NULL))
);
CREATE INDEX evidence_case ON evidence(case_id, added_at);
