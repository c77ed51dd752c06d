//! `ctkit log get-sth`, `ctkit log get-entries` and `ctkit log prove`.

use std::process::ExitCode;

use clap::Args;

#[derive(Args)]
pub struct GetSthArgs {
    /// The log's base URL, such as http://127.0.0.1:6962/.
    pub url: String,
}

#[derive(Args)]
pub struct GetEntriesArgs {
    /// The log's base URL.
    pub url: String,
    /// First leaf index.
    pub start: u64,
    /// Last leaf index, inclusive.
    pub end: u64,
}

#[derive(Args)]
pub struct ProveArgs {
    /// The log's base URL.
    pub url: String,
    /// A certificate or precertificate, DER or PEM.
    pub cert: std::path::PathBuf,
}

pub fn get_sth(_args: &GetSthArgs) -> ExitCode {
    ExitCode::from(2)
}

pub fn get_entries(_args: &GetEntriesArgs) -> ExitCode {
    ExitCode::from(2)
}

pub fn prove(_args: &ProveArgs) -> ExitCode {
    ExitCode::from(2)
}
