//! Fuzzes the certificate decoders: the byte-layout parser, the inspector
//! with its text rendering, and the x509-parser summary.
//!
//! Oracle: when `CertificateLayout::parse` accepts the input and decodes an
//! SCT list, `SctList::to_tls` must return exactly the bytes of the inner
//! OCTET STRING that the list was decoded from.

#![no_main]

use ctkit::sct::SctList;
use ctkit::x509::{CertificateLayout, OID_SCT_LIST};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(layout) = CertificateLayout::parse(data) {
        let _ = layout.precert_tbs();
        let _ = layout.key_hash();
        if let Some(list) = &layout.sct_list {
            check_sct_list_round_trip(&layout, list);
        }
    }

    let inspection = ctkit::inspect::inspect_certificate(1, None, data);
    let _ = ctkit::inspect::render_text(&inspection);
    let _ = ctkit::summary::summarize(data);
});

/// Checks that the decoded SCT list re-encodes to the TLS bytes it came from.
fn check_sct_list_round_trip(layout: &CertificateLayout<'_>, list: &SctList) {
    // The parser keeps the list of the last SCT list extension when the
    // certificate has more than one, so the oracle compares against that one.
    let extension = layout
        .extensions
        .iter()
        .rev()
        .find(|e| e.oid == OID_SCT_LIST)
        .expect("an SCT list was decoded, so an SCT list extension must exist");
    let tls = inner_octet_string_content(extension.value.content);
    let encoded = list
        .to_tls()
        .expect("an SCT list decoded from TLS bytes must encode again");
    assert_eq!(
        encoded, tls,
        "SctList::to_tls differs from the inner OCTET STRING content"
    );
}

/// Returns the content of the OCTET STRING that fills `extn_value`.
///
/// The header is read here rather than with `ctkit::der`, so the oracle does
/// not trust the reader under test. A parser that accepted the certificate
/// must have seen exactly one definite-length OCTET STRING, so any other
/// shape fails the check.
fn inner_octet_string_content(extn_value: &[u8]) -> &[u8] {
    let [tag, first, rest @ ..] = extn_value else {
        panic!("accepted extnValue is shorter than a DER header: {extn_value:02x?}");
    };
    assert_eq!(*tag, 0x04, "accepted extnValue does not hold an OCTET STRING");
    let (length, content) = if *first < 0x80 {
        (usize::from(*first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        assert!(
            (1..=4).contains(&count),
            "accepted extnValue has a length of {count} length bytes"
        );
        let Some((length_bytes, content)) = rest.split_at_checked(count) else {
            panic!("accepted extnValue is shorter than its {count} length bytes");
        };
        let length = length_bytes
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (length, content)
    };
    assert_eq!(
        length,
        content.len(),
        "accepted extnValue OCTET STRING length differs from the bytes that follow"
    );
    content
}
