#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly on broken fixtures"
)]

//! Final certificates rebuilt from their precertificates: real CAs put the
//! SCT list where the poison was, so the final TBSCertificate built from the
//! precertificate and the final certificate's SCT list must equal the real
//! final certificate's, byte for byte.

use std::path::PathBuf;

use ctkit::x509::CertificateLayout;

fn der(path: &str) -> Vec<u8> {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(path);
    let data = std::fs::read(&full).unwrap();
    ctkit::input::read_blocks(&data).unwrap().remove(0).der
}

fn sct_list_bytes(layout: &CertificateLayout<'_>) -> Vec<u8> {
    let extension = layout.extension(ctkit::x509::OID_SCT_LIST).unwrap();
    extension.inner_octet_string().unwrap().content.to_vec()
}

#[test]
fn final_tbs_rebuilds_real_final_certificates() {
    let pairs = [
        (
            "precerts/ct-test/test-embedded-pre-cert.pem",
            "precerts/ct-test/test-embedded-cert.pem",
            None,
        ),
        (
            "precerts/ct-test/test-embedded-with-intermediate-pre-cert.pem",
            "precerts/ct-test/test-embedded-with-intermediate-cert.pem",
            None,
        ),
        (
            "precerts/ct-test/test-embedded-with-preca-pre-cert.pem",
            "precerts/ct-test/test-embedded-with-preca-cert.pem",
            Some("precerts/ct-test/ca-pre-cert.pem"),
        ),
        (
            "precerts/ct-test/test-embedded-with-intermediate-preca-pre-cert.pem",
            "precerts/ct-test/test-embedded-with-intermediate-preca-cert.pem",
            Some("precerts/ct-test/intermediate-pre-cert.pem"),
        ),
        (
            "precerts/google-com-2025/precert.pem",
            "precerts/google-com-2025/final.pem",
            None,
        ),
    ];
    for (pre, fin, preissuer) in pairs {
        let pre_der = der(pre);
        let final_der = der(fin);
        let preissuer_der = preissuer.map(der);
        let precert = CertificateLayout::parse(&pre_der).unwrap();
        let final_cert = CertificateLayout::parse(&final_der).unwrap();
        let preissuer = preissuer_der
            .as_deref()
            .map(|d| CertificateLayout::parse(d).unwrap());
        let rebuilt = precert.final_tbs(preissuer.as_ref(), &sct_list_bytes(&final_cert));
        assert_eq!(rebuilt, final_cert.tbs_der(), "{fin}");
    }
}
