#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly on broken fixtures"
)]

//! `ctkit log serve` as a process on 127.0.0.1, driven over HTTP: every
//! RFC 6962 endpoint, the proofs it returns checked by the RFC 9162
//! verifiers, and bad input rejected with a JSON 4xx.

mod support;

use std::time::{Duration, Instant};

use ctkit::entry::{ExtraData, MerkleTreeLeaf};
use ctkit::loglist::LogKey;
use ctkit::merkle::{self, verify_consistency, verify_inclusion};
use ctkit::sct::SignedEntry;
use ctkit::sth::SignedTreeHead;
use ctkit::x509::CertificateLayout;
use ctkit_log::client::{ClientError, LogClient};
use support::{Pki, Server, init_log, runtime};

fn log_key(dir: &std::path::Path) -> LogKey {
    let pem = std::fs::read(dir.join("log.pub.pem")).unwrap();
    let der = ctkit::input::read_blocks(&pem).unwrap().remove(0).der;
    LogKey::from_spki(&der).unwrap()
}

/// Polls get-sth until the tree has `size` leaves.
async fn wait_for_size(client: &LogClient, size: u64) -> SignedTreeHead {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let sth = client.get_sth().await.unwrap();
        if sth.head.tree_size >= size {
            return sth;
        }
        assert!(
            Instant::now() < deadline,
            "tree stuck at {}",
            sth.head.tree_size
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Builds the entry an SCT for this chain signs, as RFC 6962 3.2 defines it.
fn signed_entry_for(chain: &[Vec<u8>]) -> (bool, [u8; 32], Vec<u8>) {
    let leaf = CertificateLayout::parse(&chain[0]).unwrap();
    if !leaf.is_precertificate() {
        return (false, [0; 32], chain[0].clone());
    }
    let issuer = CertificateLayout::parse(&chain[1]).unwrap();
    if issuer.has_precert_signing_purpose() {
        let final_issuer = CertificateLayout::parse(&chain[2]).unwrap();
        (
            true,
            final_issuer.key_hash(),
            leaf.precert_tbs_with_preissuer(&issuer),
        )
    } else {
        (true, issuer.key_hash(), leaf.precert_tbs())
    }
}

#[test]
fn serves_every_endpoint_with_proofs_that_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("log");
    let pki = Pki::new();
    init_log(
        &dir,
        &pki.root_pem(),
        &["--sequence-interval", "100", "--mmd", "60"],
    );
    let server = Server::start(&dir);
    let key = log_key(&dir);
    let rt = runtime();
    rt.block_on(async {
        let client = LogClient::new(&server.url).unwrap();
        let empty = client.get_sth().await.unwrap();
        assert_eq!(empty.head.tree_size, 0);
        assert_eq!(empty.head.root_hash, merkle::empty_root());
        empty.verify(&key).unwrap();

        // One leaf: its audit path is empty and leads to the root.
        let chains = [
            pki.chain(0),
            pki.pre_chain(1, false),
            pki.pre_chain(2, true),
            pki.chain(3),
            pki.chain(4),
        ];
        let first = client.add_chain(&chains[0]).await.unwrap();
        let one = wait_for_size(&client, 1).await;
        one.verify(&key).unwrap();
        let leaf0 = MerkleTreeLeaf {
            timestamp: first.timestamp,
            entry: SignedEntry::X509 {
                certificate: &chains[0][0],
            },
            extensions: &[],
        }
        .hash()
        .unwrap();
        assert_eq!(one.head.root_hash, leaf0);
        let proof = client.get_proof_by_hash(&leaf0, 1).await.unwrap();
        assert_eq!(proof.leaf_index, 0);
        assert!(proof.audit_path.is_empty());
        verify_inclusion(&leaf0, 0, 1, &proof.audit_path, &one.head.root_hash).unwrap();

        let mut scts = vec![first];
        for chain in &chains[1..] {
            let sct = if CertificateLayout::parse(&chain[0])
                .unwrap()
                .is_precertificate()
            {
                client.add_pre_chain(chain).await.unwrap()
            } else {
                client.add_chain(chain).await.unwrap()
            };
            scts.push(sct);
        }
        // Each SCT verifies with the log's key over the RFC 6962 entry.
        for (chain, sct) in chains.iter().zip(&scts) {
            let (precert, issuer_key_hash, body) = signed_entry_for(chain);
            let entry = if precert {
                SignedEntry::Precert {
                    issuer_key_hash,
                    tbs_certificate: &body,
                }
            } else {
                SignedEntry::X509 { certificate: &body }
            };
            let data = sct.signed_data(&entry).unwrap();
            key.verify(
                sct.signature.hash,
                sct.signature.signature_algorithm,
                &data,
                &sct.signature.signature,
            )
            .unwrap();
        }
        // Submitting the same chain again gives the same SCT.
        assert_eq!(client.add_chain(&chains[0]).await.unwrap(), scts[0]);
        assert_eq!(client.add_pre_chain(&chains[2]).await.unwrap(), scts[2]);

        let sth = wait_for_size(&client, 5).await;
        sth.verify(&key).unwrap();
        assert_eq!(sth.head.tree_size, 5, "a resubmission added an entry");

        // get-entries: the root over the returned leaves is the STH's root,
        // and extra_data decodes to the submitted chain plus the root.
        let entries = client.get_entries(0, 4).await.unwrap();
        assert_eq!(entries.len(), 5);
        let hashes: Vec<_> = entries
            .iter()
            .map(|e| merkle::leaf_hash(&e.leaf_input))
            .collect();
        assert_eq!(merkle::root(&hashes), sth.head.root_hash);
        for (i, entry) in entries.iter().enumerate() {
            let leaf = MerkleTreeLeaf::decode(&entry.leaf_input).unwrap();
            assert_eq!(leaf.timestamp, scts[i].timestamp);
            let precert = matches!(leaf.entry, SignedEntry::Precert { .. });
            let extra = ExtraData::decode(precert, &entry.extra_data).unwrap();
            let mut expected: Vec<&[u8]> = chains[i][1..].iter().map(Vec::as_slice).collect();
            expected.push(pki.root.der());
            assert_eq!(extra.chain(), expected.as_slice(), "entry {i}");
            if let ExtraData::Precert { precertificate, .. } = extra {
                assert_eq!(precertificate, chains[i][0].as_slice());
            }
        }
        // A range past the end is clamped to the tree.
        assert_eq!(client.get_entries(3, 100).await.unwrap().len(), 2);

        // Inclusion of every leaf, and consistency from every smaller size.
        for (i, hash) in hashes.iter().enumerate() {
            let proof = client.get_proof_by_hash(hash, 5).await.unwrap();
            assert_eq!(proof.leaf_index, i as u64);
            verify_inclusion(hash, i as u64, 5, &proof.audit_path, &sth.head.root_hash).unwrap();
            let both = client.get_entry_and_proof(i as u64, 5).await.unwrap();
            assert_eq!(both.entry, entries[i]);
            assert_eq!(both.audit_path, proof.audit_path);
        }
        for m in 1..=5usize {
            let proof = client.get_sth_consistency(m as u64, 5).await.unwrap();
            let old_root = merkle::root(&hashes[..m]);
            verify_consistency(m as u64, 5, &old_root, &sth.head.root_hash, &proof).unwrap();
        }
        let one_to_two = client.get_sth_consistency(1, 2).await.unwrap();
        verify_consistency(1, 2, &hashes[0], &merkle::root(&hashes[..2]), &one_to_two).unwrap();
        assert_eq!(
            client.get_roots().await.unwrap(),
            vec![pki.root.der().to_vec()]
        );

        // Edge cases a client may ask about.
        let status = |e: ClientError| e.status().map(|s| s.as_u16());
        let past = client.get_entry_and_proof(5, 5).await.unwrap_err();
        assert_eq!(status(past), Some(400));
        let beyond = client.get_entry_and_proof(0, 6).await.unwrap_err();
        assert_eq!(status(beyond), Some(400));
        let not_in_smaller = client.get_proof_by_hash(&hashes[4], 3).await.unwrap_err();
        assert_eq!(status(not_in_smaller), Some(404));
        let unknown = client.get_proof_by_hash(&[7; 32], 5).await.unwrap_err();
        assert_eq!(status(unknown), Some(404));
        let from_empty = client.get_sth_consistency(0, 5).await.unwrap_err();
        assert_eq!(status(from_empty), Some(400));
        let start_past = client.get_entries(5, 9).await.unwrap_err();
        assert_eq!(status(start_past), Some(400));
    });
    let status = server.terminate();
    assert!(status.success(), "{status}");
}

/// Requests no client should send get a 4xx with a JSON error message,
/// and the server goes on serving.
#[test]
fn bad_requests_get_json_client_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("log");
    let pki = Pki::new();
    let stranger = Pki::new();
    init_log(&dir, &pki.root_pem(), &["--sequence-interval", "100"]);
    let server = Server::start(&dir);
    let base = server.url.clone();
    let b64 = ctkit_log::api::encode_b64;
    let good_chain = pki.chain(1);
    let chain_json = |chain: &[Vec<u8>]| {
        let items: Vec<String> = chain.iter().map(|c| format!("\"{}\"", b64(c))).collect();
        format!("{{\"chain\":[{}]}}", items.join(","))
    };
    let mut broken_link = good_chain.clone();
    broken_link[1] = stranger.intermediate.der().to_vec();
    let huge = "a".repeat(600 * 1024);

    #[rustfmt::skip]
    let cases: Vec<(&str, &str, Option<&str>, String, u16)> = vec![
        ("POST", "ct/v1/add-chain", Some("application/json"), "{".into(), 400),
        ("POST", "ct/v1/add-chain", Some("application/json"), "[]".into(), 400),
        ("POST", "ct/v1/add-chain", Some("application/json"), "{\"chain\":\"x\"}".into(), 400),
        ("POST", "ct/v1/add-chain", Some("application/json"), "{\"chain\":[]}".into(), 400),
        ("POST", "ct/v1/add-chain", Some("application/json"), "{\"chain\":[\"%%%\"]}".into(), 400),
        ("POST", "ct/v1/add-chain", Some("application/json"), "{\"chain\":[\"AAAA\"]}".into(), 400),
        ("POST", "ct/v1/add-chain", Some("application/json"), chain_json(&stranger.chain(2)), 400),
        ("POST", "ct/v1/add-chain", Some("application/json"), chain_json(&broken_link), 400),
        ("POST", "ct/v1/add-chain", Some("application/json"), chain_json(&pki.pre_chain(3, false)), 400),
        ("POST", "ct/v1/add-pre-chain", Some("application/json"), chain_json(&good_chain), 400),
        ("POST", "ct/v1/add-chain", Some("text/plain"), chain_json(&good_chain), 415),
        ("POST", "ct/v1/add-chain", Some("application/json"), huge, 413),
        ("GET", "ct/v1/add-chain", None, String::new(), 405),
        ("POST", "ct/v1/get-sth", Some("application/json"), "{}".into(), 405),
        ("GET", "ct/v1/nothing", None, String::new(), 404),
        ("GET", "", None, String::new(), 404),
        ("GET", "ct/v1/get-entries", None, String::new(), 400),
        ("GET", "ct/v1/get-entries?start=0", None, String::new(), 400),
        ("GET", "ct/v1/get-entries?start=-1&end=2", None, String::new(), 400),
        ("GET", "ct/v1/get-entries?start=x&end=2", None, String::new(), 400),
        ("GET", "ct/v1/get-entries?start=3&end=2", None, String::new(), 400),
        ("GET", "ct/v1/get-entries?start=0&end=99999999999999999999", None, String::new(), 400),
        ("GET", "ct/v1/get-entries?start=18446744073709551615&end=18446744073709551615", None, String::new(), 400),
        ("GET", "ct/v1/get-sth-consistency?first=2&second=1", None, String::new(), 400),
        ("GET", "ct/v1/get-sth-consistency?first=1&second=1000", None, String::new(), 400),
        ("GET", "ct/v1/get-proof-by-hash?hash=AAAA&tree_size=1", None, String::new(), 400),
        ("GET", "ct/v1/get-proof-by-hash?hash=%%&tree_size=1", None, String::new(), 400),
        ("GET", "ct/v1/get-proof-by-hash?tree_size=1", None, String::new(), 400),
        ("GET", "ct/v1/get-entry-and-proof?leaf_index=0&tree_size=0", None, String::new(), 400),
        ("GET", "ct/v1/get-entry-and-proof?leaf_index=0", None, String::new(), 400),
    ];

    let rt = runtime();
    rt.block_on(async {
        let http = reqwest::Client::new();
        for (method, path, content_type, body, expected) in cases {
            let url = format!("{base}{path}");
            let mut request = match method {
                "POST" => http.post(&url).body(body.clone()),
                _ => http.get(&url),
            };
            if let Some(content_type) = content_type {
                request = request.header("content-type", content_type);
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let text = response.text().await.unwrap();
            assert_eq!(status, expected, "{method} {path}: {text}");
            let json: serde_json::Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{method} {path}: not JSON ({e}): {text}"));
            let message = json["error"].as_str().unwrap_or_default();
            assert!(!message.is_empty(), "{method} {path}: {text}");
        }
        // A submitter that sends no Content-Type is taken at its word.
        let untyped = http
            .post(format!("{base}ct/v1/add-chain"))
            .body(chain_json(&good_chain))
            .send()
            .await
            .unwrap();
        assert_eq!(untyped.status().as_u16(), 200);
        // Still serving, and nothing bad reached the tree.
        let client = LogClient::new(&base).unwrap();
        client.add_chain(&good_chain).await.unwrap();
        assert_eq!(wait_for_size(&client, 1).await.head.tree_size, 1);
    });
    let log = server.stderr_text();
    assert!(log.contains("submission rejected"), "{log}");
    assert!(log.contains("does not end at an accepted root"), "{log}");
    assert!(log.contains("chain[0] is not signed by chain[1]"), "{log}");
    assert!(
        log.contains("status=413"),
        "the oversized body was not logged: {log}"
    );
    assert!(!log.contains("internal error"), "{log}");
}

/// SIGTERM stops the server after it signs a last tree head; a restart
/// serves the same tree.
#[test]
fn stops_on_sigterm_and_restarts_with_the_same_tree() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("log");
    let pki = Pki::new();
    // A long interval: only the shutdown integrates the entries.
    init_log(
        &dir,
        &pki.root_pem(),
        &["--sequence-interval", "30000", "--mmd", "3600"],
    );
    let server = Server::start(&dir);
    let rt = runtime();
    let url = server.url.clone();
    rt.block_on(async {
        let client = LogClient::new(&url).unwrap();
        for n in 0..3 {
            client.add_chain(&pki.chain(n)).await.unwrap();
        }
    });
    let stderr = server.stderr.clone();
    let status = server.terminate();
    assert!(status.success(), "{status}");
    let log = std::fs::read_to_string(&stderr).unwrap();
    assert!(log.contains("log stopped"), "{log}");

    let again = Server::start(&dir);
    rt.block_on(async {
        let client = LogClient::new(&again.url).unwrap();
        let sth = client.get_sth().await.unwrap();
        assert_eq!(sth.head.tree_size, 3);
        sth.verify(&log_key(&dir)).unwrap();
    });
}

