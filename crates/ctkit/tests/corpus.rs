//! The real certificates, SCTs and edge cases of testdata/, each checked
//! against the result that testdata/expected_results.json and
//! testdata/cases/README.md give for it. Those results were obtained with
//! Python cryptography and OpenSSL, not with this library.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test fails loudly on a broken fixture"
)]

use std::path::{Path, PathBuf};

use ctkit::der::{DerReader, TAG_OCTET_STRING};
use ctkit::error::{ErrorKind, Layer};
use ctkit::input::read_blocks;
use ctkit::loglist::LogList;
use ctkit::sct::{Sct, SctList, SerializedSct, SignedEntry};
use ctkit::verify::{SctStatus, Verifier};
use ctkit::x509::{CertificateLayout, OID_SCT_LIST, sha256};
use serde_json::Value;

fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(rel)
}

fn read(rel: &str) -> Vec<u8> {
    let path = testdata(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("missing fixture {}: {e}", path.display()))
}

/// The DER of the first certificate in a PEM or DER fixture.
fn cert(rel: &str) -> Vec<u8> {
    let blocks = read_blocks(&read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    blocks
        .into_iter()
        .next()
        .map(|b| b.der)
        .unwrap_or_else(|| panic!("{rel}: no block"))
}

fn expected() -> Value {
    serde_json::from_slice(&read("expected_results.json")).expect("expected_results.json parses")
}

/// Loads the bundled list plus the CT test PKI's logs.
fn logs_with_test_logs() -> LogList {
    let mut logs = LogList::bundled();
    let test =
        LogList::from_json(&read("loglists/ct_test_logs_v3.json")).expect("test log list parses");
    logs.extend(test);
    logs
}

fn now_ms() -> u64 {
    u64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock after 1970")
            .as_millis(),
    )
    .expect("fits")
}

fn status_for(expected: &str) -> Option<SctStatus> {
    match expected {
        "valid" => Some(SctStatus::Valid),
        "invalid" => Some(SctStatus::InvalidSignature),
        "unknown log" => Some(SctStatus::UnknownLog),
        "unsupported hash 0" => Some(SctStatus::UnsupportedAlgorithm),
        "unsupported SCT version 1" => Some(SctStatus::UnsupportedVersion),
        _ => None,
    }
}

/// Returns the bytes inside the inner OCTET STRING of the SCT list extension.
fn sct_list_bytes<'a>(layout: &CertificateLayout<'a>) -> &'a [u8] {
    let ext = layout.extension(OID_SCT_LIST).expect("SCT list extension");
    let mut r = DerReader::new(ext.value.content, 0, Layer::SctListExtension);
    r.expect(TAG_OCTET_STRING, "inner")
        .expect("inner OCTET STRING")
        .content
}

#[test]
fn bundled_log_list_has_retired_logs() {
    let logs = LogList::bundled();
    assert_eq!(logs.len(), 247, "the 78.2 all-logs list has 247 logs");
    for (id, name) in [
        (
            "23Sv7ssp7LH+yj5xbSzluaq7NveEcYPHXZ1PN7Yfv2Q=",
            "Cloudflare 'Nimbus2018' Log",
        ),
        (
            "KTxRllTIOWW6qlD8WAfUt2+/WHopctykwwz05UVH9Hg=",
            "Google 'Icarus' log",
        ),
    ] {
        let found = logs.logs().iter().find(|l| l.log_id.to_base64() == id);
        assert_eq!(found.map(|l| l.description.as_str()), Some(name));
    }
}

