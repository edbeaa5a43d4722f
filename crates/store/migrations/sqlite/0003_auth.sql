-- Sign-in for officials (docs/auth.md). Keep in step with ../postgres/0003_auth.sql.
-- Nothing secret is stored in clear: passwords as Argon2id PHC strings, the TOTP secret sealed
-- (XChaCha20-Poly1305, key outside the database), session/pending tokens and recovery codes as SHA-256.

ALTER TABLE users ADD COLUMN password_hash TEXT;
ALTER TABLE users ADD COLUMN password_set_at BIGINT;
ALTER TABLE users ADD COLUMN totp_key_id TEXT;
ALTER TABLE users ADD COLUMN totp_nonce BLOB;
ALTER TABLE users ADD COLUMN totp_sealed BLOB;
ALTER TABLE users ADD COLUMN totp_enrolled_at BIGINT;
-- Highest TOTP time step accepted so far: a code for this step or an earlier one is a replay.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;

-- Between the password step and the code step (5 minutes). `enrol_*` holds the candidate TOTP
-- secret while a first enrolment is being confirmed.
CREATE TABLE auth_pending (
    id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, user_id TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, enrol_key_id TEXT, enrol_nonce BLOB,
    enrol_sealed BLOB
);
CREATE INDEX auth_pending_user ON auth_pending(user_id);
CREATE INDEX auth_pending_expires ON auth_pending(expires_at);

CREATE TABLE auth_sessions (
    id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, user_id TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL, last_seen_at BIGINT NOT NULL, reauthenticated_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX auth_sessions_user ON auth_sessions(user_id);
CREATE INDEX auth_sessions_expires ON auth_sessions(expires_at);

CREATE TABLE auth_recovery_codes (
    user_id TEXT NOT NULL REFERENCES users(id), code_hash TEXT NOT NULL, created_at BIGINT NOT NULL,
    used_at BIGINT, PRIMARY KEY (user_id, code_hash)
);

-- Consecutive failures per attempted username, whether or not such a user exists.
CREATE TABLE auth_failures (
    username TEXT PRIMARY KEY, failures BIGINT NOT NULL, window_started_at BIGINT NOT NULL,
    locked_until BIGINT
);
