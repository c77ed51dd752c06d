#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    reason = "a benchmark fails loudly and prints rates as floats"
)]

//! Log server benchmarks: durable add-chain throughput, get-entries at a
//! large tree, proof latency, and the server's memory.
//!
//! ```sh
//! cargo bench -p ctkit-cli --bench log
//! CTKIT_BENCH_ENTRIES=100000 cargo bench -p ctkit-cli --bench log   # smaller tree
//! ```
//!
//! The server is the release `ctkit log serve` process on 127.0.0.1; the
//! load comes from this process, on the same two cores.

#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ctkit::entry::MerkleTreeLeaf;
use ctkit::sct::SignedEntry;
use ctkit_log::client::LogClient;
use ctkit_log::store::{NewEntry, SqliteStore, Store};
use support::{Pki, Server, init_log, runtime};

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Reads the server's peak resident memory from /proc.
fn peak_rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0)
}

/// Returns the `percent`th percentile of sorted samples, by nearest rank.
fn percentile(sorted: &[Duration], percent: usize) -> Duration {
    sorted[(sorted.len() - 1) * percent / 100]
}

/// Submits every chain with `concurrency` requests in flight; returns the
/// rate in entries per second.
fn add_chain_rate(server: &Server, chains: &Arc<Vec<Vec<Vec<u8>>>>, concurrency: usize) -> f64 {
    let rt = runtime();
    rt.block_on(async {
        let client = Arc::new(LogClient::new(&server.url).unwrap());
        let next = Arc::new(AtomicUsize::new(0));
        let start = Instant::now();
        let mut workers = Vec::new();
        for _ in 0..concurrency {
            let (client, chains, next) =
                (Arc::clone(&client), Arc::clone(chains), Arc::clone(&next));
            workers.push(tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let Some(chain) = chains.get(n) else { break };
                    client.add_chain(chain).await.unwrap();
                }
            }));
        }
        for worker in workers {
            worker.await.unwrap();
        }
        chains.len() as f64 / start.elapsed().as_secs_f64()
    })
}

/// Measures the baseline of a log without group commit: one durable
/// SQLite transaction per entry, on the same disk.
fn one_commit_per_entry_rate(dir: &std::path::Path, template: &[u8], count: usize) -> f64 {
    let store = SqliteStore::open(&dir.join("baseline.sqlite")).unwrap();
    let start = Instant::now();
    for i in 0..count {
        store.append(&[entry(template, i as u64)]).unwrap();
    }
    count as f64 / start.elapsed().as_secs_f64()
}

