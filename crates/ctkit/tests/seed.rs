//! The example certificate: a Let's Encrypt certificate of 2018-03-29 with
//! SCTs from Cloudflare 'Nimbus2018' and Google 'Icarus', both valid per
//! testdata/seed/README.md, and what verification reports when it is altered.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test fails loudly on a broken fixture"
)]

use std::path::Path;

use ctkit::annotate::Discard;
use ctkit::error::Layer;
use ctkit::input::read_blocks;
use ctkit::inspect::inspect_certificate;
use ctkit::loglist::LogList;
use ctkit::sct::SctList;
use ctkit::verify::{IssuerCandidate, SctStatus, Verifier};
use ctkit::x509::CertificateLayout;

fn cert(rel: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(rel);
    let data =
        std::fs::read(&path).unwrap_or_else(|e| panic!("missing fixture {}: {e}", path.display()));
    read_blocks(&data).expect("PEM").remove(0).der
}

fn leaf() -> Vec<u8> {
    cert("seed/le-2018-5c9a7f.pem")
}

fn issuer_key_hash() -> [u8; 32] {
    CertificateLayout::parse(&cert("seed/le-x3-issuer.pem"))
        .expect("issuer parses")
        .key_hash()
}

/// 2026-12-04T00:00:00Z, after both SCTs.
const NOW_MS: u64 = 1_796_342_400_000;

/// The last signature byte of SCT #1. Offsets in the example certificate
/// were read with `openssl asn1parse` and match testdata/seed/README.md.
/// The SCT list extension starts at 1047 and the TLS list at 1069. SCT #1
/// starts at 1071 (117 bytes) and SCT #2 at 1190 (119 bytes).
const SCT1_SIGNATURE_LAST_BYTE: usize = 1071 + 2 + 117 - 1;

#[test]
fn seed_scts_are_both_valid() {
    let der = leaf();
    let layout = CertificateLayout::parse(&der).expect("parses");
    let logs = LogList::bundled();
    let results = Verifier::new(&logs, NOW_MS).verify_embedded(&layout, issuer_key_hash(), &[]);
    assert_eq!(results.len(), 2);
    let names: Vec<_> = results
        .iter()
        .map(|r| r.log_name.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        names,
        ["Cloudflare 'Nimbus2018' Log", "Google 'Icarus' log"]
    );
    let timestamps: Vec<_> = results.iter().map(|r| r.timestamp).collect();
    assert_eq!(
        timestamps,
        [Some(1_522_349_107_993), Some(1_522_349_108_010)]
    );
    for r in &results {
        assert_eq!(
            r.status,
            SctStatus::Valid,
            "SCT #{}: {:?}",
            r.index + 1,
            r.detail
        );
    }
}

#[test]
fn seed_layers_have_published_lengths() {
    let der = leaf();
    let layout = CertificateLayout::parse(&der).expect("parses");
    let ext = layout
        .extension(ctkit::x509::OID_SCT_LIST)
        .expect("SCT list extension");
    // extnValue OCTET STRING of 245 bytes, length encoded 0x81 0xF5.
    assert_eq!(ext.value.header, [0x04, 0x81, 0xf5]);
    assert!(!ext.is_critical());
    assert!(ext.critical.is_none(), "DEFAULT FALSE must be omitted");
    let list = layout.sct_list.as_ref().expect("list");
    assert_eq!(list.to_tls().expect("encodes").len(), 242);
}

#[test]
fn flipped_signature_byte_is_invalid() {
    let mut der = leaf();
    der[SCT1_SIGNATURE_LAST_BYTE] ^= 0x01;
    let layout = CertificateLayout::parse(&der).expect("still parses");
    let logs = LogList::bundled();
    let results = Verifier::new(&logs, NOW_MS).verify_embedded(&layout, issuer_key_hash(), &[]);
    assert_eq!(results[0].status, SctStatus::InvalidSignature);
    assert_eq!(results[1].status, SctStatus::Valid);
}

#[test]
fn log_missing_from_list_is_unknown() {
    let der = leaf();
    let layout = CertificateLayout::parse(&der).expect("parses");
    let logs = LogList::default();
    let results = Verifier::new(&logs, NOW_MS).verify_embedded(&layout, issuer_key_hash(), &[]);
    assert_eq!(results[0].status, SctStatus::UnknownLog);
    assert_eq!(results[1].status, SctStatus::UnknownLog);
    assert_eq!(results[0].log_name, None);
}

#[test]
fn wrong_issuer_is_invalid_with_diagnostics() {
    let der = leaf();
    let layout = CertificateLayout::parse(&der).expect("parses");
    let wrong = CertificateLayout::parse(&cert("precerts/ct-test/ca-cert.pem"))
        .expect("parses")
        .key_hash();
    let candidates = [IssuerCandidate {
        label: "le-x3-issuer.pem".into(),
        key_hash: issuer_key_hash(),
    }];
    let logs = LogList::bundled();
    let results = Verifier::new(&logs, NOW_MS).verify_embedded(&layout, wrong, &candidates);
    for r in &results {
        assert_eq!(r.status, SctStatus::InvalidSignature);
        let d = r.diagnostics.as_ref().expect("diagnostics");
        assert_eq!(d.issuer_key_hash, hex::encode(wrong));
        assert_eq!(d.tbs_length, layout.precert_tbs().len());
        assert_eq!(d.would_verify_with, ["le-x3-issuer.pem as the issuer"]);
    }
}

