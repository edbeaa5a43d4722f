-- Netra schema v1 (SQLite). Keep in step with ../postgres/0001_init.sql: same tables, same columns.
-- Portable types only: BIGINT (unix ms), INTEGER, DOUBLE PRECISION, TEXT (ids, JSON), BLOB, BOOLEAN.

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE regions (
    code TEXT PRIMARY KEY, name TEXT NOT NULL, level TEXT NOT NULL, parent_code TEXT, time_zone TEXT NOT NULL
);
CREATE INDEX regions_parent ON regions(parent_code);

CREATE TABLE holidays (day TEXT PRIMARY KEY, kind TEXT NOT NULL, names TEXT NOT NULL);

CREATE TABLE reference_catalogues (
    id TEXT NOT NULL, version BIGINT NOT NULL, content TEXT NOT NULL, loaded_at BIGINT NOT NULL,
    PRIMARY KEY (id, version)
);

CREATE TABLE users (
    id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL, role TEXT NOT NULL,
    scope_region TEXT, scope_agency TEXT, active BOOLEAN NOT NULL, created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), token_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT
);

CREATE TABLE elections (
    id TEXT PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, kind TEXT NOT NULL,
    year INTEGER NOT NULL, voting_day TEXT NOT NULL, stages TEXT NOT NULL, regions TEXT NOT NULL,
    rule_set TEXT NOT NULL, rule_set_version BIGINT NOT NULL, created_at BIGINT NOT NULL
);

CREATE TABLE candidates (
    id TEXT PRIMARY KEY, election_id TEXT NOT NULL REFERENCES elections(id), name TEXT NOT NULL,
    nicknames TEXT NOT NULL, ballot_number INTEGER, party TEXT, region_code TEXT, slogans TEXT NOT NULL
);

CREATE TABLE candidate_statuses (
    id TEXT PRIMARY KEY, candidate_id TEXT NOT NULL REFERENCES candidates(id), status TEXT NOT NULL,
    valid_from TEXT NOT NULL
);

CREATE TABLE agencies (
    id TEXT PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, kind TEXT NOT NULL, region_code TEXT
);

CREATE TABLE ppk_holders (
    id TEXT PRIMARY KEY, agency_id TEXT NOT NULL REFERENCES agencies(id), name TEXT NOT NULL,
    position TEXT NOT NULL, valid_from TEXT NOT NULL, valid_to TEXT, candidate_id TEXT REFERENCES candidates(id)
);

CREATE TABLE civil_servants (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, nip TEXT UNIQUE, employment_type TEXT, position_class TEXT,
    position_title TEXT, territorial_head BOOLEAN NOT NULL, agency_id TEXT REFERENCES agencies(id),
    work_region TEXT
);

CREATE TABLE intakes (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, channel TEXT NOT NULL, election_id TEXT NOT NULL REFERENCES elections(id),
    known_at BIGINT NOT NULL, received_at BIGINT NOT NULL, receipt_hash TEXT, late BOOLEAN NOT NULL,
    late_rule TEXT, late_due_at BIGINT, summary TEXT NOT NULL, created_by TEXT NOT NULL
);

CREATE TABLE sealed_identities (
    intake_id TEXT PRIMARY KEY REFERENCES intakes(id), key_id TEXT NOT NULL, nonce BLOB NOT NULL,
    ciphertext BLOB NOT NULL
);

CREATE TABLE cases (
    id TEXT PRIMARY KEY, intake_id TEXT NOT NULL UNIQUE REFERENCES intakes(id), number TEXT UNIQUE,
    state TEXT NOT NULL, version BIGINT NOT NULL, election_id TEXT NOT NULL REFERENCES elections(id),
    handling_region TEXT, kind TEXT NOT NULL, received_at BIGINT NOT NULL, registered_at BIGINT,
    state_changed_at BIGINT NOT NULL, deadline_rule TEXT, deadline_at BIGINT, forwarded BOOLEAN NOT NULL,
    gakkumdu BOOLEAN NOT NULL, catalogue_versions TEXT NOT NULL, rule_set_version BIGINT NOT NULL,
    created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL
);
CREATE INDEX cases_region ON cases(handling_region);
CREATE INDEX cases_state ON cases(state);
CREATE INDEX cases_deadline ON cases(deadline_at);
CREATE INDEX cases_election ON cases(election_id);