/// Builds a stored x509 entry for the `i`th copy of a certificate. The
/// timestamp makes every leaf distinct.
fn entry(certificate: &[u8], i: u64) -> NewEntry {
    let leaf_input = MerkleTreeLeaf {
        timestamp: 1_700_000_000_000 + i,
        entry: SignedEntry::X509 { certificate },
        extensions: &[],
    }
    .encode()
    .unwrap();
    NewEntry {
        identity: ctkit::x509::sha256(&i.to_be_bytes()),
        precert: false,
        leaf_hash: ctkit::merkle::leaf_hash(&leaf_input),
        leaf_input,
        extra_data: vec![0, 0, 0],
        sct_timestamp: 1_700_000_000_000 + i,
        sct_signature: vec![4, 3, 0, 0],
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let submissions = env_number("CTKIT_BENCH_SUBMISSIONS", 6_000);
    let large = env_number("CTKIT_BENCH_ENTRIES", 1_000_000) as u64;
    let tmp = tempfile::tempdir().unwrap();
    let pki = Pki::new();

    // 1. Durable add-chain throughput.
    let made = Instant::now();
    let chains: Arc<Vec<_>> = Arc::new((0..submissions as u64).map(|n| pki.chain(n)).collect());
    eprintln!(
        "made {submissions} chains in {:.1} s",
        made.elapsed().as_secs_f64()
    );
    println!("add-chain, durable (entries/s), {submissions} new certificates:");
    for concurrency in [16, 64, 256] {
        let dir = tmp.path().join(format!("add-{concurrency}"));
        init_log(&dir, &pki.root_pem(), &["--sequence-interval", "1000"]);
        let server = Server::start(&dir);
        let rate = add_chain_rate(&server, &chains, concurrency);
        println!(
            "  {concurrency:>3} in flight: {rate:>8.0} entries/s, server peak RSS {:.0} MiB",
            peak_rss_mib(server.child.id())
        );
    }
    let baseline = one_commit_per_entry_rate(tmp.path(), &chains[0][0], 500);
    println!("  baseline, one SQLite commit per entry: {baseline:>8.0} entries/s");

    // 2. A large tree: load it straight into the store, then serve it.
    let dir = tmp.path().join("large");
    init_log(&dir, &pki.root_pem(), &["--sequence-interval", "500"]);
    let store = SqliteStore::open(&dir.join("log.sqlite")).unwrap();
    let load = Instant::now();
    let template = chains[0][0].clone();
    let mut i = 0;
    while i < large {
        let batch: Vec<NewEntry> = (i..(i + 10_000).min(large))
            .map(|n| entry(&template, n))
            .collect();
        store.append(&batch).unwrap();
        i += batch.len() as u64;
    }
    drop(store);
    eprintln!(
        "loaded {large} entries in {:.1} s",
        load.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let server = Server::start(&dir);
    let rt = runtime();
    let client = Arc::new(LogClient::new(&server.url).unwrap());
    let sth = rt.block_on(async {
        loop {
            let sth = client.get_sth().await.unwrap();
            if sth.head.tree_size == large {
                return sth;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    println!(
        "tree of {large} entries: open, rebuild and first tree head in {:.2} s",
        started.elapsed().as_secs_f64()
    );

    // get-entries: 1000-entry pages from spread-out starts, 4 in flight.
    let pages = 200u64;
    let (entries_rate, bytes) = rt.block_on(async {
        let start = Instant::now();
        let mut tasks = Vec::new();
        for worker in 0..4u64 {
            let client = Arc::clone(&client);
            tasks.push(tokio::spawn(async move {
                let mut got = 0usize;
                let mut bytes = 0usize;
                for page in (worker..pages).step_by(4) {
                    let first = (page * 7_919 * 1000) % (large - 1000);
                    let entries = client.get_entries(first, first + 999).await.unwrap();
                    got += entries.len();
                    bytes += entries
                        .iter()
                        .map(|e| e.leaf_input.len() + e.extra_data.len())
                        .sum::<usize>();
                }
                (got, bytes)
            }));
        }
        let mut total = (0, 0);
        for task in tasks {
            let (got, bytes) = task.await.unwrap();
            total.0 += got;
            total.1 += bytes;
        }
        (total.0 as f64 / start.elapsed().as_secs_f64(), total.1)
    });
    println!(
        "get-entries at {large}: {entries_rate:.0} entries/s ({:.0} MiB of entries/s), 1000 per request, 4 in flight",
        entries_rate * (bytes as f64 / (pages * 1000) as f64) / (1024.0 * 1024.0)
    );

    // Proof latency, one request at a time.
    let (inclusion, consistency) = rt.block_on(async {
        let mut inclusion = Vec::new();
        let mut consistency = Vec::new();
        for k in 0..500u64 {
            let index = (k * 2_654_435_761) % large;
            let hash = ctkit::merkle::leaf_hash(&entry(&template, index).leaf_input);
            let start = Instant::now();
            let proof = client.get_proof_by_hash(&hash, large).await.unwrap();
            inclusion.push(start.elapsed());
            ctkit::merkle::verify_inclusion(
                &hash,
                proof.leaf_index,
                large,
                &proof.audit_path,
                &sth.head.root_hash,
            )
            .unwrap();
            let first = 1 + (k * 40_503) % (large - 1);
            let start = Instant::now();
            client.get_sth_consistency(first, large).await.unwrap();
            consistency.push(start.elapsed());
        }
        inclusion.sort();
        consistency.sort();
        (inclusion, consistency)
    });
    for (name, times) in [
        ("get-proof-by-hash", &inclusion),
        ("get-sth-consistency", &consistency),
    ] {
        println!(
            "{name} at {large}: p50 {:.0} µs, p99 {:.0} µs",
            percentile(times, 50).as_secs_f64() * 1e6,
            percentile(times, 99).as_secs_f64() * 1e6
        );
    }
    println!(
        "server peak RSS with {large} entries: {:.0} MiB; database {:.0} MiB",
        peak_rss_mib(server.child.id()),
        std::fs::metadata(dir.join("log.sqlite")).map_or(0, |m| m.len()) as f64 / (1024.0 * 1024.0)
    );
}
