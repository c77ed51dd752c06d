#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly on broken fixtures"
)]

//! `ctkit verify` on the delivery paths outside the certificate and with
//! `--policy`, on the real files of testdata. Expected results are the
//! manifest's, and the policy verdicts follow the dated rules that
//! crates/ctkit/tests/policy.rs derives from the policy texts.

use std::path::PathBuf;
use std::process::{Command, Output};

fn testdata(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(path)
        .display()
        .to_string()
}

fn ctkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ctkit"))
        .args(args)
        .output()
        .unwrap()
}

/// Wraps one TLS-encoded SCT into a SignedCertificateTimestampList file,
/// as a TLS server would send it.
fn sct_list_file(dir: &std::path::Path, sct: &str) -> String {
    let sct = std::fs::read(testdata(sct)).unwrap();
    let mut serialized = u16::try_from(sct.len()).unwrap().to_be_bytes().to_vec();
    serialized.extend_from_slice(&sct);
    let mut list = u16::try_from(serialized.len())
        .unwrap()
        .to_be_bytes()
        .to_vec();
    list.extend_from_slice(&serialized);
    let path = dir.join("list.bin");
    std::fs::write(&path, list).unwrap();
    path.display().to_string()
}

#[test]
fn tls_scts_verify_as_x509_entries() {
    let tmp = tempfile::tempdir().unwrap();
    for name in ["2018_google-com_symantec-log", "2017_ritter-vg_skydiver"] {
        let list = sct_list_file(tmp.path(), &format!("sct_raw/x509_entry/{name}.sct"));
        let out = ctkit(&[
            "verify",
            &testdata(&format!("sct_raw/x509_entry/{name}.cert.pem")),
            "--issuer",
            &testdata(&format!("sct_raw/x509_entry/{name}.issuer.pem")),
            "--tls-scts",
            &list,
            "--format",
            "json",
        ]);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["tls_scts"][0]["status"], "valid", "{name}: {doc}");
        assert_eq!(doc["tls_scts"].as_array().unwrap().len(), 1, "{name}");
        assert_eq!(out.status.code(), Some(0), "{name}: {doc}");
    }

    // The same SCT against another certificate does not verify.
    let list = sct_list_file(tmp.path(), "sct_raw/x509_entry/2017_ritter-vg_skydiver.sct");
    let out = ctkit(&[
        "verify",
        &testdata("sct_raw/x509_entry/2018_google-com_symantec-log.cert.pem"),
        "--issuer",
        &testdata("sct_raw/x509_entry/2018_google-com_symantec-log.issuer.pem"),
        "--tls-scts",
        &list,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("invalid_signature"));
}

#[test]
fn ocsp_response_for_another_certificate_is_named() {
    // The manifest has no certificate for this response (serial
    // 23bf9a6c...), so any certificate is the wrong one.
    let out = ctkit(&[
        "verify",
        &testdata("seed/le-2018-5c9a7f.pem"),
        "--issuer",
        &testdata("seed/le-x3-issuer.pem"),
        "--ocsp",
        &testdata("sct_raw/ocsp/resp-sct-extension_swisssign-2019.der"),
    ]);
    // The staple is set aside with a note; the embedded SCTs still count.
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("has no SCTs for serial"), "{text}");
    assert!(text.contains("2 of 2 SCTs valid"), "{text}");
}

/// Verifies the ritter.vg certificate with its Skydiver SCT delivered by
/// TLS, in JSON.
fn verify_ritter_over_tls(extra: &[&str]) -> (Option<i32>, serde_json::Value) {
    let tmp = tempfile::tempdir().unwrap();
    let list = sct_list_file(tmp.path(), "sct_raw/x509_entry/2017_ritter-vg_skydiver.sct");
    let cert = testdata("sct_raw/x509_entry/2017_ritter-vg_skydiver.cert.pem");
    let mut args = vec!["verify", &cert, "--tls-scts", &list, "--format", "json"];
    args.extend_from_slice(extra);
    let out = ctkit(&args);
    (
        out.status.code(),
        serde_json::from_slice(&out.stdout).unwrap(),
    )
}

/// SCTs over the whole certificate need no issuer; the embedded ones are
/// then left unverified, with a note.
#[test]
fn tls_scts_verify_without_an_issuer() {
    let (code, doc) = verify_ritter_over_tls(&[]);
    assert_eq!(doc["tls_scts"][0]["status"], "valid", "{doc}");
    assert!(
        doc["note"]
            .as_str()
            .unwrap()
            .contains("embedded SCTs not verified"),
        "{doc}"
    );
    assert_eq!(code, Some(0), "{doc}");
}

/// A log that is no longer usable gives SCTs that do not count when they
/// come by TLS: Skydiver is in no usable state in the compiled-in list.
#[test]
fn delivered_scts_need_a_usable_log() {
    let issuer = testdata("sct_raw/x509_entry/2017_ritter-vg_skydiver.issuer.pem");
    let (_, doc) = verify_ritter_over_tls(&[
        "--issuer",
        &issuer,
        "--policy",
        "chrome",
        "--at",
        "2025-12-13T00:00:00Z",
    ]);
    let delivered = &doc["policy_tls_ocsp"];
    assert_eq!(delivered["compliant"], false, "{doc}");
    let reasons = delivered["reasons"].to_string();
    assert!(reasons.contains("does not count: the log is"), "{reasons}");
    assert!(
        reasons.contains("whatever the certificate's lifetime"),
        "{reasons}"
    );
}

/// A 2016 certificate judged in 2016 by the rules of 2016 (a Google and a
/// non-Google log), and a 2023 one judged after its logs were rejected.
#[test]
fn policy_judges_by_the_rules_and_states_of_the_time() {
    let github = ctkit(&[
        "verify",
        &testdata("certs_embedded_sct/2016_github-com_digicert-ev_3scts.pem"),
        "--issuer",
        &testdata("certs_embedded_sct/2016_github-com_digicert-ev_3scts.issuer.pem"),
        "--policy",
        "chrome",
        "--at",
        "2016-03-11T00:00:00Z",
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&github.stdout).unwrap();
    assert_eq!(doc["policy"]["compliant"], true, "{doc}");
    assert!(
        doc["policy"]["rule"]
            .as_str()
            .unwrap()
            .contains("before 2022-04-15"),
        "{doc}"
    );
    assert_eq!(github.status.code(), Some(0));

    let crates_io = ctkit(&[
        "verify",
        &testdata("certs_embedded_sct/2023_crates-io_amazon-rsa2048-m02_3scts.pem"),
        "--issuer",
        &testdata("certs_embedded_sct/2023_crates-io_amazon-rsa2048-m02_3scts.issuer.pem"),
        "--policy",
        "chrome",
        "--at",
        "2025-12-13T00:00:00Z",
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&crates_io.stdout).unwrap();
    assert_eq!(doc["policy"]["compliant"], false, "{doc}");
    assert!(
        doc["policy"]["rule"]
            .as_str()
            .unwrap()
            .contains("since 2022-04-15"),
        "{doc}"
    );
    assert_eq!(crates_io.status.code(), Some(1));
    // Valid signatures all the same: the policy, not the SCTs, failed.
    assert!(
        doc["scts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["status"] == "valid"),
        "{doc}"
    );
}