CREATE TABLE alleged_acts (
    id TEXT PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id), occurred_at BIGINT NOT NULL,
    region_code TEXT NOT NULL, description TEXT NOT NULL, violation_codes TEXT NOT NULL,
    candidate_id TEXT REFERENCES candidates(id), candidate_status TEXT, medium TEXT NOT NULL, platform TEXT,
    url TEXT, stage TEXT
);
CREATE INDEX alleged_acts_case ON alleged_acts(case_id);

CREATE TABLE subject_tracks (
    id TEXT PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id),
    civil_servant_id TEXT NOT NULL REFERENCES civil_servants(id), agency_id TEXT, state TEXT NOT NULL,
    data_blocked BOOLEAN NOT NULL, version BIGINT NOT NULL, state_changed_at BIGINT NOT NULL,
    deadline_rule TEXT, deadline_at BIGINT, authority_id TEXT, created_at BIGINT NOT NULL,
    UNIQUE (case_id, civil_servant_id)
);
CREATE INDEX subject_tracks_case ON subject_tracks(case_id);
CREATE INDEX subject_tracks_agency ON subject_tracks(agency_id);
CREATE INDEX subject_tracks_state ON subject_tracks(state);

CREATE TABLE clarification_sessions (
    id TEXT PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id), invitee_name TEXT NOT NULL,
    invitee_role TEXT NOT NULL, subject_id TEXT, invitation_no INTEGER NOT NULL, scheduled_at BIGINT NOT NULL,
    delivered_at BIGINT NOT NULL, delivery_channel TEXT NOT NULL, mode TEXT NOT NULL, online_reason TEXT,
    place TEXT NOT NULL, attendance TEXT NOT NULL, minutes TEXT, recorded_at BIGINT
);
CREATE INDEX clarification_sessions_case ON clarification_sessions(case_id);

CREATE TABLE plenary_decisions (
    id TEXT PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id), decided_at BIGINT NOT NULL,
    outcome TEXT NOT NULL, summary TEXT NOT NULL, subject_outcomes TEXT NOT NULL, catalogue_versions TEXT NOT NULL
);

CREATE TABLE referrals (
    id TEXT PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id), authority_id TEXT NOT NULL,
    referred_at BIGINT NOT NULL, letter_number TEXT, direct BOOLEAN NOT NULL
);

CREATE TABLE track_events (
    id TEXT PRIMARY KEY, track_id TEXT NOT NULL REFERENCES subject_tracks(id), action TEXT NOT NULL,
    at BIGINT NOT NULL, details TEXT NOT NULL
);
CREATE INDEX track_events_track ON track_events(track_id);

CREATE TABLE recommendations (
    id TEXT PRIMARY KEY, track_id TEXT NOT NULL REFERENCES subject_tracks(id), authority_id TEXT NOT NULL,
    category TEXT NOT NULL, sanction_level TEXT NOT NULL, sanction_option TEXT, violation_codes TEXT NOT NULL,
    letter_number TEXT, issued_at BIGINT NOT NULL, catalogue_versions TEXT NOT NULL
);

CREATE TABLE sanctions (
    id TEXT PRIMARY KEY, track_id TEXT NOT NULL REFERENCES subject_tracks(id), sanction_option TEXT NOT NULL,
    legal_basis TEXT NOT NULL, decree_number TEXT NOT NULL, decree_date TEXT NOT NULL, recorded_at BIGINT NOT NULL,
    catalogue_versions TEXT NOT NULL
);

CREATE TABLE enforcement_actions (
    id TEXT PRIMARY KEY, track_id TEXT NOT NULL REFERENCES subject_tracks(id), kind TEXT NOT NULL,
    at BIGINT NOT NULL, reference TEXT, notes TEXT
);

CREATE TABLE case_counters (counter_key TEXT PRIMARY KEY, value BIGINT NOT NULL);

CREATE TABLE idempotency_keys (
    key_hash TEXT PRIMARY KEY, request_hash TEXT NOT NULL, status_code INTEGER NOT NULL, nonce BLOB NOT NULL,
    response BLOB NOT NULL, created_at BIGINT NOT NULL
);

CREATE TABLE audit_head (id INTEGER PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_events (
    seq BIGINT PRIMARY KEY, id TEXT NOT NULL, at BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    entity_type TEXT NOT NULL, entity_id TEXT NOT NULL, payload TEXT NOT NULL, prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_events_entity ON audit_events(entity_type, entity_id);
