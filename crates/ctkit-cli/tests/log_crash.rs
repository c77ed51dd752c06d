#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly on broken fixtures"
)]

//! Crash safety: SIGKILL the server while add-chain requests run, restart
//! it, and check that every SCT it returned is in the tree after the MMD
//! and that every tree head seen before and after is consistent with the
//! final one.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ctkit::entry::MerkleTreeLeaf;
use ctkit::loglist::LogKey;
use ctkit::merkle::{verify_consistency, verify_inclusion};
use ctkit::sct::{Sct, SignedEntry};
use ctkit::sth::SignedTreeHead;
use ctkit_log::client::LogClient;
use support::{Pki, Server, init_log, runtime};
use tokio::sync::Mutex;

const SUBMISSIONS: u64 = 600;
const CONCURRENCY: usize = 12;
/// Kill the server after this many SCTs came back.
const KILL_AFTER: usize = 150;
const MMD_SECONDS: u64 = 3;

/// Collects distinct tree heads until told to stop.
async fn watch_heads(
    client: Arc<LogClient>,
    heads: Arc<Mutex<Vec<SignedTreeHead>>>,
    stop: Arc<AtomicBool>,
) {
    while !stop.load(Ordering::Relaxed) {
        if let Ok(sth) = client.get_sth().await {
            let mut heads = heads.lock().await;
            if heads.last() != Some(&sth) {
                heads.push(sth);
            }
        }
        tokio::time::sleep(Duration::from_millis(15)).await;
    }
}

#[test]
fn returned_scts_survive_sigkill() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("log");
    let pki = Pki::new();
    let chains: Arc<Vec<Vec<Vec<u8>>>> = Arc::new((0..SUBMISSIONS).map(|n| pki.chain(n)).collect());
    init_log(
        &dir,
        &pki.root_pem(),
        &[
            "--sequence-interval",
            "50",
            "--mmd",
            &MMD_SECONDS.to_string(),
        ],
    );
    let key = {
        let pem = std::fs::read(dir.join("log.pub.pem")).unwrap();
        LogKey::from_spki(&ctkit::input::read_blocks(&pem).unwrap().remove(0).der).unwrap()
    };
    let rt = runtime();

    let server = Server::start(&dir);
    let client = Arc::new(LogClient::new(&server.url).unwrap());
    let returned: Arc<Mutex<Vec<(usize, Sct)>>> = Arc::default();
    let heads: Arc<Mutex<Vec<SignedTreeHead>>> = Arc::default();
    let stop_watch = Arc::new(AtomicBool::new(false));

    rt.block_on(async {
        let watcher = tokio::spawn(watch_heads(
            Arc::clone(&client),
            Arc::clone(&heads),
            Arc::clone(&stop_watch),
        ));
        let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut workers = Vec::new();
        for _ in 0..CONCURRENCY {
            let (client, chains, returned, next) = (
                Arc::clone(&client),
                Arc::clone(&chains),
                Arc::clone(&returned),
                Arc::clone(&next),
            );
            workers.push(tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let Some(chain) = chains.get(n) else { break };
                    match client.add_chain(chain).await {
                        Ok(sct) => returned.lock().await.push((n, sct)),
                        // The server is gone: stop this worker.
                        Err(_) => break,
                    }
                }
            }));
        }
        // Kill once enough SCTs came back, with requests still in flight.
        loop {
            if returned.lock().await.len() >= KILL_AFTER {
                break;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        server.kill();
        for worker in workers {
            worker.await.unwrap();
        }
        stop_watch.store(true, Ordering::Relaxed);
        watcher.await.unwrap();
    });

    let returned = rt.block_on(async { returned.lock().await.clone() });
    let before_crash = rt.block_on(async { heads.lock().await.clone() });
    assert!(returned.len() >= KILL_AFTER);
    assert!(
        (returned.len() as u64) < SUBMISSIONS,
        "the kill came after every request finished"
    );

    // Restart, submit a few more, and wait out the MMD from the last SCT.
    let again = Server::start(&dir);
    let client = LogClient::new(&again.url).unwrap();
    let (after_crash, final_head) = rt.block_on(async {
        let mut after = vec![client.get_sth().await.unwrap()];
        for n in SUBMISSIONS..SUBMISSIONS + 5 {
            client.add_chain(&pki.chain(n)).await.unwrap();
        }
        let last_sct = returned.iter().map(|(_, s)| s.timestamp).max().unwrap();
        loop {
            let sth = client.get_sth().await.unwrap();
            if after.last() != Some(&sth) {
                after.push(sth.clone());
            }
            if sth.head.timestamp >= last_sct + MMD_SECONDS * 1000 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let last = after.last().cloned().unwrap();
        (after, last)
    });
    final_head.verify(&key).unwrap();

    rt.block_on(async {
        // Every returned SCT is in the tree, at the timestamp it promised.
        for (n, sct) in &returned {
            let leaf = MerkleTreeLeaf {
                timestamp: sct.timestamp,
                entry: SignedEntry::X509 {
                    certificate: &chains[*n][0],
                },
                extensions: &[],
            }
            .hash()
            .unwrap();
            let proof = client
                .get_proof_by_hash(&leaf, final_head.head.tree_size)
                .await
                .unwrap_or_else(|e| panic!("SCT for submission {n} is not in the tree: {e}"));
            verify_inclusion(
                &leaf,
                proof.leaf_index,
                final_head.head.tree_size,
                &proof.audit_path,
                &final_head.head.root_hash,
            )
            .unwrap();
            // A resubmission after the crash finds the same SCT.
            if *n % 10 == 0 {
                assert_eq!(&client.add_chain(&chains[*n]).await.unwrap(), sct);
            }
        }

        // Every head, before and after the crash, is signed and consistent
        // with the final one.
        for head in before_crash.iter().chain(&after_crash) {
            head.verify(&key).unwrap();
            let (m, n) = (head.head.tree_size, final_head.head.tree_size);
            if m == 0 || m == n {
                assert!(m == 0 || head.head.root_hash == final_head.head.root_hash);
                continue;
            }
            let proof = client.get_sth_consistency(m, n).await.unwrap();
            verify_consistency(
                m,
                n,
                &head.head.root_hash,
                &final_head.head.root_hash,
                &proof,
            )
            .unwrap_or_else(|e| panic!("head of size {m} is not consistent: {e}"));
        }
    });
    assert!(
        before_crash.len() > 1,
        "no tree head was seen before the crash"
    );
}
