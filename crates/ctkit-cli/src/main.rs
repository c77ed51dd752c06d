//! The `ctkit` command.
//!
//! Output policy: results go to standard output, as text or as JSON with
//! `--format json`. Diagnostics go to standard error, prefixed `ctkit: `,
//! and name the file or option at fault. Exit status: 0 success, 1 a check
//! failed (such as an SCT that is not valid), 2 unusable input or arguments.

/// Prints to standard output like `println!`, but a closed pipe (as with
/// `| head`) ends the process quietly instead of panicking.
macro_rules! outln {
    () => {
        $crate::write_stdout("\n")
    };
    ($($arg:tt)*) => {
        $crate::write_stdout(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// Prints to standard output like `print!`; see `outln!`.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::write_stdout(&format!($($arg)*))
    };
}

mod bench;
mod inspect_cmd;
mod issue_cmd;
mod lint_cmd;
mod log_client_cmd;
mod log_cmd;
mod verify_cmd;
mod verify_text;

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use ctkit::input::{Block, read_blocks};

#[derive(Parser)]
#[command(
    name = "ctkit",
    version,
    about = "Certificate Transparency toolkit: decode, verify and lint SCTs; run and query RFC 6962 logs"
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
    /// Check SCT lists, precertificates and final certificates against the RFCs.
    Lint(lint_cmd::LintArgs),
    /// Measure verification throughput in-process (certificates per second).
    Bench(bench::BenchArgs),
    /// Issue a certificate with embedded SCTs: build and sign a
    /// precertificate, collect SCTs from the logs of a log list under a CT
    /// policy, embed them and sign the final certificate.
    Issue(issue_cmd::IssueArgs),
    /// Build and sign a precertificate only.
    Precert(issue_cmd::CaArgs),
    /// Embed SCT files into the final certificate of a precertificate.
    Embed(issue_cmd::EmbedArgs),
    /// Run an RFC 6962 log, or query one.
    #[command(subcommand)]
    Log(log_cmd::LogCommand),
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
        Command::Lint(args) => lint_cmd::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Issue(args) => issue_cmd::issue(&args),
        Command::Precert(args) => issue_cmd::precert(&args),
        Command::Embed(args) => issue_cmd::embed(&args),
        Command::Log(command) => log_cmd::run(&command),
    }
}

/// Reads a file, or standard input for `-`. The error does not repeat the
/// path, which callers put in front of it.
pub fn read_input(path: &Path) -> Result<Vec<u8>, String> {
    if is_stdin(path) {
        let mut data = Vec::new();
        std::io::stdin()
            .read_to_end(&mut data)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(data);
    }
    std::fs::read(path).map_err(|e| format!("cannot read the file: {e}"))
}

pub fn is_stdin(path: &Path) -> bool {
    path == Path::new("-")
}

/// The PEM labels of a certificate (RFC 7468 5.1, and the older form).
const CERTIFICATE_LABELS: [&str; 2] = ["CERTIFICATE", "X509 CERTIFICATE"];

/// Tests whether a block is a certificate: DER input, or PEM labelled as one.
pub fn is_certificate(block: &Block) -> bool {
    block
        .label
        .as_deref()
        .is_none_or(|label| CERTIFICATE_LABELS.contains(&label))
}

/// Reads a file and splits it into DER objects. The error does not repeat
/// the path.
pub fn load_blocks(path: &Path) -> Result<Vec<Block>, String> {
    let data = read_input(path)?;
    read_blocks(&data).map_err(|e| e.to_string())
}

/// Writes to standard output. When the reader has gone, exits with status
/// 141 (128 + SIGPIPE), as a shell reports a process that SIGPIPE ended.
pub fn write_stdout(text: &str) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_all(text.as_bytes()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(141);
        }
        report(&format!("cannot write to standard output: {e}"));
        std::process::exit(2);
    }
}

/// Prints a diagnostic on standard error.
pub fn report(message: &str) {
    eprintln!("ctkit: {message}");
}