#[test]
fn embedded_sct_certificates_verify_as_listed() {
    let expected = expected();
    let logs = LogList::bundled();
    let verifier = Verifier::new(&logs, now_ms());
    let entries = expected["certs_embedded_sct"].as_array().expect("array");
    assert_eq!(entries.len(), 37);
    for entry in entries {
        let file = entry["file"].as_str().expect("file");
        let leaf = cert(file);
        let issuer = cert(entry["issuer_file"].as_str().expect("issuer_file"));
        let layout = CertificateLayout::parse(&leaf).unwrap_or_else(|e| panic!("{file}: {e}"));
        let issuer_layout =
            CertificateLayout::parse(&issuer).unwrap_or_else(|e| panic!("{file} issuer: {e}"));
        let results = verifier.verify_embedded(&layout, issuer_layout.key_hash(), &[]);

        let scts = entry["scts"].as_array().expect("scts");
        assert_eq!(results.len(), scts.len(), "{file}: SCT count");
        for (result, want) in results.iter().zip(scts) {
            let want_status = status_for(want["result"].as_str().expect("result"));
            assert_eq!(
                Some(result.status),
                want_status,
                "{file} SCT #{}: {:?}",
                result.index + 1,
                result.detail
            );
            assert_eq!(
                result.log_id.as_deref(),
                want["log_id"].as_str(),
                "{file} SCT #{} log ID",
                result.index + 1
            );
            assert_eq!(
                result.timestamp,
                want["timestamp_ms"].as_u64(),
                "{file} SCT #{} timestamp",
                result.index + 1
            );
            assert_eq!(
                result.time.as_deref(),
                want["time"].as_str(),
                "{file} SCT #{} time",
                result.index + 1
            );
            assert_eq!(
                result.extensions.as_deref(),
                want["extensions_hex"].as_str(),
                "{file} SCT #{} extensions",
                result.index + 1
            );
            if let Some(operator) = want["operator"].as_str() {
                assert_eq!(
                    result.operator.as_deref(),
                    Some(operator),
                    "{file} SCT #{} operator",
                    result.index + 1
                );
            }
        }
    }
}

#[test]
fn sct_lists_round_trip_byte_for_byte() {
    let expected = expected();
    let mut checked = 0;
    for category in ["certs_embedded_sct", "malformed_lint"] {
        for entry in expected[category].as_array().expect("array") {
            let Some(file) = entry["file"].as_str() else {
                continue;
            };
            let der = cert(file);
            let Ok(layout) = CertificateLayout::parse(&der) else {
                continue;
            };
            let Some(list) = &layout.sct_list else {
                continue;
            };
            let original = sct_list_bytes(&layout);
            assert_eq!(list.to_tls().expect("encodes"), original, "{file}");
            checked += 1;
        }
    }
    assert!(checked >= 55, "only {checked} lists checked");
}

#[test]
fn malformed_certificates_give_listed_results() {
    let expected = expected();
    let logs = logs_with_test_logs();
    let verifier = Verifier::new(&logs, now_ms());
    for entry in expected["malformed_lint"].as_array().expect("array") {
        let file = entry["file"].as_str().expect("file");
        let der = cert(file);
        let observed = &entry["observed"];
        let parse = observed["sct_list_parse"].as_str().expect("sct_list_parse");
        let result = CertificateLayout::parse(&der);

        if let Some(lengths) = parse.strip_prefix("error: list length ") {
            // "error: list length 359 != 358": the prefix declares 359 bytes, 358 follow.
            let (declared, actual) = lengths.split_once(" != ").expect("two lengths");
            let err = result.expect_err(file);
            assert_eq!(err.layer, Layer::SctList, "{file}: {err}");
            assert_eq!(err.field, "list length", "{file}: {err}");
            assert_eq!(
                err.kind,
                ErrorKind::Truncated {
                    needed: declared.parse().expect("number"),
                    remaining: actual.parse().expect("number"),
                },
                "{file}: {err}"
            );
            continue;
        }

        let layout = result.unwrap_or_else(|e| panic!("{file}: {e}"));
        if parse == "no SCT extension" {
            assert!(layout.sct_list.is_none(), "{file}");
            continue;
        }
        assert_eq!(parse, "ok");
        let list = layout.sct_list.as_ref().expect("SCT list");
        assert_eq!(
            Some(list.scts.len() as u64),
            observed["sct_count"].as_u64(),
            "{file}"
        );

        let poisoned = observed.get("poison").is_some();
        assert_eq!(layout.is_precertificate(), poisoned, "{file}: poison");

        let issuer_key_hash = match entry["issuer_file"].as_str() {
            Some(issuer) => CertificateLayout::parse(&cert(issuer))
                .expect("issuer parses")
                .key_hash(),
            None => [0u8; 32],
        };
        let results = verifier.verify_embedded(&layout, issuer_key_hash, &[]);
        for (result, want) in results
            .iter()
            .zip(observed["scts"].as_array().expect("scts"))
        {
            assert_eq!(
                Some(u64::from(result.version)),
                want["version"].as_u64(),
                "{file} SCT #{}",
                result.index + 1
            );
            let want_result = want["result"].as_str().expect("result");
            let want_status = match want_result {
                "not verified (unknown log)" => Some(SctStatus::UnknownLog),
                other => status_for(other),
            };
            if let Some(status) = want_status {
                assert_eq!(
                    result.status,
                    status,
                    "{file} SCT #{}: {:?}",
                    result.index + 1,
                    result.detail
                );
            }
        }
    }
}

