//! `ctkit log get-sth`, `get-entries` and `prove` as a user runs them,
//! against a local HTTP server that replays real RFC 6962 API responses
//! from testdata/rfc6962_api/ and broken copies of them. Expected values
//! come from those files and testdata/MANIFEST.md.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly on broken fixtures"
)]

#[path = "../../ctkit-log/tests/replay/mod.rs"]
mod replay;

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ctkit::merkle::{inclusion_proof, leaf_hash, root};
use ctkit::x509::CertificateLayout;
use serde_json::{Value, json};

use replay::{
    ARGON2020_LEAF_HASH, ARGON2025H2_SIZE, GOOGLE_LEAF_HASH, GOOGLE_LEAF_INDEX, Reply, Request,
    api_file, api_json, pem_der, testdata,
};

const ARGON2025H2_DESCRIPTION: &str = "Google 'Argon2025h2' log";

// ---------------------------------------------------------------------------
// The replay server and closed ports.

/// Starts a replay server whose handler returns the status and JSON body
/// of each response, and returns its base URL, such as
/// http://127.0.0.1:4321.
fn serve(handler: impl Fn(&Request) -> (u16, Vec<u8>) + Send + Sync + 'static) -> String {
    replay::serve(move |request| {
        let (status, body) = handler(request);
        Reply::Body(status, body)
    })
    .base
}

/// Returns a base URL on which nothing listens: a port that was just
/// bound and released.
fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    drop(listener);
    url
}

/// Runs ctkit with `args(url)` against a closed port. Another test running
/// at the same time may bind the released port, so a run whose port is
/// open again afterwards is repeated with a new port.
fn run_against_closed_port(args: impl Fn(&str) -> Vec<String>) -> (String, Output) {
    for _ in 0..5 {
        let url = closed_port_url();
        let out = ctkit_owned(&args(&url));
        let address = url.trim_start_matches("http://").trim_end_matches('/');
        if out.status.code() == Some(2) || TcpStream::connect(address).is_err() {
            return (url, out);
        }
    }
    panic!("every closed port was taken by another listener");
}

// ---------------------------------------------------------------------------
// Fixtures and running the binary.

fn arg(path: &Path) -> String {
    path.display().to_string()
}

fn ctkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ctkit"))
        .args(args)
        // The test servers are local, so a proxy from the environment must
        // not take the requests elsewhere.
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .output()
        .expect("ctkit runs")
}