#[test]
fn timestamp_after_clock_is_future() {
    let der = leaf();
    let layout = CertificateLayout::parse(&der).expect("parses");
    let logs = LogList::bundled();
    // 2018-01-01T00:00:00Z, before both SCTs.
    let results =
        Verifier::new(&logs, 1_514_764_800_000).verify_embedded(&layout, issuer_key_hash(), &[]);
    assert_eq!(results[0].status, SctStatus::FutureTimestamp);
}

#[test]
fn truncated_certificate_never_panics() {
    let der = leaf();
    for len in 0..der.len() {
        let prefix = &der[..len];
        let err = CertificateLayout::parse(prefix).expect_err("a prefix is not a certificate");
        assert!(
            err.offset <= len,
            "offset {} past the end {len}",
            err.offset
        );
        let inspection = inspect_certificate(1, None, prefix);
        assert!(inspection.error.is_some());
    }
}

#[test]
fn flipped_bytes_never_panic() {
    let der = leaf();
    for i in 0..der.len() {
        for mask in [0x01u8, 0x80, 0xff] {
            let mut bad = der.clone();
            bad[i] ^= mask;
            if let Ok(layout) = CertificateLayout::parse(&bad) {
                let _ = layout.precert_tbs();
            }
            let _ = inspect_certificate(1, None, &bad);
        }
    }
}

#[test]
fn truncated_sct_list_names_sct_and_offset() {
    let der = leaf();
    let layout = CertificateLayout::parse(&der).expect("parses");
    let tls = layout
        .sct_list
        .as_ref()
        .expect("list")
        .to_tls()
        .expect("encodes");
    // Cut the list inside SCT #2 and fix the list length so only the SCT's
    // own length prefix is wrong: 119 bytes declared, 12 remain.
    let mut cut = tls[..2 + 2 + 117 + 2 + 12].to_vec();
    let body = u16::try_from(cut.len() - 2).expect("fits");
    cut[..2].copy_from_slice(&body.to_be_bytes());
    let err = SctList::decode(&cut, 1069, &mut Discard).expect_err("truncated");
    assert_eq!(err.layer, Layer::Sct(1));
    assert_eq!(err.field, "SerializedSCT length");
    assert_eq!(err.offset, 1190);
    assert_eq!(
        err.to_string(),
        "SerializedSCT #2: SerializedSCT length: truncated: needs 119 bytes, 12 remain, at byte 1190 (0x4a6)"
    );
}

/// Rebuilds the example certificate with its SCT list extension twice.
fn seed_with_duplicate_sct_extension() -> Vec<u8> {
    use ctkit::der::write_tlv;
    let der = leaf();
    let layout = CertificateLayout::parse(&der).expect("parses");
    let ext = layout
        .extension(ctkit::x509::OID_SCT_LIST)
        .expect("extension");
    let ext_bytes = &der[ext.tlv.offset..ext.tlv.end()];
    let seq = layout.extensions_sequence.expect("Extensions");
    let field = layout.extensions_field.expect("[3]");

    let mut extensions = seq.content.to_vec();
    extensions.extend_from_slice(ext_bytes);
    let mut inner = Vec::new();
    write_tlv(0x30, &extensions, &mut inner);
    let mut wrapped = Vec::new();
    write_tlv(0xa3, &inner, &mut wrapped);

    let mut tbs_content = der[layout.tbs.content_offset()..field.offset].to_vec();
    tbs_content.extend_from_slice(&wrapped);
    tbs_content.extend_from_slice(&der[field.end()..layout.tbs.end()]);
    let mut cert_content = Vec::new();
    write_tlv(0x30, &tbs_content, &mut cert_content);
    cert_content.extend_from_slice(&der[layout.tbs.end()..]);
    let mut out = Vec::new();
    write_tlv(0x30, &cert_content, &mut out);
    out
}

#[test]
fn duplicate_sct_extension_is_rejected() {
    // RFC 5280 4.2: a certificate must not include more than one instance
    // of a particular extension. With two SCT lists, which one a verifier
    // reads is ambiguous.
    let der = seed_with_duplicate_sct_extension();
    let Err(err) = CertificateLayout::parse(&der) else {
        panic!("a repeated extension was accepted");
    };
    assert_eq!(err.layer, Layer::Extension(9));
    assert_eq!(err.field, "extnID");
    assert_eq!(
        err.kind,
        ctkit::ErrorKind::InvalidValue(
            "the extension appears twice; RFC 5280 4.2 allows one instance of each"
        )
    );
}
