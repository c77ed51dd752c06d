#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly on broken fixtures"
)]

//! `ctkit issue` end to end: three `ctkit log serve` processes on
//! 127.0.0.1 run by three operators, a CA made with rcgen, and the issued
//! certificate checked by peers: `ctkit verify`, Python cryptography
//! (scripts/verify_embedded_py.py), `openssl x509 -text`, `ctkit lint` and
//! certspotter. Then the failures: a log that is down, one whose SCTs do
//! not verify, and one that returns garbage.

mod support;

use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use support::{Ca, issue_command, make_ca, start_logs, write_log_list};
use support::{ctkit, init_log};

fn issue(ca: &Ca, list: &Path, out: &Path) -> Output {
    issue_command(ca, list, out)
        .args(["--timeout", "5", "--attempts", "2"])
        .output()
        .unwrap()
}

fn text(output: &[u8]) -> String {
    String::from_utf8_lossy(output).into_owned()
}

fn log_key_b64(dir: &Path) -> String {
    let pem = std::fs::read(dir.join("log.pub.pem")).unwrap();
    ctkit::api::encode_b64(&ctkit::input::read_blocks(&pem).unwrap().remove(0).der)
}

#[test]
fn issued_certificate_satisfies_every_peer() {
    let tmp = tempfile::tempdir().unwrap();
    let ca = make_ca(tmp.path(), "issued.ctkit.test");
    let logs = start_logs(tmp.path(), &ca, 3);
    let list = tmp.path().join("logs.json");
    let entries: Vec<_> = logs
        .iter()
        .map(|(dir, server)| (dir.clone(), server.url.clone(), None))
        .collect();
    write_log_list(&list, &entries);
    let out = tmp.path().join("out");

    let issued = issue(&ca, &list, &out);
    assert!(
        issued.status.success(),
        "{}{}",
        text(&issued.stdout),
        text(&issued.stderr)
    );
    let stdout = text(&issued.stdout);
    assert_eq!(stdout.matches("SCT from test log").count(), 3, "{stdout}");
    let cert = out.join("cert.pem");
    assert!(out.join("precert.pem").exists());

    // ctkit verify: every embedded SCT valid, issuer from the chain file.
    let verify = ctkit()
        .arg("verify")
        .arg(&cert)
        .arg("--log-list")
        .arg(&list)
        .output()
        .unwrap();
    assert!(verify.status.success(), "{}", text(&verify.stdout));

    // Python cryptography, with signed data built from its own
    // tbs_precertificate_bytes.
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/verify_embedded_py.py");
    let python = Command::new("python3")
        .arg(&script)
        .arg(&cert)
        .arg(&list)
        .output()
        .expect("python3 with cryptography must be installed");
    let report = text(&python.stdout);
    assert!(python.status.success(), "{report}{}", text(&python.stderr));
    assert_eq!(report.matches(": valid").count(), 2, "{report}");

    // openssl parses it and shows the SCT list.
    let openssl = Command::new("openssl")
        .args(["x509", "-noout", "-text", "-in"])
        .arg(&cert)
        .output()
        .expect("openssl must be installed");
    let shown = text(&openssl.stdout);
    assert!(openssl.status.success(), "{}", text(&openssl.stderr));
    assert!(shown.contains("CT Precertificate SCTs"), "{shown}");
    assert!(shown.contains("DNS:issued.ctkit.test"), "{shown}");

    // ctkit lint, with the precertificate: no error.
    let lint = ctkit()
        .arg("lint")
        .arg(&cert)
        .arg("--precert")
        .arg(out.join("precert.pem"))
        .arg("--log-list")
        .arg(&list)
        .output()
        .unwrap();
    assert!(lint.status.success(), "{}", text(&lint.stdout));

    // certspotter finds the precertificate in every log.
    let watch = tmp.path().join("watchlist");
    std::fs::write(&watch, "issued.ctkit.test\n").unwrap();
    std::thread::sleep(Duration::from_millis(400));
    let spotted = Command::new("timeout")
        .arg("8")
        .arg("certspotter")
        .arg("-logs")
        .arg(&list)
        .arg("-watchlist")
        .arg(&watch)
        .arg("-state_dir")
        .arg(tmp.path().join("certspotter"))
        .args(["-stdout", "-no_save"])
        .output()
        .expect("certspotter must be installed");
    let found = text(&spotted.stdout);
    for (_, server) in &logs {
        assert!(
            found.contains(&format!("Log Entry = 0 @ {}", server.url)),
            "certspotter did not find the precertificate in {}:\n{found}",
            server.url
        );
    }
}

/// Serves one connection after another with the same JSON body.
fn fixed_server(body: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buffer = [0u8; 65536];
            let _ = stream.read(&mut buffer);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
        }
    });
    url
}

