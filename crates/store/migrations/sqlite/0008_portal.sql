-- Reporter follow-up and abuse limits of the public portal (docs/portal.md). Keep in step with
-- ../postgres/0008_portal.sql: same tables, same columns.
--
-- A receipt code is 24 digits: an 8-digit selector, stored here in clear to find the intake, and a
-- 16-digit secret that exists only inside the Argon2id hash (`intakes.receipt_hash`) of the whole
-- code. Receipts issued before this migration have no selector and cannot be looked up.
ALTER TABLE intakes ADD COLUMN receipt_selector TEXT;
CREATE INDEX intakes_receipt_selector ON intakes(receipt_selector);

-- Messages between the reporter (direction 'reporter', author 'public') and the handling office
-- (direction 'office', author = the user id). Each one also writes an audit event that carries the
-- body's SHA-256, never the body: reporters write things that identify them.
CREATE TABLE case_messages (
    id TEXT PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id), direction TEXT NOT NULL,
    author TEXT NOT NULL, body TEXT NOT NULL, created_at BIGINT NOT NULL
);
CREATE INDEX case_messages_case ON case_messages(case_id, created_at);

-- Fixed-window counters shared by every node. `bucket` is either `global:<limit>` or
-- `client:<limit>:<tag>` where the tag is 16 bits of a hash of the client's network address and
-- the window: tens of thousands of addresses share each tag, so no address can be read back.
CREATE TABLE rate_limits (
    bucket TEXT NOT NULL, window_start BIGINT NOT NULL, hits BIGINT NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
