#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly on broken fixtures"
)]

//! SCTs from the two delivery paths outside the certificate, on the real
//! files of testdata/sct_raw: a stapled OCSP response and the bytes of a
//! TLS signed_certificate_timestamp extension. Expected values are the
//! manifest's.

use std::path::PathBuf;

use ctkit::ocsp::scts_in_response;
use ctkit::sct::SerializedSct;

fn testdata(path: &str) -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata")
            .join(path),
    )
    .unwrap()
}

fn log_names(list: &ctkit::SctList) -> Vec<String> {
    let logs = ctkit::LogList::bundled();
    list.scts
        .iter()
        .map(|s| match s {
            SerializedSct::V1(sct) => logs
                .find(&sct.log_id)
                .map_or("unknown".into(), |l| l.description.clone()),
            SerializedSct::Unknown { .. } => "unknown version".into(),
        })
        .collect()
}

#[test]
fn ocsp_response_yields_its_four_scts() {
    let found = scts_in_response(&testdata(
        "sct_raw/ocsp/resp-sct-extension_swisssign-2019.der",
    ))
    .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].response_index, 0);
    assert_eq!(
        hex::encode(&found[0].serial),
        "23bf9a6c2bf9a2f0db5ecb4143caab63ad3871d3"
    );
    let names = log_names(&found[0].list);
    assert_eq!(names.len(), 4);
    assert!(names[0].contains("Nimbus2021"), "{names:?}");
    assert!(names[1].contains("Mammoth"), "{names:?}");
    assert!(names[2].contains("Skydiver"), "{names:?}");
    assert!(names[3].contains("Rocketeer"), "{names:?}");
}

#[test]
fn truncated_ocsp_response_names_layer_and_offset() {
    let der = testdata("sct_raw/ocsp/resp-sct-extension_swisssign-2019.der");
    for cut in [1, 10, der.len() / 2, der.len() - 1] {
        let err = scts_in_response(&der[..cut]).unwrap_err();
        assert!(err.offset <= cut, "cut {cut}: {err}");
        assert!(err.to_string().contains("OCSPResponse"), "cut {cut}: {err}");
    }
}

#[test]
fn tls_extension_bytes_yield_three_scts() {
    let data = testdata("sct_raw/tls/serverhello_signed_certificate_timestamp_ext_2014.bin");
    // With the extension header 00 12 and its length, and without.
    let with_header = ctkit::sct::SctList::from_tls_extension(&data).unwrap();
    let bare = ctkit::sct::SctList::from_tls_extension(&data[4..]).unwrap();
    assert_eq!(with_header, bare);
    let names = log_names(&bare);
    assert_eq!(names.len(), 3);
    assert!(names[0].contains("Pilot"), "{names:?}");
    assert!(names[1].contains("Aviator"), "{names:?}");
    assert!(names[2].contains("Rocketeer"), "{names:?}");
}
