//! An RFC 6962 Certificate Transparency log: the server (`ctkit log serve`)
//! with its SQLite store and sequencer, and a client for the section 4 API.

#![forbid(unsafe_code)]

// The API types, the roots and the chain checks need no network and no
// database, so they live in the library; these paths keep them in reach.
pub use ctkit::{api, roots, submission};

pub mod client;
pub mod config;
pub mod init;
pub mod issuance;
pub mod server;
pub mod signer;
pub mod store;