#[test]
fn precert_tbs_matches_log_entry_hashes() {
    let expected = expected();
    let mut checked = 0;
    for entry in expected["precerts"].as_array().expect("array") {
        let Some(want) = entry["log_entry_tbs_sha256"].as_str() else {
            continue;
        };
        // A final certificate without its SCT list, or a precertificate
        // without its poison, is the TBSCertificate the log signed.
        let files: Vec<&str> = match entry["files"].as_array() {
            Some(files) => files
                .iter()
                .filter_map(Value::as_str)
                .filter(|f| f.ends_with(".pem"))
                .collect(),
            None => vec![entry["file"].as_str().expect("file")],
        };
        let final_or_precert = files
            .iter()
            .find(|f| {
                f.ends_with("-cert.pem") && !f.ends_with("-pre-cert.pem")
                    || f.ends_with("final.pem")
            })
            .or_else(|| files.first())
            .expect("a certificate");
        let der = cert(final_or_precert);
        let layout =
            CertificateLayout::parse(&der).unwrap_or_else(|e| panic!("{final_or_precert}: {e}"));
        assert_eq!(
            hex::encode(sha256(&layout.precert_tbs())),
            want,
            "{final_or_precert}"
        );
        checked += 1;

        if let (Some(issuer), Some(hash)) = (
            entry["issuer_file"].as_str(),
            entry["issuer_key_hash"].as_str(),
        ) {
            let issuer = CertificateLayout::parse(&cert(issuer))
                .expect("issuer parses")
                .key_hash();
            assert_eq!(
                hex::encode(issuer),
                hash,
                "{final_or_precert}: issuer key hash"
            );
        }
    }
    assert!(checked >= 10, "only {checked} entries checked");
}

#[test]
fn precert_tbs_equals_expected_der() {
    // The log-signed TBS of the CT test precertificate, poison removed.
    let precert = cert("precerts/ct-test/test-embedded-pre-cert.pem");
    let layout = CertificateLayout::parse(&precert).expect("parses");
    assert!(layout.is_precertificate());
    assert_eq!(
        layout.precert_tbs(),
        read("cases/test-embedded-pre-cert.expected-tbs.der")
    );

    // The final certificate without its SCT list gives the same bytes.
    let final_cert = cert("precerts/ct-test/test-embedded-cert.pem");
    let final_layout = CertificateLayout::parse(&final_cert).expect("parses");
    assert_eq!(
        final_layout.precert_tbs(),
        read("cases/test-embedded-pre-cert.expected-tbs.der")
    );

    // Through a Precertificate Signing Certificate the log rewrites issuer
    // and Authority Key Identifier, so only the final certificate gives the
    // signed TBS.
    let final_cert = cert("precerts/ct-test/test-embedded-with-preca-cert.pem");
    let final_layout = CertificateLayout::parse(&final_cert).expect("parses");
    assert_eq!(
        final_layout.precert_tbs(),
        read("cases/test-embedded-with-preca-pre-cert.expected-tbs.der")
    );
}

#[test]
fn issuer_key_hash_uses_final_issuer() {
    let ca = CertificateLayout::parse(&cert("precerts/ct-test/ca-cert.pem"))
        .expect("parses")
        .key_hash();
    assert_eq!(
        hex::encode(ca),
        "02adddca08b8bf9861f035940c940156d8350fdff899a6239c6bd77255b8f8fc"
    );
}

#[test]
fn sct_files_verify_over_precert_entry() {
    let logs = logs_with_test_logs();
    let verifier = Verifier::new(&logs, now_ms());
    let issuer_key_hash = CertificateLayout::parse(&cert("precerts/ct-test/ca-cert.pem"))
        .expect("parses")
        .key_hash();
    for (precert, sct_file) in [
        (
            "precerts/ct-test/test-embedded-pre-cert.pem",
            "precerts/ct-test/test-embedded-pre-cert.sct",
        ),
        (
            "precerts/ct-test/test-embedded-pre-cert.pem",
            "precerts/ct-test/test-embedded-pre-cert.rsa-log.sct",
        ),
        (
            "precerts/ct-test/test-embedded-with-preca-cert.pem",
            "precerts/ct-test/test-embedded-with-preca-pre-cert.sct",
        ),
    ] {
        let der = cert(precert);
        let tbs = CertificateLayout::parse(&der)
            .expect("parses")
            .precert_tbs();
        let sct = Sct::from_bytes(&read(sct_file)).unwrap_or_else(|e| panic!("{sct_file}: {e}"));
        let entry = SignedEntry::Precert {
            issuer_key_hash,
            tbs_certificate: &tbs,
        };
        assert_eq!(
            verifier.check(&sct, &entry).0,
            SctStatus::Valid,
            "{sct_file}"
        );
    }
}

