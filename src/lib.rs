//! Backprop Lab (反向传播实验室): a small neural network, fully connected or
//! convolutional, run one visible step at a time. This crate is the single source of
//! truth for every number, formula and curve; the web page and the command-line tool
//! only show what it computes.
//!
//! Without the `full` feature it builds the page's first wasm module, which steps a
//! written-out fully connected network; the code only the full lab calls is then unused.
#![cfg_attr(not(feature = "full"), allow(dead_code, unused_imports))]

pub mod activation;
pub mod batch;
#[cfg(target_arch = "wasm32")]
pub mod canvas;
pub mod chain;
pub mod dataset;
pub mod document;
pub mod engine;
pub mod error;
pub mod exercise;
pub mod explain;
pub mod fastmath;
pub mod feature;
pub mod fixture;
pub mod gradcheck;
pub mod images;
pub mod init;
pub mod json;
pub mod lab;
pub mod lang;
pub mod loss;
pub mod metric;
pub mod network;
pub mod notation;
pub mod number;
pub mod pass;
pub mod preset;
pub mod problem;
pub mod quiz;
pub mod render;
pub mod rng;
pub mod state;
pub mod trace;
pub mod train;
pub mod view;
pub mod vocab;
#[cfg(target_arch = "wasm32")]
pub mod web;
