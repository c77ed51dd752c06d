//! The linter on the corpus: the findings that the source test suites
//! (pkilint, zlint, pyca/cryptography) assert, as testdata/MANIFEST.md and
//! the pkilint CSV files list them, and no error on well-formed certificates.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test fails loudly on a broken fixture"
)]

use std::path::Path;

use ctkit::input::read_blocks;
use ctkit::lint::{Context, Finding, Severity, compare_precert, lint_certificate};
use ctkit::loglist::LogList;
use ctkit::x509::CertificateLayout;
use serde_json::Value;

fn read(rel: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("missing fixture {}: {e}", path.display()))
}

fn cert(rel: &str) -> Vec<u8> {
    read_blocks(&read(rel)).expect("PEM").remove(0).der
}

fn ids(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.id).collect()
}

fn lint(rel: &str) -> Vec<Finding> {
    let logs = LogList::bundled();
    let context = Context {
        logs: Some(&logs),
        issuer_key_hash: None,
        now_ms: 0,
    };
    lint_certificate(&cert(rel), &context)
}

/// Returns the node path of pkilint's first ERROR or FATAL finding in its CSV.
fn pkilint_path(csv: &str) -> String {
    let text = String::from_utf8(read(csv)).expect("UTF-8");
    let row = text
        .lines()
        .skip(1)
        .find(|row| row.contains(",ERROR,") || row.contains(",FATAL,"))
        .expect("an error row");
    row.split(',').next().expect("node_path").to_owned()
}

#[test]
fn pkilint_cases_give_listed_findings() {
    for (file, id) in [
        ("malformed_lint/pkilint_sct_list_empty", "ct.sct_list.empty"),
        (
            "malformed_lint/pkilint_bad_sct_length",
            "ct.sct_list.encoding",
        ),
        (
            "malformed_lint/pkilint_precert_poison_and_sct_list",
            "ct.poison_with_sct_list",
        ),
    ] {
        let findings = lint(&format!("{file}.pem"));
        let errors: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        assert_eq!(errors.len(), 1, "{file}: {findings:?}");
        assert_eq!(errors[0].id, id, "{file}");
        assert_eq!(
            errors[0].path,
            pkilint_path(&format!("{file}.pkilint-expected.csv")),
            "{file}"
        );
    }
}

#[test]
fn signing_ca_issued_after_sunset_is_reported() {
    let file = "malformed_lint/pkilint_precert_signing_ca_issued_after_sunset";
    let findings = lint(&format!("{file}.pem"));
    assert_eq!(ids(&findings), ["cabf.precert_signing_ca.sunset"]);
    assert_eq!(
        findings[0].path,
        pkilint_path(&format!("{file}.pkilint-expected.csv"))
    );
}

#[test]
fn bad_sct_length_names_both_lengths() {
    // pkilint: "Invalid SCT list encoding: expected length: 359, actual length: 358".
    let findings = lint("malformed_lint/pkilint_bad_sct_length.pem");
    let message = &findings[0].message;
    assert!(
        message.contains("359") && message.contains("358"),
        "{message}"
    );
}

#[test]
fn pyca_vectors_give_listed_findings() {
    for (file, id) in [
        (
            "malformed_lint/pyca_badssl-sct-none-hash.pem",
            "ct.sct.algorithm",
        ),
        (
            "malformed_lint/pyca_invalid-sct-version.pem",
            "ct.sct.version",
        ),
        (
            "malformed_lint/pyca_invalid-sct-length.pem",
            "ct.sct_list.encoding",
        ),
    ] {
        let findings = lint(file);
        let errors: Vec<&str> = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.id)
            .collect();
        assert_eq!(errors, [id], "{file}: {findings:?}");
    }
}

#[test]
fn well_formed_certificates_have_no_error() {
    let expected: Value = serde_json::from_slice(&read("expected_results.json")).expect("JSON");
    for entry in expected["certs_embedded_sct"].as_array().expect("array") {
        let file = entry["file"].as_str().expect("file");
        let findings = lint(file);
        let unknown_log = file.contains("unknownlog");
        for f in &findings {
            let allowed = unknown_log && f.id == "ct.sct.unknown_log";
            assert!(allowed, "{file}: {f:?}");
        }
    }
}

