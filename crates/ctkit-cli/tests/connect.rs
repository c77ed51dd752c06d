#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly on broken fixtures"
)]

//! `ctkit verify --connect` against `openssl s_server` on 127.0.0.1, with
//! SCTs on all three delivery paths: embedded by `ctkit issue`, in the TLS
//! extension (`-serverinfo`) and in a stapled OCSP response
//! (`-status_file`). The SCTs come from real `ctkit log` processes, and a
//! tampered TLS SCT must be reported invalid.
//!
//! The test fails when openssl is missing instead of skipping, because CI
//! installs it.

mod support;

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use ctkit::der::write_tlv;
use support::{ctkit, issue_command, make_ca, start_logs, write_log_list};

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    write_tlv(tag, content, &mut out);
    out
}

/// A TLS SignedCertificateTimestampList holding one SCT, from the JSON a
/// log's add-chain returns.
fn sct_list(response_json: &[u8]) -> Vec<u8> {
    let response: ctkit::api::AddChainResponse = serde_json::from_slice(response_json).unwrap();
    let sct = response.to_sct().unwrap().to_bytes().unwrap();
    let mut serialized = u16::try_from(sct.len()).unwrap().to_be_bytes().to_vec();
    serialized.extend_from_slice(&sct);
    let mut list = u16::try_from(serialized.len())
        .unwrap()
        .to_be_bytes()
        .to_vec();
    list.extend_from_slice(&serialized);
    list
}

/// Builds an OCSP response (RFC 6960 4.2.1) for `serial` whose single response
/// carries `list` in extension 1.3.6.1.4.1.11129.2.4.5. Its signature is
/// filler: s_server staples it as it is, and verify does not check it.
fn ocsp_response(serial: &[u8], list: &[u8]) -> Vec<u8> {
    let sct_oid = [0x2b, 0x06, 0x01, 0x04, 0x01, 0xd6, 0x79, 0x02, 0x04, 0x05];
    let extension = tlv(
        0x30,
        &[tlv(0x06, &sct_oid), tlv(0x04, &tlv(0x04, list))].concat(),
    );
    let cert_id = tlv(
        0x30,
        &[
            tlv(
                0x30,
                &[tlv(0x06, &[0x2b, 0x0e, 0x03, 0x02, 0x1a]), tlv(0x05, &[])].concat(),
            ),
            tlv(0x04, &[0; 20]),
            tlv(0x04, &[0; 20]),
            tlv(0x02, serial),
        ]
        .concat(),
    );
    let single = tlv(
        0x30,
        &[
            cert_id,
            vec![0x80, 0x00],
            tlv(0x18, b"20261204000000Z"),
            tlv(0xa1, &tlv(0x30, &extension)),
        ]
        .concat(),
    );
    let data = tlv(
        0x30,
        &[
            tlv(0xa1, &tlv(0x30, &[])),
            tlv(0x18, b"20261204000000Z"),
            tlv(0x30, &single),
        ]
        .concat(),
    );
    let algorithm = tlv(
        0x30,
        &[
            tlv(
                0x06,
                &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b],
            ),
            tlv(0x05, &[]),
        ]
        .concat(),
    );
    let basic = tlv(0x30, &[data, algorithm, tlv(0x03, &[0; 65])].concat());
    let bytes = tlv(
        0x30,
        &[
            tlv(
                0x06,
                &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01],
            ),
            tlv(0x04, &basic),
        ]
        .concat(),
    );
    tlv(0x30, &[tlv(0x0a, &[0]), tlv(0xa0, &bytes)].concat())
}

/// s_server's serverinfo file: extension type 18, its length, its data.
fn serverinfo(path: &Path, list: &[u8]) {
    let mut extension = vec![0x00, 0x12];
    extension.extend_from_slice(&u16::try_from(list.len()).unwrap().to_be_bytes());
    extension.extend_from_slice(list);
    let pem = ctkit_log::config::pem("SERVERINFO FOR signed_certificate_timestamp", &extension);
    std::fs::write(path, pem).unwrap();
}

