//! Integration tests of netra-screen: the shipped data and model, and the whole pipeline.

mod model;
mod pipeline;
mod stream;