#[test]
fn zlint_and_ca_cases_fire_no_ct_error() {
    // The zlint cases are NA, pass or not effective for their CT lints.
    // Without id-kp-precertificateSigning, nothing in the certificate with
    // a missing EKU marks it as a Precertificate Signing CA; pkilint takes
    // that from the certificate type its test declares. zlint's generated SCTs carry 32 random
    // bytes as ECDSA signatures, which the encoding check reports.
    for name in [
        "zlint_empty_sct_list_ok_01",
        "zlint_empty_sct_list_ok_02",
        "zlint_empty_sct_list_na_01",
        "zlint_empty_sct_list_na_02",
        "zlint_precert_with_sct_list_na1",
        "zlint_precert_with_sct_list_na2",
        "zlint_precert_with_sct_list_ok",
        "zlint_ctNoSCTs",
        "zlint_ctNoSCTsPoisoned",
        "zlint_excbakdat_sct0_oldx_effx",
        "zlint_excbakdat_sct1_old0_effx",
        "zlint_excbakdat_sct1_old1_eff0",
        "pkilint_precert_signing_ca_clean",
        "pkilint_precert_signing_ca_missing_required_eku",
    ] {
        let findings = lint(&format!("malformed_lint/{name}.pem"));
        let errors: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
    let findings = lint("malformed_lint/zlint_ct3mo1SCTs.pem");
    assert_eq!(
        ids(&findings),
        ["ct.sct.ecdsa_encoding", "ct.sct.unknown_log"]
    );
}

#[test]
fn tampered_certificate_fails_signature_check() {
    let logs = LogList::bundled();
    let issuer = cert("malformed_lint/pkilint_dtrust_8scts_tampered_ku.issuer.pem");
    let context = Context {
        logs: Some(&logs),
        issuer_key_hash: Some(
            CertificateLayout::parse(&issuer)
                .expect("parses")
                .key_hash(),
        ),
        now_ms: u64::MAX,
    };
    let findings = lint_certificate(
        &cert("malformed_lint/pkilint_dtrust_8scts_tampered_ku.pem"),
        &context,
    );
    assert_eq!(ids(&findings), ["ct.sct.signature"; 8]);
    assert!(findings.iter().all(|f| f.offset > 0), "{findings:?}");
}

#[test]
fn backdated_not_before_is_reported() {
    // The google.com certificate of 2025-06-02 has SCTs from that day.
    // Moving notBefore to 2025-05-20 backdates it by 13 days, past the 48
    // hours that TLS BRs 7.1.2.7 allow from 2023-09-15.
    let mut der = cert("certs_embedded_sct/2025_google-com_gts-wr2_2scts.pem");
    assert!(lint_certificate(&der, &Context::default()).is_empty());
    let layout = CertificateLayout::parse(&der).expect("parses");
    let at = layout.validity.content_offset() + 2; // UTCTime content
    assert_eq!(&der[at..at + 6], b"250602");
    der[at..at + 6].copy_from_slice(b"250520");
    let findings = lint_certificate(&der, &Context::default());
    assert_eq!(ids(&findings), ["cabf.not_before_backdated"]);
    assert_eq!(
        findings[0].path,
        "certificate.tbsCertificate.validity.notBefore"
    );
}

#[test]
fn der_deviations_are_reported_where_they_sit() {
    // The first extension of the example certificate is keyUsage with
    // critical TRUE: 01 01 ff at bytes 512 to 514 (openssl asn1parse).
    let der = cert("seed/le-2018-5c9a7f.pem");
    assert_eq!(der[512..515], [0x01, 0x01, 0xff]);

    let mut bad = der.clone();
    bad[514] = 0x01;
    let findings = lint_certificate(&bad, &Context::default());
    assert_eq!(ids(&findings), ["der.boolean_not_canonical"]);
    assert_eq!(findings[0].offset, 512);
    assert_eq!(
        findings[0].path,
        "certificate.tbsCertificate.extensions.0.critical"
    );

    let mut default = der.clone();
    default[514] = 0x00;
    let findings = lint_certificate(&default, &Context::default());
    assert_eq!(ids(&findings), ["x509.default_encoded"]);
    assert_eq!(findings[0].offset, 512);

    let mut trailing = der.clone();
    trailing.push(0x00);
    let findings = lint_certificate(&trailing, &Context::default());
    assert_eq!(ids(&findings), ["der.trailing_bytes"]);
    assert_eq!(findings[0].offset, der.len());
}

#[test]
fn non_minimal_length_is_reported_where_it_sits() {
    // Re-encode the SCT list extension's extnValue header 04 81 f5 (byte
    // 1063) as 04 82 00 f5, and grow the five enclosing 2-byte lengths by
    // one. The CT checks need DER lengths, so this is the only finding.
    let der = cert("seed/le-2018-5c9a7f.pem");
    let at = 1063;
    assert_eq!(der[at..at + 3], [0x04, 0x81, 0xf5]);
    let mut ber = der[..at].to_vec();
    ber.extend_from_slice(&[0x04, 0x82, 0x00, 0xf5]);
    ber.extend_from_slice(&der[at + 3..]);
    for offset in [2usize, 6, 499, 503, 1049] {
        let len = u16::from_be_bytes([ber[offset], ber[offset + 1]]) + 1;
        ber[offset..offset + 2].copy_from_slice(&len.to_be_bytes());
    }
    let findings = lint_certificate(&ber, &Context::default());
    assert_eq!(ids(&findings), ["der.length_not_minimal"]);
    assert_eq!(findings[0].offset, 1064);
    assert_eq!(
        findings[0].path,
        "certificate.tbsCertificate.extensions.8.extnValue"
    );
}

#[test]
fn precert_pairs_match_their_final_certificates() {
    for (precert, final_cert, want) in [
        ("test-embedded-pre-cert", "test-embedded-cert", vec![]),
        (
            "test-embedded-with-intermediate-pre-cert",
            "test-embedded-with-intermediate-cert",
            vec![],
        ),
        // Issued through a Precertificate Signing Certificate.
        (
            "test-embedded-with-preca-pre-cert",
            "test-embedded-with-preca-cert",
            vec!["ct.precert.signing_certificate"],
        ),
        (
            "test-embedded-with-intermediate-preca-pre-cert",
            "test-embedded-with-intermediate-preca-cert",
            vec!["ct.precert.signing_certificate"],
        ),
    ] {
        let findings = compare_precert(
            &cert(&format!("precerts/ct-test/{precert}.pem")),
            &cert(&format!("precerts/ct-test/{final_cert}.pem")),
        );
        assert_eq!(ids(&findings), want, "{precert}");
    }
    let google = compare_precert(
        &cert("precerts/google-com-2025/precert.pem"),
        &cert("precerts/google-com-2025/final.pem"),
    );
    assert!(google.is_empty(), "{google:?}");
}

#[test]
fn mismatched_pair_names_differing_fields() {
    // Two certificates of the CT test PKI that are not a pair: the serial
    // numbers are 7 and 2 (expected_results.json) and the keys differ.
    let findings = compare_precert(
        &cert("precerts/ct-test/test-embedded-pre-cert.pem"),
        &cert("precerts/ct-test/test-embedded-with-intermediate-cert.pem"),
    );
    let paths: Vec<&str> = findings.iter().map(|f| f.path.as_str()).collect();
    assert!(
        paths.contains(&"certificate.tbsCertificate.serialNumber"),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"certificate.tbsCertificate.subjectPublicKeyInfo"),
        "{paths:?}"
    );
    assert!(
        findings.iter().all(|f| f.id == "ct.precert.mismatch"),
        "{findings:?}"
    );
    let serial = findings
        .iter()
        .find(|f| f.path.ends_with("serialNumber"))
        .expect("serial");
    assert_eq!(
        serial.message,
        "serialNumber differs: precertificate 07, final certificate 02"
    );
}

