//! Integration tests of the core use cases, each on SQLite and PostgreSQL. One binary for all of
//! them: every test binary links the whole dependency graph, which costs link time and disk.

mod auth;
mod custody;
mod evidence;
mod import;
mod portal;
