//! HTTP tests of the API on a real loopback socket, on SQLite and PostgreSQL.

mod e2e;
