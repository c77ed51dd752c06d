//! The `ctkit` command as a user runs it: exit codes, JSON fields and error
//! messages, on the repository's fixtures and on broken copies of them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test fails loudly on a broken fixture"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn testdata(rel: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(rel);
    assert!(path.exists(), "missing fixture {}", path.display());
    path
}

fn ctkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ctkit"))
        .args(args)
        .output()
        .expect("ctkit runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Writes a scratch file under the target directory, unique per test.
fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-tests");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("scratch file");
    path
}

fn seed() -> String {
    testdata("seed/le-2018-5c9a7f.pem").display().to_string()
}

fn seed_issuer() -> String {
    testdata("seed/le-x3-issuer.pem").display().to_string()
}

fn pem_to_der(pem: &Path) -> Vec<u8> {
    let data = std::fs::read(pem).expect("read");
    ctkit::input::read_blocks(&data).expect("PEM").remove(0).der
}

#[test]
fn verify_seed_exits_zero_with_json() {
    let out = ctkit(&[
        "verify",
        &seed(),
        "--issuer",
        &seed_issuer(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let scts = doc["scts"].as_array().expect("scts");
    assert_eq!(scts.len(), 2);
    assert_eq!(scts[0]["index"], 0);
    assert_eq!(
        scts[0]["log_id"],
        "23Sv7ssp7LH+yj5xbSzluaq7NveEcYPHXZ1PN7Yfv2Q="
    );
    assert_eq!(scts[0]["log_name"], "Cloudflare 'Nimbus2018' Log");
    assert_eq!(scts[0]["operator"], "Cloudflare");
    assert_eq!(scts[0]["timestamp"], 1_522_349_107_993u64);
    assert_eq!(scts[0]["status"], "valid");
    assert_eq!(
        scts[1]["log_id"],
        "KTxRllTIOWW6qlD8WAfUt2+/WHopctykwwz05UVH9Hg="
    );
    assert_eq!(scts[1]["log_name"], "Google 'Icarus' log");
    assert_eq!(scts[1]["status"], "valid");
    assert_eq!(
        doc["certificate"]["subject"],
        "CN=5c9a7f.le-test.hoffman-andrews.com"
    );
}

#[test]
fn verify_takes_issuer_from_same_pem() {
    let mut chain = std::fs::read(seed()).expect("seed");
    chain.extend(std::fs::read(seed_issuer()).expect("issuer"));
    let path = scratch("seed-chain.pem", &chain);
    let out = ctkit(&["verify", path.to_str().expect("UTF-8")]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert!(
        stdout(&out).contains("result: 2 of 2 SCTs valid"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn verify_wrong_issuer_explains_failure() {
    let mut chain = std::fs::read(seed()).expect("seed");
    chain.extend(std::fs::read(testdata("precerts/ct-test/ca-cert.pem")).expect("wrong issuer"));
    chain.extend(std::fs::read(seed_issuer()).expect("issuer"));
    let path = scratch("seed-wrong-issuer.pem", &chain);
    let out = ctkit(&["verify", path.to_str().expect("UTF-8"), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let sct = &doc["scts"][0];
    assert_eq!(sct["status"], "invalid_signature");
    // SHA-256 of the CT test CA's SubjectPublicKeyInfo (testdata/cases/README.md).
    assert_eq!(
        sct["diagnostics"]["issuer_key_hash"],
        "02adddca08b8bf9861f035940c940156d8350fdff899a6239c6bd77255b8f8fc"
    );
    let alternatives = sct["diagnostics"]["would_verify_with"]
        .as_array()
        .expect("array");
    assert_eq!(alternatives.len(), 1);
    assert!(
        alternatives[0]
            .as_str()
            .expect("text")
            .starts_with("certificate #3 of"),
        "{alternatives:?}"
    );
}

#[test]
fn verify_unknown_log_exits_one() {
    let list = testdata("loglists/ct_test_logs_v3.json");
    let out = ctkit(&[
        "verify",
        &seed(),
        "--issuer",
        &seed_issuer(),
        "--log-list",
        list.to_str().expect("UTF-8"),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["scts"][0]["status"], "unknown_log");
    assert_eq!(doc["scts"][1]["status"], "unknown_log");
}

#[test]
fn verify_without_issuer_is_unusable() {
    let out = ctkit(&["verify", &seed()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no issuer"), "{}", stderr(&out));
}

#[test]
fn verify_rejects_invalid_log_list() {
    let bad = scratch(
        "bad-list.json",
        br#"{"operators": [{"name": "x", "logs": [{"log_id": "AAAA", "key": "AAAA"}]}]}"#,
    );
    let out = ctkit(&[
        "verify",
        &seed(),
        "--issuer",
        &seed_issuer(),
        "--log-list",
        bad.to_str().expect("UTF-8"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("log_id must be 32 bytes"),
        "{}",
        stderr(&out)
    );

    let garbage = scratch("garbage-list.json", b"not json");
    let out = ctkit(&[
        "verify",
        &seed(),
        "--issuer",
        &seed_issuer(),
        "--log-list",
        garbage.to_str().expect("UTF-8"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("invalid log list JSON"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn verify_future_timestamp_with_at() {
    let out = ctkit(&[
        "verify",
        &seed(),
        "--issuer",
        &seed_issuer(),
        "--at",
        "2018-01-01T00:00:00Z",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["scts"][0]["status"], "future_timestamp");
}

#[test]
fn verify_unsupported_version_and_hash() {
    let out = ctkit(&[
        "verify",
        testdata("malformed_lint/pyca_invalid-sct-version.pem")
            .to_str()
            .expect("UTF-8"),
        "--issuer",
        testdata("malformed_lint/pyca_invalid-sct-version.issuer.pem")
            .to_str()
            .expect("UTF-8"),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["scts"][0]["status"], "unsupported_version");
    assert_eq!(doc["scts"][1]["status"], "invalid_signature");

    let out = ctkit(&[
        "verify",
        testdata("malformed_lint/pyca_badssl-sct-none-hash.pem")
            .to_str()
            .expect("UTF-8"),
        "--issuer",
        testdata("malformed_lint/pyca_badssl-sct-none-hash.issuer.pem")
            .to_str()
            .expect("UTF-8"),
        "--log-list",
        testdata("loglists/google_all_logs_list_v3_78.2_2025-12-13.json")
            .to_str()
            .expect("UTF-8"),
        "--format",
        "json",
    ]);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    // Symantec Deneb is a test log missing from Google's lists.
    let status = doc["scts"][0]["status"].as_str().expect("status");
    assert!(
        status == "unsupported_algorithm" || status == "unknown_log",
        "{status}"
    );
}

#[test]
fn verify_many_files_in_parallel() {
    let files: Vec<String> = std::fs::read_dir(testdata("certs_embedded_sct"))
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            name.ends_with(".pem") && !name.ends_with(".issuer.pem") && !name.contains("unknownlog")
        })
        .map(|p| {
            let mut chain = std::fs::read(&p).expect("leaf");
            chain.extend(std::fs::read(p.with_extension("issuer.pem")).expect("issuer"));
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .expect("name")
                .to_owned();
            scratch(&format!("chain-{name}"), &chain)
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(files.len(), 36);
    let mut args = vec!["verify", "--jobs", "2", "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    let out = ctkit(&args);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 36);
    for (line, file) in lines.iter().zip(&files) {
        assert_eq!(
            line["file"].as_str(),
            Some(file.as_str()),
            "output keeps input order"
        );
    }
}

#[test]
fn inspect_seed_shows_layers() {
    let out = ctkit(&["inspect", &seed()]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let text = stdout(&out);
    for needle in [
        "1063 extnValue [04 81 f5]: OCTET STRING, length 245 (long form: 0x81 says 1 length byte follows: 0xf5)",
        "SignedCertificateTimestampList [00 f0]: 240 bytes",
        "SerializedSCT #1 [00 75]: 117 bytes",
        "SerializedSCT #2 [00 77]: 119 bytes",
        "critical: absent, so FALSE",
        "timestamp: 1522349107993 ms = 2018-03-29T18:45:07.993Z",
        "a leading 0x00 keeps it positive",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
}

#[test]
fn inspect_json_has_node_fields() {
    let out = ctkit(&["inspect", &seed(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let root = &doc["objects"][0]["tree"][0];
    for key in [
        "name", "offset", "length", "header", "value", "spec", "children",
    ] {
        assert!(root.get(key).is_some(), "node lacks {key}");
    }
    assert_eq!(root["name"], "Certificate");
    assert_eq!(root["header"], "3082062f");
}

#[test]
fn inspect_reads_der_from_stdin() {
    let der = pem_to_der(&testdata("seed/le-2018-5c9a7f.pem"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_ctkit"))
        .args(["inspect", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    std::io::Write::write_all(child.stdin.as_mut().expect("stdin"), &der).expect("write");
    drop(child.stdin.take());
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("Object #1 (DER)"));
}

#[test]
fn inspect_truncated_list_reports_layer_and_offset() {
    let out = ctkit(&[
        "inspect",
        testdata("malformed_lint/pkilint_bad_sct_length.pem")
            .to_str()
            .expect("UTF-8"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert!(
        text.contains("SignedCertificateTimestampList OCTET STRING"),
        "{text}"
    );
    assert!(
        stderr(&out).contains(
            "SignedCertificateTimestampList: list length: truncated: needs 359 bytes, 358 remain"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn inspect_unknown_version_keeps_decoding() {
    let out = ctkit(&[
        "inspect",
        testdata("malformed_lint/pyca_invalid-sct-version.pem")
            .to_str()
            .expect("UTF-8"),
    ]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("version: unknown (1)"), "{text}");
    assert!(text.contains("SerializedSCT #2"), "{text}");
}

#[test]
fn inspect_rejects_ber_length() {
    // Re-encode the extnValue length 0x81 0xf5 as 0x82 0x00 0xf5: BER, not DER.
    let der = pem_to_der(&testdata("seed/le-2018-5c9a7f.pem"));
    let at = 1063;
    assert_eq!(&der[at..at + 3], [0x04, 0x81, 0xf5]);
    let mut ber = der[..at].to_vec();
    ber.extend_from_slice(&[0x04, 0x82, 0x00, 0xf5]);
    ber.extend_from_slice(&der[at + 3..]);
    // The enclosing lengths grow by one byte: Certificate, tbsCertificate,
    // [3], Extensions and the Extension SEQUENCE all use 2-byte long form.
    for offset in [2usize, 6, 499, 503, 1049] {
        let len = u16::from_be_bytes([ber[offset], ber[offset + 1]]) + 1;
        ber[offset..offset + 2].copy_from_slice(&len.to_be_bytes());
    }
    let path = scratch("ber-length.der", &ber);
    let out = ctkit(&["inspect", path.to_str().expect("UTF-8")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("length is not minimally encoded, as DER requires, at byte 1064"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn inspect_garbage_fails_cleanly() {
    for (name, bytes) in [
        ("empty", &b""[..]),
        ("text", &b"hello world"[..]),
        ("sequence", &[0x30, 0x82, 0xff, 0xff, 0x00][..]),
        (
            "pem-broken",
            &b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"[..],
        ),
    ] {
        let path = scratch(&format!("garbage-{name}"), bytes);
        let out = ctkit(&["inspect", path.to_str().expect("UTF-8")]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(
            stderr(&out).starts_with("ctkit: "),
            "{name}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn inspect_names_logs_from_list() {
    let out = ctkit(&["inspect", &seed()]);
    let text = stdout(&out);
    assert!(
        text.contains("id: 23Sv7ssp7LH+yj5xbSzluaq7NveEcYPHXZ1PN7Yfv2Q=: Cloudflare 'Nimbus2018' Log, operated by Cloudflare"),
        "{text}"
    );
    let list = testdata("loglists/ct_test_logs_v3.json");
    let out = ctkit(&[
        "inspect",
        &seed(),
        "--log-list",
        list.to_str().expect("UTF-8"),
    ]);
    assert!(
        stdout(&out).contains("KTxRllTIOWW6qlD8WAfUt2+/WHopctykwwz05UVH9Hg=: not in the log list")
    );
}

#[test]
fn inspect_precert_explains_poison() {
    let out = ctkit(&[
        "inspect",
        testdata("precerts/ct-test/test-embedded-pre-cert.pem")
            .to_str()
            .expect("UTF-8"),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.contains("extnID [06 0a]: 1.3.6.1.4.1.11129.2.4.3 (precertificate poison)"),
        "{text}"
    );
    assert!(text.contains("critical [01 01]: TRUE"), "{text}");
    assert!(
        text.contains("NULL [05 00]: ASN.1 NULL: this is a precertificate"),
        "{text}"
    );
    assert!(text.contains("precertificate:      yes"), "{text}");
}

#[test]
fn verify_reports_temporal_interval() {
    // Argon2025h2 shards on notAfter from 2025-07-01 to 2026-01-01 (log list
    // 78.2). The certificate's notAfter is 2025-08-25 (openssl x509
    // -enddate) and its SCT is of 2025-06-02, before the interval.
    let out = ctkit(&[
        "verify",
        testdata("certs_embedded_sct/2025_google-com_gts-wr2_2scts.pem")
            .to_str()
            .expect("UTF-8"),
        "--issuer",
        testdata("certs_embedded_sct/2025_google-com_gts-wr2_2scts.issuer.pem")
            .to_str()
            .expect("UTF-8"),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let log = &doc["scts"][0]["log"];
    assert_eq!(log["description"], "Google 'Argon2025h2' log");
    assert_eq!(log["in_temporal_interval"], false);
    assert_eq!(log["not_after_in_temporal_interval"], true);
    assert_eq!(doc["scts"][1]["log"]["state"], "retired");
}

#[test]
fn inspect_truncated_der_shows_decoded_layers() {
    // The example certificate cut to 1100 bytes: its header declares 1583
    // content bytes after the 4-byte header, and SCT #1 starts at 1071
    // with a 2-byte prefix declaring 117 bytes.
    let der = pem_to_der(&testdata("seed/le-2018-5c9a7f.pem"));
    let path = scratch("truncated-1100.der", &der[..1100]);
    let out = ctkit(&["inspect", path.to_str().expect("UTF-8")]);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert!(
        text.contains("subjectPublicKeyInfo [30 82 01 22]"),
        "{text}"
    );
    assert!(
        text.contains("extnID [06 0a]: 1.3.6.1.4.1.11129.2.4.2"),
        "{text}"
    );
    assert!(
        text.contains("SerializedSCT #1 [00 75]: declares 117 bytes, but only 27 follow"),
        "{text}"
    );
    assert!(
        stderr(&out).contains("Certificate: truncated: needs 1583 bytes, 1096 remain, at byte 0"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn verify_names_file_once_in_errors() {
    let path = scratch("empty.pem", b"");
    let name = path.to_str().expect("UTF-8");
    let out = ctkit(&["verify", name]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim_end(),
        format!("ctkit: {name}: input is empty")
    );
}

#[test]
fn verify_rejects_stdin_twice() {
    let out = ctkit(&["verify", "-", "--issuer", "-"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("standard input (-) can be read only once"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn verify_rejects_public_key_as_issuer() {
    let out = ctkit(&[
        "verify",
        &seed(),
        "--issuer",
        testdata("loglists/ct-test-log-ec.pub.pem")
            .to_str()
            .expect("UTF-8"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is labelled \"PUBLIC KEY\", not CERTIFICATE"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn verify_warns_when_issuer_name_differs() {
    let wrong = testdata("precerts/ct-test/ca-cert.pem");
    let out = ctkit(&[
        "verify",
        &seed(),
        "--issuer",
        wrong.to_str().expect("UTF-8"),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["issuer"]["subject_matches_issuer_name"], false);
    let out = ctkit(&[
        "verify",
        &seed(),
        "--issuer",
        wrong.to_str().expect("UTF-8"),
    ]);
    assert!(stdout(&out).contains(
        "warning: the issuer certificate's subject is not the certificate's issuer name"
    ));
    let out = ctkit(&[
        "verify",
        &seed(),
        "--issuer",
        &seed_issuer(),
        "--format",
        "json",
    ]);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["issuer"]["subject_matches_issuer_name"], true);
}

#[test]
fn inspect_json_reports_unusable_input() {
    let path = scratch("random.bin", &[0x09, 0x41, 0x42]);
    let out = ctkit(&["inspect", path.to_str().expect("UTF-8"), "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(
        doc["error"]
            .as_str()
            .expect("error")
            .ends_with("its first byte is 0x09"),
        "{doc}"
    );
    assert_eq!(doc["objects"].as_array().map(Vec::len), Some(0));
}

#[test]
fn inspect_skips_non_certificate_blocks() {
    let mut mixed = std::fs::read(testdata("loglists/ct-test-log-ec.pub.pem")).expect("key");
    mixed.extend(std::fs::read(seed()).expect("seed"));
    let path = scratch("key-and-cert.pem", &mixed);
    let out = ctkit(&["inspect", path.to_str().expect("UTF-8")]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert!(stdout(&out).contains("Object #2 (CERTIFICATE)"));
    assert!(
        stderr(&out).contains("object #1 is labelled \"PUBLIC KEY\", not CERTIFICATE: skipped")
    );
}

#[test]
fn verify_rejects_empty_log_list() {
    let list = scratch("no-logs.json", br#"{"version": "1", "operators": []}"#);
    let out = ctkit(&[
        "verify",
        &seed(),
        "--issuer",
        &seed_issuer(),
        "--log-list",
        list.to_str().expect("UTF-8"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("the log list has no logs"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn lint_reports_findings_as_json() {
    let file = testdata("malformed_lint/pkilint_sct_list_empty.pem");
    let out = ctkit(&["lint", file.to_str().expect("UTF-8"), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let finding = &doc["files"][0]["findings"][0];
    assert_eq!(finding["id"], "ct.sct_list.empty");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["clause"], "RFC 6962 3.3");
    assert_eq!(
        finding["path"],
        "certificate.tbsCertificate.extensions.6.extnValue.signedCertificateTimestampList"
    );
    assert!(finding["offset"].as_u64().is_some());
    assert!(finding["message"].as_str().is_some());
}

#[test]
fn lint_clean_certificate_exits_zero() {
    let out = ctkit(&["lint", &seed(), "--issuer", &seed_issuer()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("no findings"));
}

#[test]
fn lint_list_prints_catalogue() {
    let out = ctkit(&["lint", "--list", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let checks = doc["checks"].as_array().expect("checks");
    assert!(checks.len() >= 20);
    assert!(checks.iter().any(|c| c["id"] == "ct.poison_with_sct_list"));
}

#[test]
fn lint_precert_compares_pair() {
    let out = ctkit(&[
        "lint",
        "--precert",
        testdata("precerts/ct-test/test-embedded-pre-cert.pem")
            .to_str()
            .expect("UTF-8"),
        testdata("precerts/ct-test/test-embedded-with-intermediate-cert.pem")
            .to_str()
            .expect("UTF-8"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("error ct.precert.mismatch"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("serialNumber differs"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn lint_rejects_unusable_issuer() {
    let der = pem_to_der(&testdata("seed/le-x3-issuer.pem"));
    let truncated = scratch("issuer-truncated.der", &der[..1000]);
    let out = ctkit(&[
        "lint",
        &seed(),
        "--issuer",
        truncated.to_str().expect("UTF-8"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a usable certificate"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn lint_precert_checks_precert_too() {
    let out = ctkit(&[
        "lint",
        "--format",
        "json",
        "--precert",
        testdata("precerts/ct-test/test-embedded-pre-cert.pem")
            .to_str()
            .expect("UTF-8"),
        testdata("precerts/ct-test/test-embedded-cert.pem")
            .to_str()
            .expect("UTF-8"),
        "--log-list",
        testdata("loglists/ct_test_logs_v3.json")
            .to_str()
            .expect("UTF-8"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let files = doc["files"].as_array().expect("files");
    assert_eq!(files.len(), 2);
    assert!(
        files[0]["file"]
            .as_str()
            .expect("file")
            .ends_with("test-embedded-pre-cert.pem")
    );
}

#[test]
fn closed_pipe_does_not_panic() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ctkit"))
        .args(["inspect", &seed()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    assert_ne!(out.status.code(), Some(101), "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}

/// inspect decodes the two delivery paths outside the certificate layer by
/// layer: a stapled OCSP response and the bytes of a TLS extension.
#[test]
fn inspect_decodes_ocsp_and_tls_sct_lists() {
    let ocsp_file = testdata("sct_raw/ocsp/resp-sct-extension_swisssign-2019.der");
    let ocsp = ctkit(&["inspect", ocsp_file.to_str().unwrap()]);
    let text = stdout(&ocsp);
    assert!(ocsp.status.success(), "{text}");
    // The manifest's serial and the SCT list extension at its offsets.
    assert!(
        text.contains("serialNumber 23bf9a6c2bf9a2f0db5ecb4143caab63ad3871d3"),
        "{text}"
    );
    assert!(
        text.contains("313 Extension [30 82 01 fa]: SCT list 1.3.6.1.4.1.11129.2.4.5"),
        "{text}"
    );
    assert_eq!(text.matches("SerializedSCT #").count(), 4, "{text}");

    // Cut short, it is still named an OCSP response, with the fault's layer.
    let data = std::fs::read(&ocsp_file).expect("OCSP fixture");
    let cut = scratch("truncated-ocsp.der", &data[..300]);
    let truncated = ctkit(&["inspect", cut.to_str().expect("UTF-8")]);
    assert_eq!(truncated.status.code(), Some(2));
    assert!(
        stderr(&truncated).contains("OCSPResponse: truncated"),
        "{}",
        stderr(&truncated)
    );

    let tls_file = testdata("sct_raw/tls/serverhello_signed_certificate_timestamp_ext_2014.bin");
    let tls = ctkit(&["inspect", tls_file.to_str().unwrap()]);
    let text = stdout(&tls);
    assert!(tls.status.success(), "{text}");
    // 00 12 | 01 69 | 01 67, as the manifest lays it out.
    assert!(text.contains("= 00 12 01 69"), "{text}");
    assert!(
        text.contains("4 SignedCertificateTimestampList [01 67]"),
        "{text}"
    );
    assert_eq!(text.matches("SerializedSCT #").count(), 3, "{text}");
}
