#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::cast_precision_loss,
    reason = "a benchmark fails loudly and prints rates as floats"
)]

//! Whole issuances per second against three local logs, beside the bound
//! that the CA's two signatures per certificate set.
//!
//! ```sh
//! cargo bench -p ctkit-cli --bench issue
//! ```
//!
//! Each issuance is one `ctkit issue` process: it builds and signs the
//! precertificate, submits it to the three `ctkit log serve` processes,
//! verifies the three SCTs, chooses two, and signs the final certificate.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Instant;

use support::{issue_command, make_ca, start_logs, write_log_list};

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let count: usize = std::env::var("CTKIT_BENCH_ISSUANCES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let tmp = tempfile::tempdir().unwrap();
    let ca = make_ca(tmp.path(), "bench.ctkit.test");
    let logs = start_logs(tmp.path(), &ca, 3);
    let list = tmp.path().join("logs.json");
    let entries: Vec<_> = logs
        .iter()
        .map(|(dir, server)| (dir.clone(), server.url.clone(), None))
        .collect();
    write_log_list(&list, &entries);

    for parallel in [1usize, 4] {
        let started = Instant::now();
        let mut done = 0;
        while done < count {
            let batch = parallel.min(count - done);
            let children: Vec<_> = (0..batch)
                .map(|i| {
                    let out = tmp.path().join(format!("out-{parallel}-{}", done + i));
                    issue_command(&ca, &list, &out)
                        .stdout(std::process::Stdio::null())
                        .stderr(std::process::Stdio::null())
                        .spawn()
                        .unwrap()
                })
                .collect();
            for mut child in children {
                assert!(child.wait().unwrap().success());
            }
            done += batch;
        }
        let rate = count as f64 / started.elapsed().as_secs_f64();
        println!("ctkit issue, {parallel} at a time: {rate:.0} issuances/s ({count} certificates)");
    }

    // The bound: the CA's two signatures, precertificate and final, with
    // the same key, in one process.
    let key = ctkit::build::CaKey::from_pem(&std::fs::read(&ca.key).unwrap()).unwrap();
    let tbs = vec![0x30; 700];
    let signatures = 20_000;
    let started = Instant::now();
    for _ in 0..signatures {
        key.sign(&tbs).unwrap();
    }
    let per_second = signatures as f64 / started.elapsed().as_secs_f64();
    println!(
        "bound from signing alone (ECDSA P-256, one core): {per_second:.0} signatures/s = {:.0} issuances/s",
        per_second / 2.0
    );
}