#[test]
fn issuance_survives_one_bad_log_and_names_each_failure() {
    let tmp = tempfile::tempdir().unwrap();
    let ca = make_ca(tmp.path(), "resilient.ctkit.test");
    let mut logs = start_logs(tmp.path(), &ca, 3);

    // Log 2 returns SCTs that carry its log ID and a well-formed
    // ECDSA signature that does not verify.
    let impostor_dir = tmp.path().join("impostor");
    init_log(&impostor_dir, &ca.root_pem, &[]);
    let impostor_key = log_key_b64(&impostor_dir);
    let impostor_id = ctkit::api::encode_b64(&ctkit::x509::sha256(
        &ctkit::api::decode_b64("key", &impostor_key).unwrap(),
    ));
    let forged = format!(
        "{{\"sct_version\":0,\"id\":\"{impostor_id}\",\"timestamp\":1700000000000,\"extensions\":\"\",\
         \"signature\":\"BAMARjBEAiAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEAIgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICA=\"}}"
    );
    let list = tmp.path().join("bad-signature.json");
    write_log_list(
        &list,
        &[
            (logs[0].0.clone(), logs[0].1.url.clone(), None),
            (logs[1].0.clone(), logs[1].1.url.clone(), None),
            (impostor_dir.clone(), fixed_server(forged), None),
        ],
    );
    let issued = issue(&ca, &list, &tmp.path().join("out-bad-signature"));
    assert!(issued.status.success(), "{}", text(&issued.stderr));
    let stderr = text(&issued.stderr);
    assert!(stderr.contains("test log 2"), "{stderr}");
    assert!(stderr.contains("does not verify"), "{stderr}");
    assert!(text(&issued.stdout).contains("embedded        2 SCTs"));

    // Log 2 returns garbage.
    let garbage = fixed_server("{\"sct_version\": \"not a number\"".into());
    let list = tmp.path().join("garbage.json");
    write_log_list(
        &list,
        &[
            (logs[0].0.clone(), logs[0].1.url.clone(), None),
            (logs[1].0.clone(), logs[1].1.url.clone(), None),
            (logs[2].0.clone(), garbage.clone(), None),
        ],
    );
    let issued = issue(&ca, &list, &tmp.path().join("out-garbage"));
    assert!(issued.status.success(), "{}", text(&issued.stderr));
    assert!(
        text(&issued.stderr).contains("test log 2"),
        "{}",
        text(&issued.stderr)
    );

    // Log 0 is down: two logs of two operators still meet the policy.
    let list = tmp.path().join("down.json");
    let entries: Vec<_> = logs
        .iter()
        .map(|(dir, server)| (dir.clone(), server.url.clone(), None))
        .collect();
    write_log_list(&list, &entries);
    let (_, down) = logs.remove(0);
    down.kill();
    let issued = issue(&ca, &list, &tmp.path().join("out-down"));
    assert!(issued.status.success(), "{}", text(&issued.stderr));
    let stderr = text(&issued.stderr);
    assert!(stderr.contains("test log 0"), "{stderr}");
    assert!(stderr.contains("attempt"), "{stderr}");

    // With log 1 down as well, one SCT cannot meet the policy: the command
    // fails and names each log's problem.
    let (_, down) = logs.remove(0);
    down.kill();
    let out = tmp.path().join("out-fail");
    let issued = issue(&ca, &list, &out);
    assert_eq!(issued.status.code(), Some(1), "{}", text(&issued.stdout));
    let stderr = text(&issued.stderr);
    assert!(stderr.contains("test log 0"), "{stderr}");
    assert!(stderr.contains("test log 1"), "{stderr}");
    assert!(stderr.contains("policy"), "{stderr}");
    assert!(!out.join("cert.pem").exists(), "a certificate was written");
}

