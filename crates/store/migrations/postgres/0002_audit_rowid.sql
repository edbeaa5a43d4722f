-- Kept in step with ../sqlite/0002_audit_rowid.sql (which makes `seq` SQLite's rowid). PostgreSQL's
-- BIGINT primary key is already what the chain walk needs, so nothing changes here.
SELECT 1;
