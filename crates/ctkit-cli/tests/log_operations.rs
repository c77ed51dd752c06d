#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly on broken fixtures"
)]

//! What an operator meets around the API: stalled clients, stopping with
//! requests in flight, a second server on the same directory, a public
//! key that does not match, and what `init` writes and rejects.

mod support;

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use support::{Pki, Server, ctkit, init_log};

/// Sets numeric settings in a log's config.json.
fn configure(dir: &Path, settings: &[(&str, u64)]) {
    let path = dir.join("config.json");
    let mut config: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    for (name, value) in settings {
        config[*name] = serde_json::Value::from(*value);
    }
    std::fs::write(&path, serde_json::to_vec_pretty(&config).unwrap()).unwrap();
}

/// Opens a connection and sends an add-chain request whose body stops
/// short of its declared length.
fn stalled_request(url: &str) -> TcpStream {
    let address = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .write_all(
            b"POST /ct/v1/add-chain HTTP/1.1\r\nHost: 127.0.0.1\r\n\
              Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"chain\":",
        )
        .unwrap();
    stream
}

#[test]
fn stalled_request_gets_408() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("log");
    init_log(&dir, &Pki::new().root_pem(), &[]);
    configure(&dir, &[("request_timeout_seconds", 1)]);
    let server = Server::start(&dir);
    let mut stream = stalled_request(&server.url);
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    assert!(
        response.contains("{\"error\":\"the request took longer than 1 s\"}"),
        "{response}"
    );
}

#[test]
fn stop_does_not_wait_forever_for_a_stalled_client() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("log");
    init_log(&dir, &Pki::new().root_pem(), &[]);
    configure(
        &dir,
        &[
            ("request_timeout_seconds", 600),
            ("shutdown_grace_seconds", 1),
        ],
    );
    let server = Server::start(&dir);
    let _stalled = stalled_request(&server.url);
    std::thread::sleep(Duration::from_millis(200));
    let stderr = server.stderr.clone();
    let started = Instant::now();
    let status = server.terminate();
    assert!(status.success(), "{status}");
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "the server took {:?} to stop",
        started.elapsed()
    );
    let log = std::fs::read_to_string(stderr).unwrap();
    assert!(log.contains("stopping"), "{log}");
    assert!(log.contains("requests still in flight"), "{log}");
    assert!(log.contains("log stopped"), "{log}");
}

fn serve_output(dir: &Path) -> std::process::Output {
    let mut command: Command = ctkit();
    command
        .args(["log", "serve"])
        .arg(dir)
        .args(["--listen", "127.0.0.1:0"]);
    // A server that starts would run until killed; these must not start.
    let mut child = command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("the server started");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn serve_rejects_a_second_server_and_foreign_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("log");
    init_log(&dir, &Pki::new().root_pem(), &[]);

    let first = Server::start(&dir);
    let second = serve_output(&dir);
    assert_eq!(second.status.code(), Some(2));
    let message = String::from_utf8_lossy(&second.stderr);
    assert!(
        message.contains("another process is serving the log"),
        "{message}"
    );
    drop(first);

    let other = tmp.path().join("other");
    init_log(&other, &Pki::new().root_pem(), &[]);
    std::fs::copy(other.join("log.pub.pem"), dir.join("log.pub.pem")).unwrap();
    let mismatch = serve_output(&dir);
    assert_eq!(mismatch.status.code(), Some(2));
    let message = String::from_utf8_lossy(&mismatch.stderr);
    assert!(message.contains("is not the public key of"), "{message}");

    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let not_a_log = serve_output(&empty);
    assert_eq!(not_a_log.status.code(), Some(2));
    let message = String::from_utf8_lossy(&not_a_log.stderr);
    assert!(message.contains("is not a log directory"), "{message}");
    assert!(message.contains("ctkit log init"), "{message}");
}

#[test]
fn init_writes_url_and_shard_into_the_log_list() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("log");
    init_log(
        &dir,
        &Pki::new().root_pem(),
        &[
            "--url",
            "https://ct.example.test/2026h1/",
            "--not-after-start",
            "2026-01-01T00:00:00Z",
            "--not-after-limit",
            "2026-07-01T00:00:00Z",
        ],
    );
    let text = std::fs::read(dir.join("log-list.json")).unwrap();
    let list = ctkit::LogList::from_json(&text).unwrap();
    let log = &list.logs()[0];
    assert_eq!(log.url.as_deref(), Some("https://ct.example.test/2026h1/"));
    let ms = |t: &str| ctkit::loglist::parse_rfc3339_ms(t).unwrap();
    assert_eq!(
        log.in_temporal_interval(ms("2026-03-01T00:00:00Z")),
        Some(true)
    );
    assert_eq!(
        log.in_temporal_interval(ms("2026-07-01T00:00:00Z")),
        Some(false)
    );
    assert_eq!(
        log.in_temporal_interval(ms("2025-12-31T23:59:59Z")),
        Some(false)
    );

    // With one end open, the list still parses and bounds that one end.
    let half = tmp.path().join("half");
    init_log(
        &half,
        &Pki::new().root_pem(),
        &["--not-after-limit", "2026-07-01T00:00:00Z"],
    );
    let text = std::fs::read(half.join("log-list.json")).unwrap();
    let list = ctkit::LogList::from_json(&text).unwrap();
    let log = &list.logs()[0];
    assert_eq!(
        log.in_temporal_interval(ms("2001-01-01T00:00:00Z")),
        Some(true)
    );
    assert_eq!(
        log.in_temporal_interval(ms("2026-07-01T00:00:00Z")),
        Some(false)
    );
}

#[test]
fn init_errors_name_the_values_and_flags() {
    let tmp = tempfile::tempdir().unwrap();
    let roots = tmp.path().join("roots.pem");
    std::fs::write(&roots, Pki::new().root_pem()).unwrap();
    let init = |extra: &[&str]| {
        let output = ctkit()
            .args(["log", "init"])
            .arg(tmp.path().join("log"))
            .arg("--roots")
            .arg(&roots)
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{extra:?}");
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let message = init(&["--mmd", "1", "--sequence-interval", "2000"]);
    assert!(message.contains("2000 ms"), "{message}");
    assert!(message.contains("init --mmd"), "{message}");
    let message = init(&["--mmd", "0"]);
    assert!(message.contains("must be at least 1"), "{message}");
    let message = init(&["--not-after-start", "yesterday"]);
    assert!(message.contains("\"yesterday\""), "{message}");
    assert!(message.contains("2026-01-01T00:00:00Z"), "{message}");
    assert!(
        !tmp.path().join("log").exists(),
        "a failed init left a directory"
    );
}
