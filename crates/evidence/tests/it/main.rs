//! Integration tests of the evidence pipeline (corpus cleaning, local vault, S3 vault). One binary
//! for all of them to keep link time and disk down.

mod common;
mod corpus;
mod s3;
mod vault;