fn ctkit_owned(args: &[String]) -> Output {
    ctkit(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

/// Asserts that `text` contains `needle`, and shows both if it does not.
#[track_caller]
fn assert_contains(text: &str, needle: &str) {
    assert!(text.contains(needle), "expected {needle:?} in:\n{text}");
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json_out(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", stdout(out)))
}

fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("log-client-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Returns the Argon2025h2 entry of the real all-logs list.
fn argon2025h2_log() -> Value {
    let list: Value = serde_json::from_slice(
        &std::fs::read(testdata(
            "loglists/google_all_logs_list_v3_78.2_2025-12-13.json",
        ))
        .unwrap(),
    )
    .unwrap();
    list["operators"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|op| op["logs"].as_array().unwrap().iter())
        .find(|log| log["description"] == ARGON2025H2_DESCRIPTION)
        .unwrap()
        .clone()
}

/// Writes a v3 log list with Argon2025h2 at `url`.
fn log_list_for(name: &str, url: &str) -> PathBuf {
    let mut log = argon2025h2_log();
    log["url"] = Value::String(url.to_owned());
    let list = json!({"operators": [{"name": "Google", "email": [], "logs": [log]}]});
    scratch(name, &serde_json::to_vec(&list).unwrap())
}

/// Writes Argon2025h2's public key as PEM.
fn argon2025h2_key_pem(name: &str) -> PathBuf {
    let key = argon2025h2_log()["key"].as_str().unwrap().to_owned();
    let lines: Vec<&str> = key
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    let pem = format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        lines.join("\n")
    );
    scratch(name, pem.as_bytes())
}

/// Reads the SCT timestamp inside the real Argon2025h2 leaf_input (bytes 2
/// to 9 of the MerkleTreeLeaf).
fn google_leaf_timestamp() -> u64 {
    let entries = api_json("argon2025h2_get-entries_precert-google-com.json");
    let leaf = BASE64
        .decode(entries["entries"][0]["leaf_input"].as_str().unwrap())
        .unwrap();
    u64::from_be_bytes(leaf[2..10].try_into().unwrap())
}

fn not_found() -> (u16, Vec<u8>) {
    (404, br#"{"error": "leaf not found"}"#.to_vec())
}

/// Returns the arguments of `ctkit log prove` for the *.google.com
/// certificate `file` (precert.pem or final.pem) and its issuer, against
/// the log at `url`.
fn prove_google_com_args(url: &str, file: &str) -> Vec<String> {
    let dir = "precerts/google-com-2025";
    vec![
        "log".into(),
        "prove".into(),
        url.into(),
        arg(&testdata(&format!("{dir}/{file}"))),
        "--issuer".into(),
        arg(&testdata(&format!("{dir}/issuer-wr2.pem"))),
    ]
}

/// Runs `ctkit log prove` with the arguments from `prove_google_com_args`,
/// followed by `options`.
fn prove_google_com(url: &str, file: &str, options: &[&str]) -> Output {
    let mut args = prove_google_com_args(url, file);
    args.extend(options.iter().map(|option| (*option).to_owned()));
    ctkit_owned(&args)
}

/// Serves Argon2025h2 at the root: the real STH, the real entry for the
/// *.google.com precertificate, and `proof` for its leaf hash only.
fn argon2025h2_server(sth: Value, proof: Value) -> String {
    let sth = serde_json::to_vec(&sth).unwrap();
    let proof = serde_json::to_vec(&proof).unwrap();
    let entries = api_file("argon2025h2_get-entries_precert-google-com.json");
    serve(move |request| {
        let query = |name: &str| request.query.get(name).cloned().unwrap_or_default();
        match request.path.as_str() {
            "/ct/v1/get-sth" => (200, sth.clone()),
            "/ct/v1/get-proof-by-hash"
                if query("hash") == GOOGLE_LEAF_HASH
                    && query("tree_size") == ARGON2025H2_SIZE.to_string() =>
            {
                (200, proof.clone())
            }
            "/ct/v1/get-proof-by-hash" => not_found(),
            "/ct/v1/get-entries" if query("start") == GOOGLE_LEAF_INDEX.to_string() => {
                (200, entries.clone())
            }
            _ => (400, br#"{"error": "unexpected request"}"#.to_vec()),
        }
    })
}

fn real_sth() -> Value {
    api_json("argon2025h2_get-sth_1329315675.json")
}

fn real_proof() -> Value {
    api_json("argon2025h2_get-proof-by-hash_google-com-precert.json")
}

// ---------------------------------------------------------------------------
// get-sth

#[test]
fn get_sth_verifies_with_log_list() {
    let url = argon2025h2_server(real_sth(), real_proof());
    let list = log_list_for("get-sth-list.json", &format!("{url}/"));
    let out = ctkit(&[
        "log",
        "get-sth",
        &url,
        "--log-list",
        &arg(&list),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let doc = json_out(&out);
    let sth = real_sth();
    assert_eq!(doc["tree_size"], sth["tree_size"]);
    assert_eq!(doc["timestamp"], sth["timestamp"]);
    assert_eq!(doc["timestamp_utc"], "2025-07-05T17:57:49.891Z");
    assert_eq!(doc["sha256_root_hash"], sth["sha256_root_hash"]);
    let root = BASE64
        .decode(sth["sha256_root_hash"].as_str().unwrap())
        .unwrap();
    assert_eq!(doc["root_hash_hex"], hex::encode(root));
    assert_eq!(doc["signature"]["status"], "valid");
    assert_eq!(
        doc["signature"]["log_id"],
        "EvFONL1TckyEBhnDjz96E/jntWKHiJxtMAWE6+WGJjo="
    );
}

#[test]
fn get_sth_text_with_key_file() {
    let url = argon2025h2_server(real_sth(), real_proof());
    let key = argon2025h2_key_pem("argon2025h2.pub.pem");
    let out = ctkit(&["log", "get-sth", &url, "--key", &arg(&key)]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let text = stdout(&out);
    assert_contains(&text, "tree size:  1329315675");
    assert_contains(&text, "1751738269891 ms = 2025-07-05T17:57:49.891Z");
    assert_contains(&text, "NEFqldTJt2+wE/aaaQuXeADdWVV8IGbwhLublI7QaMY=");
    assert_contains(&text, "signature:  valid");
}

#[test]
fn get_sth_unknown_log_is_not_checked() {
    // The bundled list has Argon2025h2 at its public URL only.
    let url = argon2025h2_server(real_sth(), real_proof());
    let out = ctkit(&["log", "get-sth", &url, "--format", "json"]);
    // An unchecked tree head could come from anyone, so it is a failed check.
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    assert_contains(&stderr(&out), "the STH signature was not checked");
    let doc = json_out(&out);
    assert_eq!(doc["signature"]["status"], "not_checked");
    assert!(
        doc["signature"]["detail"]
            .as_str()
            .unwrap()
            .contains("no log in the compiled-in log list has the URL"),
        "{doc}"
    );
}

#[test]
fn get_sth_bad_signature_exits_one() {
    let mut sth = real_sth();
    let mut signature = BASE64
        .decode(sth["tree_head_signature"].as_str().unwrap())
        .unwrap();
    let last = signature.len() - 1;
    signature[last] ^= 0x01;
    sth["tree_head_signature"] = Value::String(BASE64.encode(&signature));
    let url = argon2025h2_server(sth, real_proof());
    let list = log_list_for("bad-sig-list.json", &url);
    let out = ctkit(&["log", "get-sth", &url, "--log-list", &arg(&list)]);
    assert_eq!(out.status.code(), Some(1), "stdout: {}", stdout(&out));
    assert_contains(&stdout(&out), "signature:  INVALID");
    assert_contains(&stderr(&out), "the STH signature is not valid");
}

#[test]
fn get_sth_changed_root_exits_one() {
    let mut sth = real_sth();
    sth["sha256_root_hash"] = Value::String(BASE64.encode([0u8; 32]));
    let url = argon2025h2_server(sth, real_proof());
    let key = argon2025h2_key_pem("changed-root.pub.pem");
    let out = ctkit(&["log", "get-sth", &url, "--key", &arg(&key)]);
    assert_eq!(out.status.code(), Some(1), "stdout: {}", stdout(&out));
}

#[test]
fn get_sth_unreachable_exits_two() {
    let (url, out) = run_against_closed_port(|url| {
        ["log", "get-sth", url, "--format", "json"]
            .map(String::from)
            .to_vec()
    });
    assert_eq!(out.status.code(), Some(2), "stdout: {}", stdout(&out));
    let message = stderr(&out);
    assert!(
        message.starts_with("ctkit: get-sth: request to "),
        "{message}"
    );
    assert_contains(&message, url.trim_end_matches('/'));
    assert_contains(&message.to_lowercase(), "refused");
    assert!(json_out(&out)["error"].as_str().is_some());
}

#[test]
fn get_sth_invalid_url_exits_two() {
    let out = ctkit(&["log", "get-sth", "ftp://127.0.0.1/log"]);
    assert_eq!(out.status.code(), Some(2));
    assert_contains(&stderr(&out), "the scheme must be http or https");
}

#[test]
fn get_sth_rejects_certificate_as_key() {
    let url = argon2025h2_server(real_sth(), real_proof());
    let cert = testdata("precerts/google-com-2025/issuer-wr2.pem");
    let out = ctkit(&["log", "get-sth", &url, "--key", &arg(&cert)]);
    assert_eq!(out.status.code(), Some(2));
    assert_contains(&stderr(&out), "labelled \"CERTIFICATE\", not PUBLIC KEY");
}

#[test]
fn get_sth_http_error_shows_log_message() {
    let url = serve(|_| (503, br#"{"error": "log is read-only"}"#.to_vec()));
    let out = ctkit(&["log", "get-sth", &url]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim(),
        "ctkit: get-sth: the log returned HTTP 503 Service Unavailable: log is read-only"
    );
}

#[test]
fn get_sth_short_hash_exits_one() {
    let mut sth = real_sth();
    sth["sha256_root_hash"] = Value::String(BASE64.encode([1u8; 20]));
    let url = argon2025h2_server(sth, real_proof());
    let out = ctkit(&["log", "get-sth", &url]);
    assert_eq!(out.status.code(), Some(1));
    assert_contains(
        &stderr(&out),
        "sha256_root_hash: 20 bytes, not a 32-byte hash",
    );
}

// ---------------------------------------------------------------------------
// prove

#[test]
fn prove_precert_with_timestamp() {
    let url = argon2025h2_server(real_sth(), real_proof());
    let list = log_list_for("prove-list.json", &url);
    let timestamp = google_leaf_timestamp().to_string();
    let out = prove_google_com(
        &url,
        "precert.pem",
        &["--timestamp", &timestamp, "--log-list", &arg(&list)],
    );
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let text = stdout(&out);
    assert_contains(&text, "leaf:       precert_entry");
    assert_contains(&text, &format!("leaf hash:  {GOOGLE_LEAF_HASH}"));
    assert_contains(
        &text,
        "found:      leaf index 912557348, tree size 1329315675",
    );
    assert_contains(&text, "signature:  valid");
    assert_contains(&text, "inclusion:  verified");
}

#[test]
fn prove_final_cert_tries_embedded_scts() {
    let url = argon2025h2_server(real_sth(), real_proof());
    let out = prove_google_com(&url, "final.pem", &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let doc = json_out(&out);
    assert_eq!(doc["inclusion"], "verified");
    assert_eq!(doc["leaf_index"], GOOGLE_LEAF_INDEX);
    // The server's URL is in no log list, but the embedded SCT's log ID
    // names Argon2025h2 in the compiled-in list, whose key signed the STH.
    assert_eq!(doc["sth"]["signature"]["status"], "valid");
    let found: Vec<&Value> = doc["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["result"] == "found")
        .collect();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["leaf_hash"], GOOGLE_LEAF_HASH);
    assert_eq!(found[0]["entry_type"], "precert_entry");
    assert!(
        found[0]["source"]
            .as_str()
            .unwrap()
            .contains("EvFONL1TckyEBhnDjz96E/jntWKHiJxtMAWE6+WGJjo="),
        "{doc}"
    );
}

#[test]
fn prove_tampered_proof_exits_one() {
    let mut proof = real_proof();
    let mut node = BASE64
        .decode(proof["audit_path"][12].as_str().unwrap())
        .unwrap();
    node[0] ^= 0x80;
    proof["audit_path"][12] = Value::String(BASE64.encode(&node));
    let url = argon2025h2_server(real_sth(), proof);
    let out = prove_google_com(
        &url,
        "precert.pem",
        &["--timestamp", &google_leaf_timestamp().to_string()],
    );
    assert_eq!(out.status.code(), Some(1), "stdout: {}", stdout(&out));
    assert_contains(&stdout(&out), "inclusion:  FAILED");
    assert_contains(
        &stderr(&out),
        "does not verify: the proof does not lead to the expected root hash",
    );
}

#[test]
fn prove_tampered_leaf_index_exits_one() {
    let mut proof = real_proof();
    proof["leaf_index"] = Value::from(GOOGLE_LEAF_INDEX + 1);
    let url = argon2025h2_server(real_sth(), proof);
    let out = prove_google_com(&url, "final.pem", &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json_out(&out)["inclusion"], "failed");
}

#[test]
fn prove_wrong_timestamp_is_not_found() {
    let url = argon2025h2_server(real_sth(), real_proof());
    let timestamp = (google_leaf_timestamp() + 1).to_string();
    let out = prove_google_com(&url, "precert.pem", &["--timestamp", &timestamp]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let text = stdout(&out);
    assert_contains(
        &text,
        "not in the log: get-proof-by-hash: the log returned HTTP 404 Not Found: leaf not found",
    );
    assert_contains(&text, "inclusion:  not found");
    assert_contains(&stderr(&out), "the log does not contain");
}

#[test]
fn prove_bad_sth_signature_stops() {
    let mut sth = real_sth();
    sth["timestamp"] = Value::from(sth["timestamp"].as_u64().unwrap() + 1);
    let url = argon2025h2_server(sth, real_proof());
    let key = argon2025h2_key_pem("prove-bad-sth.pub.pem");
    let out = prove_google_com(
        &url,
        "final.pem",
        &["--key", &arg(&key), "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1));
    let doc = json_out(&out);
    assert_eq!(doc["sth"]["signature"]["status"], "invalid");
    assert_eq!(doc["inclusion"], "not_checked");
    assert_eq!(doc["attempts"].as_array().unwrap().len(), 0);
}

#[test]
fn prove_precert_without_issuer_exits_two() {
    let out = ctkit(&[
        "log",
        "prove",
        &closed_port_url(),
        &arg(&testdata("precerts/google-com-2025/precert.pem")),
        "--timestamp",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_contains(&stderr(&out), "pass --issuer");
}

#[test]
fn prove_precert_without_timestamp_exits_two() {
    let out = prove_google_com(&closed_port_url(), "precert.pem", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert_contains(&stderr(&out), "--timestamp MS or --sct FILE");
}

#[test]
fn prove_unreachable_exits_two() {
    let (_, out) = run_against_closed_port(|url| prove_google_com_args(url, "final.pem"));
    assert_eq!(out.status.code(), Some(2), "stdout: {}", stdout(&out));
    assert_contains(&stderr(&out).to_lowercase(), "refused");
}

/// Builds a five-leaf tree whose third leaf is the x509_entry of the CT
/// test certificate with the timestamp of its derived add-chain SCT, and
/// serves it with an unsigned STH.
#[test]
fn prove_x509_entry_with_sct_file() {
    let sct_path = testdata("rfc6962_api/DERIVED_add-chain_response_ct-test-log_test-cert.json");
    let sct: Value = serde_json::from_slice(&std::fs::read(&sct_path).unwrap()).unwrap();
    let certificate = pem_der("sct_raw/ct-test/test-cert.pem");
    let mut leaf_input = vec![0, 0];
    leaf_input.extend_from_slice(&sct["timestamp"].as_u64().unwrap().to_be_bytes());
    leaf_input.extend_from_slice(&[0, 0]);
    leaf_input.extend_from_slice(&u32::try_from(certificate.len()).unwrap().to_be_bytes()[1..]);
    leaf_input.extend_from_slice(&certificate);
    leaf_input.extend_from_slice(&[0, 0]);
    let leaves = vec![
        leaf_hash(b"first"),
        leaf_hash(b"second"),
        leaf_hash(&leaf_input),
        leaf_hash(b"fourth"),
        leaf_hash(b"fifth"),
    ];
    let target = BASE64.encode(leaves[2]);
    let sth = json!({
        "tree_size": 5,
        "timestamp": 1_700_000_000_000u64,
        "sha256_root_hash": BASE64.encode(root(&leaves)),
        // sha256 and ecdsa, with an empty signature: no key is known.
        "tree_head_signature": BASE64.encode([4, 3, 0, 0]),
    });
    let proof = json!({
        "leaf_index": 2,
        "audit_path": inclusion_proof(&leaves, 2).unwrap().iter().map(|h| BASE64.encode(h)).collect::<Vec<_>>(),
    });
    let url = serve(move |request| match request.path.as_str() {
        "/ct/v1/get-sth" => (200, serde_json::to_vec(&sth).unwrap()),
        "/ct/v1/get-proof-by-hash" if request.query.get("hash") == Some(&target) => {
            (200, serde_json::to_vec(&proof).unwrap())
        }
        _ => not_found(),
    });
    let out = ctkit(&[
        "log",
        "prove",
        &url,
        &arg(&testdata("sct_raw/ct-test/test-cert.pem")),
        "--sct",
        &arg(&sct_path),
        "--format",
        "json",
    ]);
    // The tree head is unsigned, so the verified proof still ends in exit 1.
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let doc = json_out(&out);
    assert_eq!(doc["inclusion"], "verified");
    assert_eq!(doc["sth"]["signature"]["status"], "not_checked");
    assert_eq!(doc["leaf_index"], 2);
    assert_eq!(doc["attempts"][0]["entry_type"], "x509_entry");
    assert_eq!(
        doc["attempts"][0]["timestamp_utc"],
        "2013-04-05T17:04:16.089Z"
    );
}

// ---------------------------------------------------------------------------
// get-entries

/// Serves the real Argon2020 entry 10000 and Argon2025h2 entry for the
/// *.google.com precertificate, one per request.
fn entries_server() -> String {
    let argon2020 = api_file("argon2020_get-entries_10000-10000.json");
    let google = api_file("argon2025h2_get-entries_precert-google-com.json");
    serve(
        move |request| match request.query.get("start").map(String::as_str) {
            Some("10000") => (200, argon2020.clone()),
            Some("10001") => (200, google.clone()),
            _ => (400, br#"{"error": "start is beyond the tree"}"#.to_vec()),
        },
    )
}

#[test]
fn get_entries_decodes_real_entries() {
    let url = entries_server();
    let out = ctkit(&[
        "log",
        "get-entries",
        &url,
        "10000",
        "10001",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let doc = json_out(&out);
    let entries = doc["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);

    let x509 = &entries[0];
    assert_eq!(x509["index"], 10000);
    assert_eq!(x509["entry_type"], "x509_entry");
    assert_eq!(x509["timestamp_utc"], "2017-09-18T12:31:01.715Z");
    assert_eq!(x509["leaf_hash"], ARGON2020_LEAF_HASH);
    let subject = x509["subject"].as_str().unwrap();
    assert_contains(subject, "CN=*.landlords.com.au");
    assert_contains(subject, "OU=PositiveSSL Wildcard");
    assert!(x509["issuer_key_hash"].is_null());
    assert!(x509["errors"].as_array().unwrap().is_empty());

    let precert = &entries[1];
    assert_eq!(precert["index"], 10001);
    assert_eq!(precert["entry_type"], "precert_entry");
    assert_eq!(precert["leaf_hash"], GOOGLE_LEAF_HASH);
    assert_eq!(precert["subject"], "CN=*.google.com");
    let issuer = pem_der("precerts/google-com-2025/issuer-wr2.pem");
    assert_eq!(
        precert["issuer_key_hash"],
        hex::encode(CertificateLayout::parse(&issuer).unwrap().key_hash())
    );
    assert_eq!(precert["timestamp"], google_leaf_timestamp());
}

#[test]
fn get_entries_text_and_chain_length() {
    let url = entries_server();
    let out = ctkit(&["log", "get-entries", &url, "10001", "10001"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("entry 10001\n"), "{text}");
    assert_contains(&text, "  type:            precert_entry");
    assert_contains(&text, "  subject:         CN=*.google.com");

    // The chain after the precertificate in the real extra_data.
    let entries = api_json("argon2025h2_get-entries_precert-google-com.json");
    let extra = BASE64
        .decode(entries["entries"][0]["extra_data"].as_str().unwrap())
        .unwrap();
    let chain = match ctkit::entry::ExtraData::decode(true, &extra).unwrap() {
        ctkit::entry::ExtraData::Precert { chain, .. } => chain.len(),
        other => panic!("expected a PrecertChainEntry, got {other:?}"),
    };
    assert_contains(
        &text,
        &format!("  chain:           {chain} certificates in extra_data"),
    );
}

#[test]
fn get_entries_follows_short_pages() {
    let entry = api_json("argon2020_get-entries_10000-10000.json")["entries"][0].clone();
    let url = serve(move |request| {
        let start: u64 = request.query["start"].parse().unwrap();
        if start > 4 {
            return (400, br#"{"error": "start is beyond the tree"}"#.to_vec());
        }
        // One entry per request, fewer than asked.
        (
            200,
            serde_json::to_vec(&json!({ "entries": [entry] })).unwrap(),
        )
    });
    let out = ctkit(&["log", "get-entries", &url, "2", "4", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let doc = json_out(&out);
    let indices: Vec<u64> = doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["index"].as_u64().unwrap())
        .collect();
    assert_eq!(indices, [2, 3, 4]);
}

#[test]
fn get_entries_malformed_leaf_exits_one_after_printing() {
    let good = api_json("argon2020_get-entries_10000-10000.json")["entries"][0].clone();
    let leaf = BASE64.decode(good["leaf_input"].as_str().unwrap()).unwrap();
    let mut bad = good.clone();
    // Cut the certificate short: its 3-byte length at offset 12 now runs
    // past the end.
    bad["leaf_input"] = Value::String(BASE64.encode(&leaf[..100]));
    let body = serde_json::to_vec(&json!({ "entries": [good, bad] })).unwrap();
    let url = serve(move |_| (200, body.clone()));
    let out = ctkit(&["log", "get-entries", &url, "0", "1"]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let text = stdout(&out);
    assert_contains(&text, "entry 0\n  type:            x509_entry");
    assert!(
        text.contains("entry 1\n  leaf hash:"),
        "entry 1 must show no decoded fields: {text}"
    );
    assert_contains(
        &text,
        "error:           leaf_input: MerkleTreeLeaf: ASN.1Cert: truncated",
    );
    assert_contains(&text, "at byte 12 (0xc)");
    assert_contains(&stderr(&out), "1 of 2 entries do not decode");
}

#[test]
fn get_entries_malformed_extra_data_exits_one() {
    let mut entry = api_json("argon2020_get-entries_10000-10000.json")["entries"][0].clone();
    entry["extra_data"] = Value::String(BASE64.encode([0, 0, 9, 0, 0, 1]));
    let body = serde_json::to_vec(&json!({ "entries": [entry] })).unwrap();
    let url = serve(move |_| (200, body.clone()));
    let out = ctkit(&["log", "get-entries", &url, "0", "0", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json_out(&out);
    let entry = &doc["entries"][0];
    assert_eq!(entry["entry_type"], "x509_entry");
    let error = entry["errors"][0].as_str().unwrap();
    assert!(error.starts_with("extra_data: extra_data: "), "{error}");
    assert_contains(error, "at byte");
}

#[test]
fn get_entries_stops_on_server_error() {
    let entry = api_json("argon2020_get-entries_10000-10000.json")["entries"][0].clone();
    let url = serve(move |request| {
        if request.query["start"] == "0" {
            (
                200,
                serde_json::to_vec(&json!({ "entries": [entry] })).unwrap(),
            )
        } else {
            (400, br#"{"error": "start is beyond the tree"}"#.to_vec())
        }
    });
    let out = ctkit(&["log", "get-entries", &url, "0", "5", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let doc = json_out(&out);
    assert_eq!(doc["entries"].as_array().unwrap().len(), 1);
    assert_eq!(
        doc["error"],
        "get-entries: the log returned HTTP 400 Bad Request: start is beyond the tree"
    );
    assert_contains(&stderr(&out), "(entries fetched: 1)");
}

#[test]
fn get_entries_reversed_range_exits_two() {
    let out = ctkit(&["log", "get-entries", &closed_port_url(), "5", "4"]);
    assert_eq!(out.status.code(), Some(2));
    assert_contains(&stderr(&out), "START 5 is after END 4");
}

/// Serves a one-leaf tree whose leaf is `leaf_input`, with an unsigned STH.
fn one_leaf_server(leaf_input: &[u8]) -> String {
    let hash = leaf_hash(leaf_input);
    let target = BASE64.encode(hash);
    let sth = json!({
        "tree_size": 1,
        "timestamp": 1_700_000_000_000u64,
        "sha256_root_hash": target,
        "tree_head_signature": BASE64.encode([4, 3, 0, 0]),
    });
    serve(move |request| match request.path.as_str() {
        "/ct/v1/get-sth" => (200, serde_json::to_vec(&sth).unwrap()),
        "/ct/v1/get-proof-by-hash" if request.query.get("hash") == Some(&target) => (
            200,
            serde_json::to_vec(&json!({"leaf_index": 0, "audit_path": []})).unwrap(),
        ),
        _ => not_found(),
    })
}

/// A precertificate signed by a Precertificate Signing Certificate: the
/// entry has the TBS rewritten to the final issuer and that issuer's key
/// hash, both as the manifest gives them.
#[test]
fn prove_precert_from_precert_signing_certificate() {
    let dir = "precerts/google-merge-delay-preissuer-2018";
    let precert = pem_der(&format!("{dir}/precert.pem"));
    let signer = pem_der(&format!("{dir}/precert-signing-cert.pem"));
    let layout = CertificateLayout::parse(&precert).unwrap();
    let tbs = layout.precert_tbs_with_preissuer(&CertificateLayout::parse(&signer).unwrap());
    assert_eq!(
        hex::encode(ctkit::x509::sha256(&tbs)),
        "47f7279d3fc4a1b834aee7f7049a5c344bb60ab7c30b46a9e170d06ac6e7ffc9"
    );
    let issuer_key_hash =
        hex::decode("e37689003073a0c649cc656de946c03174d25c566fe3c3805b846f5236943798").unwrap();
    let timestamp: u64 = 1_519_231_704_000;
    let mut leaf_input = vec![0, 0];
    leaf_input.extend_from_slice(&timestamp.to_be_bytes());
    leaf_input.extend_from_slice(&[0, 1]);
    leaf_input.extend_from_slice(&issuer_key_hash);
    leaf_input.extend_from_slice(&u32::try_from(tbs.len()).unwrap().to_be_bytes()[1..]);
    leaf_input.extend_from_slice(&tbs);
    leaf_input.extend_from_slice(&[0, 0]);
    let url = one_leaf_server(&leaf_input);

    // The issuer chain: the signing certificate, then the CA after it.
    let mut chain = std::fs::read(testdata(&format!("{dir}/precert-signing-cert.pem"))).unwrap();
    chain.extend(std::fs::read(testdata(&format!("{dir}/intermediate.pem"))).unwrap());
    let chain = scratch("preissuer-chain.pem", &chain);
    let precert_file = arg(&testdata(&format!("{dir}/precert.pem")));
    let timestamp = timestamp.to_string();
    let prove_with_issuer = |issuer: &Path| {
        ctkit(&[
            "log",
            "prove",
            &url,
            &precert_file,
            "--issuer",
            &arg(issuer),
            "--timestamp",
            &timestamp,
        ])
    };
    let out = prove_with_issuer(&chain);
    // The mock's tree head is unsigned, so the verified proof still ends
    // in exit 1.
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    assert_contains(&stdout(&out), "inclusion:  verified");
    assert_contains(&stderr(&out), "the STH signature was not checked");

    // Without the CA after the signing certificate, the entry cannot be built.
    let out = prove_with_issuer(&testdata(&format!("{dir}/precert-signing-cert.pem")));
    assert_eq!(out.status.code(), Some(2));
    assert_contains(&stderr(&out), "is a Precertificate Signing Certificate");
}

/// The issuer may follow the certificate in the same PEM file.
#[test]
fn prove_takes_issuer_from_same_pem() {
    let mut pem = std::fs::read(testdata("precerts/google-com-2025/final.pem")).unwrap();
    pem.extend(std::fs::read(testdata("precerts/google-com-2025/issuer-wr2.pem")).unwrap());
    let bundle = scratch("final-with-issuer.pem", &pem);
    let url = argon2025h2_server(real_sth(), real_proof());
    let out = ctkit(&["log", "prove", &url, &arg(&bundle)]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_contains(&stdout(&out), "inclusion:  verified");
}

/// A rate-limited lookup is an error that ends the search, not a leaf the
/// log lacks.
#[test]
fn prove_rate_limit_is_not_not_found() {
    let sth = serde_json::to_vec(&real_sth()).unwrap();
    let url = serve(move |request| match request.path.as_str() {
        "/ct/v1/get-sth" => (200, sth.clone()),
        _ => (429, br#"{"error": "slow down"}"#.to_vec()),
    });
    let out = prove_google_com(&url, "final.pem", &["--format", "json"]);
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
    let doc = json_out(&out);
    assert_eq!(doc["attempts"][0]["result"], "error");
    assert_eq!(doc["attempts"].as_array().unwrap().len(), 1);
    assert_contains(&stderr(&out), "HTTP 429 Too Many Requests: slow down");
}