#[test]
fn x509_entry_signed_data_matches_files() {
    let logs = LogList::bundled();
    let verifier = Verifier::new(&logs, now_ms());
    for name in ["2018_google-com_symantec-log", "2017_ritter-vg_skydiver"] {
        let der = cert(&format!("sct_raw/x509_entry/{name}.cert.pem"));
        let sct =
            Sct::from_bytes(&read(&format!("sct_raw/x509_entry/{name}.sct"))).expect("SCT decodes");
        let entry = SignedEntry::X509 { certificate: &der };
        let signed = sct.signed_data(&entry).expect("encodes");
        assert_eq!(
            signed,
            read(&format!("sct_raw/x509_entry/{name}.signed_data.bin")),
            "{name}: signed data"
        );
        assert_eq!(
            sct.signature.signature,
            read(&format!("sct_raw/x509_entry/{name}.signature.der")),
            "{name}"
        );
        assert_eq!(verifier.check(&sct, &entry).0, SctStatus::Valid, "{name}");
    }
}

#[test]
fn ct_test_x509_entry_scts_verify() {
    let logs = logs_with_test_logs();
    let verifier = Verifier::new(&logs, now_ms());
    for (cert_file, sct_file) in [
        (
            "sct_raw/ct-test/test-cert.pem",
            "sct_raw/ct-test/test-cert.ec-log.sct",
        ),
        (
            "sct_raw/ct-test/test-cert.pem",
            "sct_raw/ct-test/test-cert.rsa-log.sct",
        ),
        (
            "sct_raw/ct-test/test-intermediate-cert.pem",
            "sct_raw/ct-test/test-intermediate-cert.ec-log.sct",
        ),
    ] {
        let der = cert(cert_file);
        let sct = Sct::from_bytes(&read(sct_file)).unwrap_or_else(|e| panic!("{sct_file}: {e}"));
        let entry = SignedEntry::X509 { certificate: &der };
        assert_eq!(
            verifier.check(&sct, &entry).0,
            SctStatus::Valid,
            "{sct_file}"
        );
    }
}

#[test]
fn openssl_tls_sct_matches_2020_certificate_only() {
    let logs = logs_with_test_logs();
    let verifier = Verifier::new(&logs, now_ms());
    let sct = Sct::from_bytes(&read("sct_raw/openssl/embeddedSCTs1.tlssct")).expect("decodes");
    for (year, want) in [
        ("2020", SctStatus::Valid),
        ("2022", SctStatus::InvalidSignature),
    ] {
        let der = cert(&format!("sct_raw/openssl/embeddedSCTs1.{year}.pem"));
        let issuer = cert(&format!("sct_raw/openssl/embeddedSCTs1_issuer.{year}.pem"));
        let layout = CertificateLayout::parse(&der).expect("parses");
        let issuer_key_hash = CertificateLayout::parse(&issuer)
            .expect("parses")
            .key_hash();
        let embedded = verifier.verify_embedded(&layout, issuer_key_hash, &[]);
        assert_eq!(embedded.len(), 1, "{year}");
        assert_eq!(
            embedded.first().map(|r| r.status),
            Some(SctStatus::Valid),
            "{year} embedded"
        );

        // The .tlssct file is the 2020 certificate's SCT, signed over its
        // precertificate, so it only verifies there.
        let tbs = layout.precert_tbs();
        let entry = SignedEntry::Precert {
            issuer_key_hash,
            tbs_certificate: &tbs,
        };
        assert_eq!(verifier.check(&sct, &entry).0, want, "{year} tlssct");
    }
}

