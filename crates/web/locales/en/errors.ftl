# API error messages (English). Keys must match locales/id/errors.ftl.
invalid-input = The submitted data is invalid. Check the fields listed.
malformed-json = The request body is not valid JSON or does not match the schema.
not-found = Not found.
unauthorized = The API token is missing, invalid or revoked.
forbidden = Your role may not perform this action.
illegal-transition = This action is not allowed in the case's current state.
conflict = The case was changed by another officer. Reload and try again.
clarification-rule = This breaks the clarification rules (Perbawaslu 7/2022 Articles 28–30).
unknown-rule = Unknown deadline rule.
outside-calendar = The date is outside the loaded holiday calendar (2014–2027).
deadline-not-passed = The deadline has not passed yet.
idempotency-mismatch = This Idempotency-Key was already used for a different request.
database-locked = The database is busy. Try again shortly; no data was lost.
database-full = Storage is full. Nothing was saved; contact the administrator.
database-unavailable = The database cannot be reached. Nothing was saved; try again later.
internal = An internal error occurred. Stored data is unchanged.
payload-too-large = The request is larger than allowed.