/// The separate steps: `ctkit precert`, SCTs fetched with `ctkit log
/// add-chain`, then `ctkit embed`, with and without the CA key.
#[test]
fn precert_then_embed_gives_a_verifiable_certificate() {
    let tmp = tempfile::tempdir().unwrap();
    let ca = make_ca(tmp.path(), "steps.ctkit.test");
    let logs = start_logs(tmp.path(), &ca, 2);
    let list = tmp.path().join("logs.json");
    let entries: Vec<_> = logs
        .iter()
        .map(|(dir, server)| (dir.clone(), server.url.clone(), None))
        .collect();
    write_log_list(&list, &entries);

    let pre_dir = tmp.path().join("pre");
    let made = ctkit()
        .arg("precert")
        .arg("--ca")
        .arg(&ca.cert)
        .arg("--ca-key")
        .arg(&ca.key)
        .arg("--csr")
        .arg(&ca.csr)
        .arg("--out")
        .arg(&pre_dir)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", text(&made.stderr));
    let precert = pre_dir.join("precert.pem");

    let mut sct_files = Vec::new();
    for (i, (_, server)) in logs.iter().enumerate() {
        let submitted = ctkit()
            .args(["log", "add-chain", &server.url])
            .arg(&precert)
            .output()
            .unwrap();
        assert!(submitted.status.success(), "{}", text(&submitted.stderr));
        let path = tmp.path().join(format!("sct{i}.json"));
        std::fs::write(&path, &submitted.stdout).unwrap();
        sct_files.push(path);
    }

    let embed = |out: &Path, with_key: bool, sct_files: &[PathBuf]| {
        let mut command = ctkit();
        command.arg("embed").arg("--precert").arg(&precert);
        for file in sct_files {
            command.arg("--sct").arg(file);
        }
        command
            .arg("--log-list")
            .arg(&list)
            .arg("--ca")
            .arg(&ca.cert)
            .arg("--out")
            .arg(out);
        if with_key {
            command.arg("--ca-key").arg(&ca.key);
        }
        command.output().unwrap()
    };
    let final_dir = tmp.path().join("final");
    let embedded = embed(&final_dir, true, &sct_files);
    assert!(embedded.status.success(), "{}", text(&embedded.stderr));
    let verify = ctkit()
        .arg("verify")
        .arg(final_dir.join("cert.pem"))
        .arg("--log-list")
        .arg(&list)
        .output()
        .unwrap();
    assert!(verify.status.success(), "{}", text(&verify.stdout));

    // Without the CA key, the final TBSCertificate is written instead; it
    // is the TBS of the certificate signed above, byte for byte.
    let tbs_dir = tmp.path().join("tbs");
    let unsigned = embed(&tbs_dir, false, &sct_files);
    assert!(unsigned.status.success(), "{}", text(&unsigned.stderr));
    let tbs = std::fs::read(tbs_dir.join("final-tbs.der")).unwrap();
    let pem = std::fs::read(final_dir.join("cert.pem")).unwrap();
    let signed = ctkit::input::read_blocks(&pem).unwrap().remove(0).der;
    let layout = ctkit::x509::CertificateLayout::parse(&signed).unwrap();
    assert_eq!(layout.tbs_der(), tbs.as_slice());

    // An SCT file that does not belong to this precertificate is refused.
    let other = tmp.path().join("other-sct.json");
    let mut forged: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&sct_files[0]).unwrap()).unwrap();
    forged["timestamp"] = serde_json::Value::from(1u64);
    std::fs::write(&other, serde_json::to_vec(&forged).unwrap()).unwrap();
    sct_files.push(other);
    let refused = embed(&tmp.path().join("refused"), true, &sct_files);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        text(&refused.stderr).contains("does not verify"),
        "{}",
        text(&refused.stderr)
    );
}

/// Everything that can fail without the logs fails before any log receives the
/// precertificate, and an issued certificate is never overwritten.
#[test]
fn checks_run_before_submission() {
    let tmp = tempfile::tempdir().unwrap();
    let ca = make_ca(tmp.path(), "early.ctkit.test");
    let logs = start_logs(tmp.path(), &ca, 2);
    let list = tmp.path().join("logs.json");
    let entries: Vec<_> = logs
        .iter()
        .map(|(dir, server)| (dir.clone(), server.url.clone(), None))
        .collect();
    write_log_list(&list, &entries);
    let tree_sizes = || -> Vec<String> {
        logs.iter()
            .map(|(dir, server)| {
                let out = ctkit()
                    .args(["log", "get-sth", &server.url, "--key"])
                    .arg(dir.join("log.pub.pem"))
                    .output()
                    .unwrap();
                text(&out.stdout)
                    .lines()
                    .find(|l| l.starts_with("tree size:"))
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect()
    };

    // Two logs cannot give the three SCTs that 181 days need under Chrome.
    let out = tmp.path().join("too-long");
    let refused = issue_command(&ca, &list, &out)
        .args(["--days", "181"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused.stdout));
    assert!(
        text(&refused.stderr).contains("not submitting"),
        "{}",
        text(&refused.stderr)
    );
    assert!(!out.join("precert.pem").exists());

    // Beyond the Baseline Requirements' maximum validity: refused as input.
    let out = tmp.path().join("too-long-br");
    let refused = issue_command(&ca, &list, &out)
        .args(["--days", "5000"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains("Baseline Requirements"),
        "{}",
        text(&refused.stderr)
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        tree_sizes().iter().all(|l| l.ends_with(" 0")),
        "{:?}",
        tree_sizes()
    );

    // A second issuance into the same directory is refused before the
    // logs see it; the first certificate stays.
    let out = tmp.path().join("once");
    assert!(issue(&ca, &list, &out).status.success());
    let first = std::fs::read(out.join("cert.pem")).unwrap();
    let again = issue(&ca, &list, &out);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        text(&again.stderr).contains("never overwritten"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(std::fs::read(out.join("cert.pem")).unwrap(), first);
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        tree_sizes().iter().all(|l| l.ends_with(" 1")),
        "{:?}",
        tree_sizes()
    );
}
