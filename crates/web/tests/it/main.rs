//! HTTP tests of the API on a real loopback socket, on SQLite and PostgreSQL.

mod canary;
mod dashboard;
mod e2e;
mod pages;
mod portal;
mod portal_api;
mod routes;
mod stats_api;
