//! Storage contract tests for `netra-store`, one test binary. Every database test runs on SQLite and
//! on PostgreSQL (`NETRA_TEST_PG_URL`, see `netra_testkit::on_all_backends!`); the generated tests
//! are named `<module>::<test>::sqlite` and `<module>::<test>::postgres`.

mod audit_chain;
mod concurrency;
mod errors;
mod migrations;
mod support;