/// The log commands of the README, on the chains the repository ships.
#[test]
fn readme_log_commands_work() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ctlog");
    let root = std::fs::read_to_string(testdata("log/merge-delay-root.pem")).unwrap();
    init_log(&dir, &root, &["--sequence-interval", "100"]);
    let server = Server::start(&dir);
    let run = |args: &[&str]| {
        let output = support::ctkit().args(args).output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(output.status.success(), "{args:?}: {stdout}{stderr}");
        stdout
    };
    let chain = testdata("log/merge-delay-chain.pem");
    let pre_chain = testdata("log/merge-delay-pre-chain.pem");
    let key = dir.join("log.pub.pem");
    let sct = run(&["log", "add-chain", &server.url, chain.to_str().unwrap()]);
    let sct_file = tmp.path().join("sct.json");
    std::fs::write(&sct_file, &sct).unwrap();
    let again = run(&["log", "add-chain", &server.url, chain.to_str().unwrap()]);
    assert_eq!(sct, again, "a resubmission must return the same SCT");
    let pre_sct = run(&["log", "add-chain", &server.url, pre_chain.to_str().unwrap()]);
    let pre_sct_file = tmp.path().join("pre-sct.json");
    std::fs::write(&pre_sct_file, &pre_sct).unwrap();

    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let sth = run(&[
            "log",
            "get-sth",
            &server.url,
            "--key",
            key.to_str().unwrap(),
        ]);
        if sth.contains("tree size:  2\n") {
            assert!(sth.contains("signature:  valid"), "{sth}");
            break;
        }
        assert!(Instant::now() < deadline, "{sth}");
        std::thread::sleep(Duration::from_millis(50));
    }
    let entries = run(&["log", "get-entries", &server.url, "0", "1"]);
    assert!(entries.contains("x509_entry"), "{entries}");
    assert!(entries.contains("precert_entry"), "{entries}");
    // The precertificate's issuer is Merge Delay Intermediate 1; the
    // manifest gives this key hash for it.
    assert!(
        entries.contains("e37689003073a0c649cc656de946c03174d25c566fe3c3805b846f5236943798"),
        "{entries}"
    );
    // A range past the end of the tree is fitted to it; one that starts
    // past the end is an input error.
    let clamped = run(&["log", "get-entries", &server.url, "0", "5"]);
    assert!(clamped.contains("entry 1\n"), "{clamped}");
    assert!(!clamped.contains("entry 2\n"), "{clamped}");
    let past = support::ctkit()
        .args(["log", "get-entries", &server.url, "2", "5"])
        .output()
        .unwrap();
    assert_eq!(past.status.code(), Some(2));
    let proof = run(&[
        "log",
        "prove",
        &server.url,
        chain.to_str().unwrap(),
        "--sct",
        sct_file.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
    ]);
    assert!(proof.contains("inclusion:  verified"), "{proof}");
    let pre_proof = run(&[
        "log",
        "prove",
        &server.url,
        pre_chain.to_str().unwrap(),
        "--sct",
        pre_sct_file.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
    ]);
    assert!(
        pre_proof.contains("leaf:       precert_entry"),
        "{pre_proof}"
    );
    assert!(pre_proof.contains("inclusion:  verified"), "{pre_proof}");
}

fn testdata(path: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(path)
}
