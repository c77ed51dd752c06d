//! `ctkit bench`: verification throughput measured in-process.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use ctkit::input::Block;
use ctkit::verify::Verifier;

use crate::verify_cmd::{load_log_list, verify_blocks};
use crate::{read_input, report};

#[derive(Args)]
pub struct BenchArgs {
    /// PEM files, each with the certificate followed by its issuer.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// A v3 log list (JSON) to use instead of the compiled-in one.
    #[arg(long = "log-list")]
    pub log_lists: Vec<PathBuf>,
    /// How many times the set of files is verified per measurement.
    #[arg(long, default_value_t = 200)]
    pub repeat: usize,
}

pub fn run(_args: &BenchArgs) -> ExitCode {
    report("bench: not implemented yet");
    ExitCode::from(2)
}
