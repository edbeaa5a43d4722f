-- Identity custody (security.md, promise 1). Keep in step with ../postgres/0004_custody.sql.
-- A request to unseal a laporan's reporter identity, the identity custodian's decision and the single
-- use of an approval. The identity itself stays in sealed_identities; no column here holds it.
-- status: pending -> approved | refused; approved -> unsealed (once, before valid_until).
CREATE TABLE unseal_requests (
    id TEXT PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id),
    intake_id TEXT NOT NULL REFERENCES intakes(id), requested_by TEXT NOT NULL,
    requested_by_name TEXT NOT NULL, reason TEXT NOT NULL, requested_at BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused', 'unsealed')),
    decided_by TEXT, decided_by_name TEXT, decision_reason TEXT, decided_at BIGINT, valid_until BIGINT,
    unsealed_at BIGINT
);
CREATE INDEX unseal_requests_case ON unseal_requests(case_id);
CREATE INDEX unseal_requests_status ON unseal_requests(status);
-- One open request per officer and case: a second one waits until the first is decided.
CREATE UNIQUE INDEX unseal_requests_one_pending ON unseal_requests(case_id, requested_by) WHERE status = 'pending';
