//! HTTP tests of the API on a real loopback socket, on SQLite and PostgreSQL.

mod dashboard;
mod e2e;
mod pages;
mod routes;
mod stats_api;
