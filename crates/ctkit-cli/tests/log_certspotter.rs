#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly on broken fixtures"
)]

//! Debian's certspotter, a real CT monitor, watches a `ctkit log serve`
//! process through a log list and must find every certificate and
//! precertificate submitted to it. certspotter checks the tree head
//! signature and that the entries it downloads hash to the signed root.
//!
//! The test fails when certspotter is missing instead of skipping, because
//! CI installs it (`apt-get install certspotter`) and a silent skip would
//! hide the check.

mod support;

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use ctkit_log::client::LogClient;
use support::{Pki, Server, init_log, runtime};

/// Writes a v3 log list naming the log at `url` with the key in `key_b64`
/// and the log ID that key gives.
fn write_log_list(path: &Path, dir: &Path, url: &str, key_b64: &str) {
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("log-list.json")).unwrap()).unwrap();
    let mut list = written.clone();
    let log = &mut list["operators"][0]["logs"][0];
    log["url"] = serde_json::Value::String(url.to_owned());
    log["key"] = serde_json::Value::String(key_b64.to_owned());
    let key = ctkit_log::api::decode_b64("key", key_b64).unwrap();
    let log_id = ctkit_log::api::encode_b64(&ctkit::x509::sha256(&key));
    log["log_id"] = serde_json::Value::String(log_id);
    std::fs::write(path, serde_json::to_vec_pretty(&list).unwrap()).unwrap();
}

fn certspotter(list: &Path, watch: &Path, state: &Path) -> Command {
    let mut command = Command::new("certspotter");
    command
        .arg("-logs")
        .arg(list)
        .arg("-watchlist")
        .arg(watch)
        .arg("-state_dir")
        .arg(state)
        .args(["-stdout", "-no_save", "-verbose"]);
    command
}

/// Runs certspotter until every expected name has appeared on its
/// standard output or the deadline passes; returns what it printed.
fn run_until_found(mut command: Command, names: &[String], deadline: Duration) -> String {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("certspotter must be installed: apt-get install certspotter");
    let (lines, received) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let out_lines = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = out_lines.send(line);
        }
    });
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = lines.send(format!("stderr: {line}"));
        }
    });
    let end = Instant::now() + deadline;
    let mut output = String::new();
    while Instant::now() < end {
        if let Ok(line) = received.recv_timeout(Duration::from_millis(100)) {
            output.push_str(&line);
            output.push('\n');
        }
        if names
            .iter()
            .all(|n| output.contains(&format!("DNS Name = {n}\n")))
        {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    // Drain what arrived before the kill.
    while let Ok(line) = received.recv_timeout(Duration::from_millis(50)) {
        output.push_str(&line);
        output.push('\n');
    }
    output
}

#[test]
fn certspotter_finds_the_submitted_certificates() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("log");
    let pki = Pki::new();
    init_log(&dir, &pki.root_pem(), &["--sequence-interval", "100"]);
    let server = Server::start(&dir);
    let rt = runtime();
    let chains = [
        pki.chain(0),
        pki.chain(1),
        pki.pre_chain(2, false),
        pki.pre_chain(3, true),
        pki.chain(4),
    ];
    let names: Vec<String> = vec![
        "leaf0.ctkit.test".into(),
        "leaf1.ctkit.test".into(),
        "pre2.ctkit.test".into(),
        "pre3.ctkit.test".into(),
        "leaf4.ctkit.test".into(),
    ];
    rt.block_on(async {
        let client = LogClient::new(&server.url).unwrap();
        for chain in &chains {
            if chain[0] == chains[2][0] || chain[0] == chains[3][0] {
                client.add_pre_chain(chain).await.unwrap();
            } else {
                client.add_chain(chain).await.unwrap();
            }
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while client.get_sth().await.unwrap().head.tree_size < 5 {
            assert!(Instant::now() < deadline, "the tree did not grow");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });

    let key_b64 = {
        let pem = std::fs::read(dir.join("log.pub.pem")).unwrap();
        let der = ctkit::input::read_blocks(&pem).unwrap().remove(0).der;
        ctkit_log::api::encode_b64(&der)
    };
    let list = tmp.path().join("logs.json");
    write_log_list(&list, &dir, &server.url, &key_b64);
    let watch = tmp.path().join("watchlist");
    std::fs::write(&watch, ".ctkit.test\n").unwrap();

    let output = run_until_found(
        certspotter(&list, &watch, &tmp.path().join("state")),
        &names,
        Duration::from_secs(30),
    );
    for (index, name) in names.iter().enumerate() {
        assert!(
            output.contains(&format!("DNS Name = {name}\n")),
            "certspotter did not report {name}:\n{output}"
        );
        assert!(
            output.contains(&format!("Log Entry = {index} @ {}", server.url)),
            "certspotter did not place entry {index}:\n{output}"
        );
    }
    assert!(
        output.contains("Issuer = CN=ctkit test intermediate"),
        "{output}"
    );

    // Guard: with another log's key in the list, certspotter rejects the
    // tree head and reports nothing, so the run above did check signatures.
    let other = support::Pki::new();
    let other_dir = tmp.path().join("other");
    init_log(&other_dir, &other.root_pem(), &[]);
    let other_key = {
        let pem = std::fs::read(other_dir.join("log.pub.pem")).unwrap();
        let der = ctkit::input::read_blocks(&pem).unwrap().remove(0).der;
        ctkit_log::api::encode_b64(&der)
    };
    let wrong = tmp.path().join("wrong-key.json");
    write_log_list(&wrong, &dir, &server.url, &other_key);
    let output = run_until_found(
        certspotter(&wrong, &watch, &tmp.path().join("state-wrong")),
        &names,
        Duration::from_secs(4),
    );
    assert!(!output.contains("DNS Name ="), "{output}");
    assert!(output.to_lowercase().contains("signature"), "{output}");
}