struct TlsServer(Child);

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_s_server(
    dir: &Path,
    leaf: &Path,
    key: &Path,
    chain: &Path,
    info: &Path,
    status: &Path,
) -> (TlsServer, String) {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let address = format!("127.0.0.1:{port}");
    let child = Command::new("openssl")
        .args(["s_server", "-quiet", "-accept", &address])
        .arg("-cert")
        .arg(leaf)
        .arg("-key")
        .arg(key)
        .arg("-cert_chain")
        .arg(chain)
        .arg("-serverinfo")
        .arg(info)
        .arg("-status_file")
        .arg(status)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl must be installed");
    let server = TlsServer(child);
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(&address).is_err() {
        assert!(
            Instant::now() < deadline,
            "s_server did not start on {address}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (server, address)
}

fn text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn connect_verifies_all_three_delivery_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let ca = make_ca(tmp.path(), "tls.ctkit.test");
    let logs = start_logs(tmp.path(), &ca, 2);
    let list = tmp.path().join("logs.json");
    let entries: Vec<_> = logs
        .iter()
        .map(|(dir, server)| (dir.clone(), server.url.clone(), None))
        .collect();
    write_log_list(&list, &entries);

    // Embedded SCTs from ctkit issue.
    let out = tmp.path().join("issued");
    let issued = issue_command(&ca, &list, &out).output().unwrap();
    assert!(
        issued.status.success(),
        "{}",
        String::from_utf8_lossy(&issued.stderr)
    );
    let pem = std::fs::read(out.join("cert.pem")).unwrap();
    let leaf_der = ctkit::input::read_blocks(&pem).unwrap().remove(0).der;
    let leaf = tmp.path().join("leaf.pem");
    std::fs::write(&leaf, ctkit_log::config::pem("CERTIFICATE", &leaf_der)).unwrap();

    // An x509_entry SCT for the final certificate, for the other two paths.
    let submitted = ctkit()
        .args(["log", "add-chain", &logs[0].1.url])
        .arg(out.join("cert.pem"))
        .output()
        .unwrap();
    assert!(submitted.status.success());
    let tls_list = sct_list(&submitted.stdout);
    let serial = ctkit::x509::CertificateLayout::parse(&leaf_der)
        .unwrap()
        .serial
        .content
        .to_vec();
    let info = tmp.path().join("serverinfo.pem");
    serverinfo(&info, &tls_list);
    let status = tmp.path().join("ocsp.der");
    std::fs::write(&status, ocsp_response(&serial, &tls_list)).unwrap();

    let (server, address) =
        start_s_server(tmp.path(), &leaf, &ca.leaf_key, &ca.cert, &info, &status);
    let verify = |extra: &[&str]| {
        ctkit()
            .args(["verify", "--connect", &address, "--log-list"])
            .arg(&list)
            .args(extra)
            .output()
            .unwrap()
    };
    let good = verify(&["--policy", "chrome", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&good.stdout).unwrap();
    assert_eq!(good.status.code(), Some(0), "{doc}");
    assert_eq!(doc["scts"].as_array().unwrap().len(), 2, "{doc}");
    assert_eq!(doc["tls_scts"][0]["status"], "valid", "{doc}");
    assert_eq!(doc["ocsp_scts"][0]["status"], "valid", "{doc}");
    assert_eq!(doc["policy"]["compliant"], true, "{doc}");
    // The TLS and OCSP SCTs come from one log, which counts once: that
    // path alone is not compliant, but the embedded SCTs are.
    assert_eq!(doc["policy_tls_ocsp"]["compliant"], false, "{doc}");
    assert_eq!(doc["policy_tls_ocsp"]["counted"], 1, "{doc}");
    drop(server);

    // A server whose TLS SCT has a flipped signature byte.
    let mut bad = tls_list.clone();
    let last = bad.len() - 1;
    bad[last] ^= 0x01;
    let bad_info = tmp.path().join("bad-serverinfo.pem");
    serverinfo(&bad_info, &bad);
    let (_server, address) = start_s_server(
        tmp.path(),
        &leaf,
        &ca.leaf_key,
        &ca.cert,
        &bad_info,
        &status,
    );
    let bad = ctkit()
        .args(["verify", "--connect", &address, "--log-list"])
        .arg(&list)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
    assert!(
        text(&bad)
            .contains("SCTs from the TLS extension (x509_entry):\n  SCT #1: invalid_signature"),
        "{}",
        text(&bad)
    );

    // Nothing listens: a clear error, exit 2.
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let refused = ctkit()
        .args(["verify", "--connect", &closed.to_string()])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("cannot connect"));
}
