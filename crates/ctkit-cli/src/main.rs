//! The `ctkit` command.
//!
//! Output policy: results go to standard output, as text or as JSON with
//! `--format json`; diagnostics go to standard error, prefixed `ctkit: `,
//! naming the file or option at fault. Exit status: 0 success, 1 a check
//! failed (an SCT that is not valid), 2 unusable input or arguments.

mod bench;
mod inspect_cmd;
mod verify_cmd;

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "ctkit",
    version,
    about = "Certificate Transparency toolkit: decode and verify SCTs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Show a certificate and its SCT list layer by layer, with byte offsets.
    Inspect {
        /// DER or PEM file (one or more certificates); `-` reads standard input.
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// A v3 log list (JSON) for the names of the logs, instead of the
        /// compiled-in one; repeat to combine several lists.
        #[arg(long = "log-list")]
        log_lists: Vec<PathBuf>,
    },
    /// Verify every embedded SCT against the log that signed it.
    Verify(verify_cmd::VerifyArgs),
    /// Measure verification throughput in-process (certificates per second).
    Bench(bench::BenchArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Inspect {
            file,
            format,
            log_lists,
        } => inspect_cmd::run(&file, format, &log_lists),
        Command::Verify(args) => verify_cmd::run(&args),
        Command::Bench(args) => bench::run(&args),
    }
}

/// Reads a file, or standard input for `-`.
pub fn read_input(path: &Path) -> Result<Vec<u8>, String> {
    if path == Path::new("-") {
        let mut data = Vec::new();
        std::io::stdin()
            .read_to_end(&mut data)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(data);
    }
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Prints a diagnostic on standard error.
pub fn report(message: &str) {
    eprintln!("ctkit: {message}");
}
