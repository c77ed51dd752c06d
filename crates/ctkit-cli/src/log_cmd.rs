//! `ctkit log`: run an RFC 6962 log and talk to one.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use ctkit_log::config::LogConfig;

use crate::{is_certificate, load_blocks, log_client_cmd, read_input, report};

#[derive(Subcommand)]
pub enum LogCommand {
    /// Create a log directory: configuration, signing key, roots, database.
    Init(InitArgs),
    /// Serve the RFC 6962 API of the log in a directory until SIGTERM or
    /// SIGINT.
    Serve(ServeArgs),
    /// Submit a certificate chain (add-chain) or a precertificate chain
    /// (add-pre-chain) and print the SCT as the log returned it.
    AddChain(AddChainArgs),
    /// Fetch, verify and print the log's signed tree head.
    GetSth(log_client_cmd::GetSthArgs),
    /// Fetch and decode a range of log entries.
    GetEntries(log_client_cmd::GetEntriesArgs),
    /// Prove that a certificate or precertificate is in the log.
    Prove(log_client_cmd::ProveArgs),
}

#[derive(Args)]
pub struct InitArgs {
    /// The directory to create the log in.
    pub dir: PathBuf,
    /// PEM file of the roots the log accepts chains up to.
    #[arg(long)]
    pub roots: PathBuf,
    /// Address to serve on.
    #[arg(long, default_value = "127.0.0.1:6962")]
    pub listen: SocketAddr,
    /// The URL clients reach the log at, written into log-list.json
    /// (default: http:// and the listen address).
    #[arg(long)]
    pub url: Option<String>,
    /// The operator's name in log-list.json; CT policies require SCTs from
    /// logs of distinct operators.
    #[arg(long)]
    pub operator: Option<String>,
    /// Maximum merge delay in seconds.
    #[arg(long, default_value_t = 86_400)]
    pub mmd: u64,
    /// Milliseconds between sequencer runs, each of which signs a tree head
    /// when entries arrived; at most half the MMD.
    #[arg(long, default_value_t = 1_000)]
    pub sequence_interval: u64,
    /// Accept only certificates whose notAfter is at or after this time
    /// (RFC 3339): the start of a temporal shard.
    #[arg(long)]
    pub not_after_start: Option<String>,
    /// Accept only certificates whose notAfter is before this time (RFC
    /// 3339): the end of a temporal shard.
    #[arg(long)]
    pub not_after_limit: Option<String>,
}

#[derive(Args)]
pub struct AddChainArgs {
    /// The log's base URL, such as http://127.0.0.1:6962/.
    pub url: String,
    /// PEM file: the certificate or precertificate first, then its chain;
    /// the log adds the root when it is missing.
    pub chain: PathBuf,
    /// Submit to add-pre-chain. The default is add-pre-chain when the first
    /// certificate has the precertificate poison, add-chain otherwise.
    #[arg(long, conflicts_with = "final_certificate")]
    pub pre: bool,
    /// Submit to add-chain even when the first certificate has the poison.
    #[arg(long = "final")]
    pub final_certificate: bool,
}

#[derive(Args)]
pub struct ServeArgs {
    /// The log directory, as made by `ctkit log init`.
    pub dir: PathBuf,
    /// Listen here instead of the configured address; port 0 picks a free
    /// port, printed on standard output.
    #[arg(long)]
    pub listen: Option<SocketAddr>,
}

pub fn run(command: &LogCommand) -> ExitCode {
    match command {
        LogCommand::Init(args) => init(args),
        LogCommand::Serve(args) => serve(args),
        LogCommand::AddChain(args) => add_chain(args),
        LogCommand::GetSth(args) => log_client_cmd::get_sth(args),
        LogCommand::GetEntries(args) => log_client_cmd::get_entries(args),
        LogCommand::Prove(args) => log_client_cmd::prove(args),
    }
}

fn init(args: &InitArgs) -> ExitCode {
    let roots = match read_input(&args.roots) {
        Ok(data) => data,
        Err(e) => {
            report(&format!("{}: {e}", args.roots.display()));
            return ExitCode::from(2);
        }
    };
    let mut config = LogConfig::with_defaults(args.listen);
    config.mmd_seconds = args.mmd;
    config.sequence_interval_ms = args.sequence_interval;
    config.not_after_start.clone_from(&args.not_after_start);
    config.not_after_limit.clone_from(&args.not_after_limit);
    match ctkit_log::init::init(
        &args.dir,
        &roots,
        config,
        args.url.as_deref(),
        args.operator.as_deref(),
    ) {
        Ok(made) => {
            outln!("log ID   {}", made.log_id);
            outln!("URL      {}", made.url);
            outln!(
                "files    {0}/config.json, {0}/{1} (mode 0600), {0}/{2}, {0}/{3}, {0}/{4}, {0}/{5}",
                args.dir.display(),
                made.config.private_key.display(),
                made.config.public_key.display(),
                made.config.roots.display(),
                made.config.database.display(),
                ctkit_log::init::LOG_LIST_FILE
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            report(&e.to_string());
            ExitCode::from(2)
        }
    }
}

fn add_chain(args: &AddChainArgs) -> ExitCode {
    let blocks = match load_blocks(&args.chain) {
        Ok(blocks) => blocks,
        Err(e) => {
            report(&format!("{}: {e}", args.chain.display()));
            return ExitCode::from(2);
        }
    };
    let chain: Vec<Vec<u8>> = blocks
        .into_iter()
        .filter(is_certificate)
        .map(|b| b.der)
        .collect();
    let Some(first) = chain.first() else {
        report(&format!("{}: no certificate", args.chain.display()));
        return ExitCode::from(2);
    };
    let poisoned =
        ctkit::x509::CertificateLayout::parse_lenient(first).is_ok_and(|c| c.is_precertificate());
    let pre = args.pre || (poisoned && !args.final_certificate);
    let client = match ctkit_log::client::LogClient::new(&args.url) {
        Ok(client) => client,
        Err(e) => {
            report(&e.to_string());
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            report(&format!("cannot start the runtime: {e}"));
            return ExitCode::from(2);
        }
    };
    let result = runtime.block_on(async {
        if pre {
            client.add_pre_chain(&chain).await
        } else {
            client.add_chain(&chain).await
        }
    });
    match result {
        Ok(sct) => {
            let response = ctkit_log::api::AddChainResponse::from_sct(&sct);
            outln!("{}", serde_json::to_string(&response).unwrap_or_default());
            ExitCode::SUCCESS
        }
        Err(e) => {
            report(&e.to_string());
            ExitCode::from(2)
        }
    }
}

fn serve(args: &ServeArgs) -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            report(&format!("cannot start the runtime: {e}"));
            return ExitCode::from(2);
        }
    };
    let result = runtime.block_on(ctkit_log::server::serve(
        &args.dir,
        args.listen,
        |address| outln!("listening on http://{address}/"),
        stop_signal(),
    ));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e.to_string());
            ExitCode::from(2)
        }
    }
}

/// Completes on SIGTERM or SIGINT.
async fn stop_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(mut term), Ok(mut int)) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        }
        _ => std::future::pending::<()>().await,
    }
}
