-- On SQLite an INTEGER PRIMARY KEY is the rowid itself, so walking the chain in `seq` order reads the
-- table directly instead of an index plus a table seek per event (~10 % of `audit verify`).
CREATE TABLE audit_events_rowid (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL, at BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    entity_type TEXT NOT NULL, entity_id TEXT NOT NULL, payload TEXT NOT NULL, prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_events_rowid (seq, id, at, actor, action, entity_type, entity_id, payload, prev_hash, hash)
    SELECT seq, id, at, actor, action, entity_type, entity_id, payload, prev_hash, hash FROM audit_events;
DROP TABLE audit_events;
ALTER TABLE audit_events_rowid RENAME TO audit_events;
CREATE INDEX audit_events_entity ON audit_events(entity_type, entity_id);
