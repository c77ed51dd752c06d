//! An RFC 6962 Certificate Transparency log: the server (`ctkit log serve`)
//! with its SQLite store and sequencer, and a client for the section 4 API.

#![forbid(unsafe_code)]

pub mod api;
pub mod client;
pub mod config;
pub mod init;
pub mod roots;
pub mod server;
pub mod signer;
pub mod store;
pub mod submission;