#[test]
fn tls_extension_sct_list_decodes() {
    // 00 12 | 01 69 | SignedCertificateTimestampList (359 bytes) with 3 SCTs.
    let data = read("sct_raw/tls/serverhello_signed_certificate_timestamp_ext_2014.bin");
    assert_eq!(data.get(..4), Some(&[0x00, 0x12, 0x01, 0x69][..]));
    let list = SctList::from_tls(data.get(4..).expect("body")).expect("decodes");
    let ids: Vec<String> = list
        .scts
        .iter()
        .map(|s| match s {
            SerializedSct::V1(sct) => sct.log_id.to_base64(),
            SerializedSct::Unknown { .. } => "unknown".into(),
        })
        .collect();
    let logs = LogList::bundled();
    let names: Vec<String> = list
        .scts
        .iter()
        .filter_map(|s| match s {
            SerializedSct::V1(sct) => logs.find(&sct.log_id).map(|l| l.description.clone()),
            SerializedSct::Unknown { .. } => None,
        })
        .collect();
    assert_eq!(ids.len(), 3);
    assert_eq!(
        names,
        [
            "Google 'Pilot' log",
            "Google 'Aviator' log",
            "Google 'Rocketeer' log"
        ]
    );
}

/// Parses a `name: hex` line of a cases/*.hex file.
fn hex_case(text: &str, name: &str) -> Vec<u8> {
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{name}:")))
        .unwrap_or_else(|| panic!("case {name} missing"));
    let value = line.split_once(':').expect("colon").1;
    let value = value.split('#').next().expect("value").trim();
    let value = value.strip_prefix("serialized_sct=").unwrap_or(value);
    hex::decode(value).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Returns the TLS list inside an extnValue `04 LEN list`.
fn unwrap_octet_string(der: &[u8]) -> &[u8] {
    let mut r = DerReader::new(der, 0, Layer::SctListExtension);
    r.expect(TAG_OCTET_STRING, "extnValue")
        .expect("OCTET STRING")
        .content
}

#[test]
fn sct_list_length_mismatches_are_rejected() {
    let text = String::from_utf8(read("cases/sct-list-length-mismatches.hex")).expect("UTF-8");
    let valid = SctList::from_tls(unwrap_octet_string(&hex_case(&text, "valid_minimal")))
        .expect("valid_minimal");
    assert_eq!(valid.scts.len(), 1);

    // Offsets count from the list's 2-byte length prefix. An SCT with empty
    // extensions and an empty signature is 2 + 47 bytes: version 1, log ID
    // 32, timestamp 8, extensions length 2, hash 1, signature algorithm 1,
    // signature length 2 (RFC 6962 3.2).
    let cases = [
        (
            "trailing_byte_after_list",
            Layer::SctList,
            "list length",
            51,
            ErrorKind::TrailingBytes { count: 1 },
        ),
        (
            "trailing_byte_inside_sct",
            Layer::Sct(0),
            "SerializedSCT",
            51,
            ErrorKind::TrailingBytes { count: 1 },
        ),
        (
            "list_length_exceeds_container",
            Layer::SctList,
            "list length",
            0,
            ErrorKind::Truncated {
                needed: 0x40,
                remaining: 0x31,
            },
        ),
        (
            "sct_length_exceeds_list",
            Layer::Sct(0),
            "SerializedSCT length",
            2,
            ErrorKind::Truncated {
                needed: 0x35,
                remaining: 0x2f,
            },
        ),
        (
            "zero_length_sct_entry",
            Layer::Sct(0),
            "SerializedSCT length",
            2,
            ErrorKind::Empty,
        ),
        (
            "signature_length_exceeds_sct",
            Layer::Sct(0),
            "signature",
            49,
            ErrorKind::Truncated {
                needed: 5,
                remaining: 0,
            },
        ),
    ];
    for (name, layer, field, offset, kind) in cases {
        let err = SctList::from_tls(unwrap_octet_string(&hex_case(&text, name))).expect_err(name);
        assert_eq!(err.layer, layer, "{name}: {err}");
        assert_eq!(err.field, field, "{name}: {err}");
        assert_eq!(err.offset, offset, "{name}: {err}");
        assert_eq!(err.kind, kind, "{name}: {err}");
    }
}

#[test]
fn static_ct_extensions_are_signed() {
    let text = String::from_utf8(read("cases/static-ct-leaf-index-extension.hex")).expect("UTF-8");
    let logs = logs_with_test_logs();
    let verifier = Verifier::new(&logs, now_ms());
    let issuer_key_hash = CertificateLayout::parse(&cert("precerts/ct-test/ca-cert.pem"))
        .expect("parses")
        .key_hash();
    let tbs = read("cases/test-embedded-pre-cert.expected-tbs.der");
    let entry = SignedEntry::Precert {
        issuer_key_hash,
        tbs_certificate: &tbs,
    };
    for (name, want) in [
        ("correct_ext_copied", SctStatus::Valid),
        ("ext_dropped", SctStatus::InvalidSignature),
        ("ext_left_base64_text", SctStatus::InvalidSignature),
    ] {
        let sct = Sct::from_bytes(&hex_case(&text, name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(verifier.check(&sct, &entry).0, want, "{name}");
    }

    let list = SctList::from_tls(unwrap_octet_string(&hex_case(
        &text,
        "sct_list_extnValue_with_correct_sct",
    )))
    .expect("decodes");
    let Some(SerializedSct::V1(sct)) = list.scts.first() else {
        panic!("one v1 SCT expected");
    };
    assert_eq!(ctkit::sct::leaf_index(&sct.extensions), Some(1234));
}

#[test]
fn v1_log_lists_match_v3_log_ids() {
    // The manifest counts 58 and 27 logs and finds every one of them in
    // the v3 all-logs list, by the SHA-256 of its key.
    let bundled = LogList::bundled();
    for (file, count) in [
        ("loglists/google_v1_all_logs_list_2018-03-03.json", 58),
        ("loglists/google_v1_log_list_2018-03-03.json", 27),
    ] {
        let list = LogList::from_json(&read(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(list.len(), count, "{file}");
        for log in list.logs() {
            let v3 = bundled.find(&log.log_id);
            assert!(
                v3.is_some(),
                "{file}: {} not in the v3 list",
                log.description
            );
            assert!(
                !log.operator.is_empty(),
                "{file}: {} has no operator",
                log.description
            );
        }
    }
}

#[test]
fn final_certificates_verify_embedded_scts() {
    let expected = expected();
    let logs = logs_with_test_logs();
    let verifier = Verifier::new(&logs, now_ms());
    let mut checked = 0;
    for entry in expected["precerts"].as_array().expect("array") {
        let Some(issuer) = entry["final_issuer"].as_str() else {
            continue;
        };
        let files = entry["files"].as_array().expect("files");
        let final_file = files
            .iter()
            .filter_map(Value::as_str)
            .find(|f| f.ends_with("-cert.pem") && !f.ends_with("-pre-cert.pem"))
            .expect("final certificate");
        let want = entry["final_embedded_scts"]
            .as_array()
            .expect("final_embedded_scts");
        let der = cert(final_file);
        let layout = CertificateLayout::parse(&der).unwrap_or_else(|e| panic!("{final_file}: {e}"));
        let issuer_key_hash = CertificateLayout::parse(&cert(issuer))
            .expect("issuer parses")
            .key_hash();
        let results = verifier.verify_embedded(&layout, issuer_key_hash, &[]);
        assert_eq!(results.len(), want.len(), "{final_file}");
        for (r, w) in results.iter().zip(want) {
            assert_eq!(
                Some(r.status),
                status_for(w["result"].as_str().expect("result")),
                "{final_file} SCT #{}",
                r.index + 1
            );
            assert_eq!(
                r.timestamp,
                w["timestamp_ms"].as_u64(),
                "{final_file} SCT #{}",
                r.index + 1
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 4, "the four CT test PKI pairs");
}

#[test]
fn poison_removal_matches_azul_golden_tbs() {
    // Through a Precertificate Signing Certificate, removing the poison
    // alone gives this golden file. The log's issuer key hash is that of
    // the signing certificate's issuer, intermediate.pem.
    let dir = "precerts/google-merge-delay-preissuer-2018";
    let der = cert(&format!("{dir}/precert.pem"));
    let layout = CertificateLayout::parse(&der).expect("parses");
    assert!(layout.is_precertificate());
    let tbs = layout.tbs_without(&[ctkit::x509::OID_PRECERT_POISON]);
    assert_eq!(
        tbs,
        read(&format!("{dir}/azul-golden-poison-removed-tbs.der"))
    );
    let intermediate = cert(&format!("{dir}/intermediate.pem"));
    let intermediate = CertificateLayout::parse(&intermediate).expect("parses");
    assert_eq!(
        hex::encode(intermediate.key_hash()),
        "e37689003073a0c649cc656de946c03174d25c566fe3c3805b846f5236943798"
    );
}