#[test]
fn issuer_change_alone_is_a_mismatch() {
    // A Precertificate Signing Certificate changes the issuer and the
    // Authority Key Identifier together; a changed issuer with the same key
    // identifier is a different certificate. Byte 31 starts the issuer
    // Name (serialNumber at 13 is 02 01 07, then the signature algorithm).
    let precert = cert("precerts/ct-test/test-embedded-pre-cert.pem");
    let layout = CertificateLayout::parse(&precert).expect("parses");
    let at = layout.issuer.content_offset() + layout.issuer.content.len() - 1;
    let mut changed = precert.clone();
    changed[at] ^= 0x01;
    let findings = compare_precert(&changed, &cert("precerts/ct-test/test-embedded-cert.pem"));
    assert_eq!(ids(&findings), ["ct.precert.mismatch"]);
    assert_eq!(findings[0].path, "certificate.tbsCertificate.issuer");
}

#[test]
fn final_with_poison_is_reported() {
    let precert = cert("precerts/ct-test/test-embedded-pre-cert.pem");
    let findings = compare_precert(&precert, &precert);
    assert_eq!(ids(&findings), ["ct.precert.final_has_poison"]);
}

#[test]
fn invalid_validity_time_is_reported() {
    // notBefore of the google.com certificate is 250602...Z; day 52 is no date.
    let mut der = cert("certs_embedded_sct/2025_google-com_gts-wr2_2scts.pem");
    let not_before = CertificateLayout::parse(&der)
        .expect("parses")
        .validity
        .content_offset();
    let at = not_before + 2;
    assert_eq!(&der[at..at + 6], b"250602");
    der[at + 4..at + 6].copy_from_slice(b"52");
    let findings = lint_certificate(&der, &Context::default());
    assert_eq!(ids(&findings), ["x509.time_invalid"]);
    assert_eq!(
        findings[0].path,
        "certificate.tbsCertificate.validity.notBefore"
    );
    assert_eq!(findings[0].offset, not_before);
}

#[test]
fn poison_with_sct_list_points_at_list() {
    // pkilint reports it at the SCT list inside the extension; so does the
    // offset here: the TLS list after the two OCTET STRING headers.
    let der = cert("malformed_lint/pkilint_precert_poison_and_sct_list.pem");
    let findings = lint("malformed_lint/pkilint_precert_poison_and_sct_list.pem");
    let layout = CertificateLayout::parse_lenient(&der).expect("parses");
    let e = layout
        .extension(ctkit::x509::OID_SCT_LIST)
        .expect("SCT list");
    let inner_header =
        2 + usize::from(e.value.content[1] >= 0x80) * usize::from(e.value.content[1] & 0x7f);
    assert_eq!(findings[0].offset, e.value.content_offset() + inner_header);
}
