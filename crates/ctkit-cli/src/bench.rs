//! `ctkit bench`: verification throughput measured in-process.
//!
//! Three figures, each over the same certificates:
//! - the whole job on one core: split the PEM, parse leaf and issuer, hash
//!   the issuer key, rebuild the TBSCertificate, verify every SCT;
//! - the same job on every core, the repetitions shared among threads;
//! - the bound: the SCT signature verifications alone, with the signed data
//!   and log keys prepared beforehand.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Args;
use ctkit::input::{Block, read_blocks};
use ctkit::loglist::LogList;
use ctkit::sct::{SerializedSct, SignedEntry};
use ctkit::verify::{SctStatus, Verifier};
use ctkit::x509::CertificateLayout;

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
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..))]
    pub repeat: u32,
    /// Threads for the all-cores figure (default: one per core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Measurements of each figure, interleaved; the fastest is reported,
    /// since on a shared machine other load only ever adds time.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    pub rounds: u32,
}

/// One prepared signature check: everything but the verification itself.
struct Prepared<'l> {
    log: &'l ctkit::loglist::LogKey,
    hash: ctkit::sct::HashAlgorithm,
    algorithm: ctkit::sct::SignatureAlgorithm,
    message: Vec<u8>,
    signature: Vec<u8>,
}

pub fn run(args: &BenchArgs) -> ExitCode {
    let logs = match load_log_list(&args.log_lists) {
        Ok(logs) => logs,
        Err(e) => {
            report(&e);
            return ExitCode::from(2);
        }
    };
    let mut inputs = Vec::new();
    for path in &args.files {
        match read_input(path) {
            Ok(data) => inputs.push((path.display().to_string(), data)),
            Err(e) => {
                report(&format!("{}: {e}", path.display()));
                return ExitCode::from(2);
            }
        }
    }
    let verifier = Verifier::with_system_clock(&logs);

    // Warm-up, and a check that the input is what a benchmark needs.
    let mut scts_per_pass = 0;
    for (name, data) in &inputs {
        let result = match read_blocks(data) {
            Ok(blocks) => verify_blocks(&verifier, name, &blocks, None, false),
            Err(e) => {
                report(&format!("{name}: {e}"));
                return ExitCode::from(2);
            }
        };
        if let Some(e) = &result.error {
            report(&format!("{name}: {e}"));
            return ExitCode::from(2);
        }
        let valid = result
            .scts
            .iter()
            .filter(|s| s.status == SctStatus::Valid)
            .count();
        if valid != result.scts.len() || valid == 0 {
            report(&format!(
                "{name}: {valid} of {} SCTs valid; the benchmark needs certificates whose SCTs all verify",
                result.scts.len()
            ));
            return ExitCode::from(2);
        }
        scts_per_pass += valid;
    }
    let prepared = match prepare(&logs, &inputs) {
        Ok(p) => p,
        Err(e) => {
            report(&e);
            return ExitCode::from(2);
        }
    };

    let repeat = usize::try_from(args.repeat).unwrap_or(usize::MAX);
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .max(1);
    let certificates = inputs.len() * repeat;

    let mut one_core = Duration::MAX;
    let mut all_cores = Duration::MAX;
    let mut bound = Duration::MAX;
    for _ in 0..args.rounds {
        bound = bound.min(time_signatures(&prepared, repeat));
        one_core = one_core.min(time_job(&verifier, &inputs, repeat, 1));
        all_cores = all_cores.min(time_job(&verifier, &inputs, repeat, threads));
    }

    let rate = |d: Duration| certificates as f64 / d.as_secs_f64();
    let (r1, rn, rb) = (rate(one_core), rate(all_cores), rate(bound));
    outln!(
        "certificates per pass: {}, SCTs per pass: {scts_per_pass}, passes: {repeat}",
        inputs.len()
    );
    outln!("verify job, 1 thread:           {r1:>10.0} certificates/s");
    outln!(
        "verify job, {threads} threads:          {rn:>10.0} certificates/s ({:.2}x one thread)",
        rn / r1
    );
    outln!("signature verification alone:   {rb:>10.0} certificates/s (1 thread)");
    outln!(
        "job / bound, 1 thread:          {:>10.1} %",
        100.0 * r1 / rb
    );
    outln!(
        "{{\"certificates\": {certificates}, \"threads\": {threads}, \"job_1_thread\": {r1:.0}, \"job_all_threads\": {rn:.0}, \"signature_bound_1_thread\": {rb:.0}}}"
    );
    ExitCode::SUCCESS
}

/// The work `ctkit verify` does for one file, without the output; returns
/// the number of valid SCTs and of all SCTs.
fn verify_job(verifier: &Verifier<'_>, name: &str, data: &[u8]) -> (usize, usize) {
    let Ok(blocks) = read_blocks(data) else {
        return (0, 0);
    };
    let report = verify_blocks(verifier, name, &blocks, None, false);
    let valid = report
        .scts
        .iter()
        .filter(|s| s.status == SctStatus::Valid)
        .count();
    (valid, report.scts.len())
}

fn time_job(
    verifier: &Verifier<'_>,
    inputs: &[(String, Vec<u8>)],
    repeat: usize,
    threads: usize,
) -> Duration {
    let start = Instant::now();
    std::thread::scope(|scope| {
        for t in 0..threads {
            let share = repeat / threads + usize::from(t < repeat % threads);
            scope.spawn(move || {
                for _ in 0..share {
                    for (name, data) in inputs {
                        std::hint::black_box(verify_job(verifier, name, data));
                    }
                }
            });
        }
    });
    start.elapsed()
}

fn prepare<'l>(
    logs: &'l LogList,
    inputs: &[(String, Vec<u8>)],
) -> Result<Vec<Prepared<'l>>, String> {
    let mut out = Vec::new();
    for (name, data) in inputs {
        let blocks: Vec<Block> = read_blocks(data).map_err(|e| format!("{name}: {e}"))?;
        let leaf = blocks.first().ok_or_else(|| format!("{name}: empty"))?;
        let issuer = blocks.get(1).ok_or_else(|| format!("{name}: no issuer"))?;
        let layout = CertificateLayout::parse(&leaf.der).map_err(|e| format!("{name}: {e}"))?;
        let issuer_key_hash = CertificateLayout::parse(&issuer.der)
            .map_err(|e| format!("{name}: {e}"))?
            .key_hash();
        let tbs = layout.precert_tbs();
        let entry = SignedEntry::Precert {
            issuer_key_hash,
            tbs_certificate: &tbs,
        };
        for sct in layout.sct_list.iter().flat_map(|l| &l.scts) {
            let SerializedSct::V1(sct) = sct else {
                continue;
            };
            let log = logs
                .find(&sct.log_id)
                .ok_or_else(|| format!("{name}: unknown log"))?;
            let key = log.key.as_ref().map_err(|e| format!("{name}: {e}"))?;
            out.push(Prepared {
                log: key,
                hash: sct.signature.hash,
                algorithm: sct.signature.signature_algorithm,
                message: sct.signed_data(&entry).map_err(|e| e.to_string())?,
                signature: sct.signature.signature.clone(),
            });
        }
    }
    Ok(out)
}

fn time_signatures(prepared: &[Prepared<'_>], repeat: usize) -> Duration {
    let start = Instant::now();
    for _ in 0..repeat {
        for p in prepared {
            std::hint::black_box(
                p.log
                    .verify(p.hash, p.algorithm, &p.message, &p.signature)
                    .is_ok(),
            );
        }
    }
    start.elapsed()
}
