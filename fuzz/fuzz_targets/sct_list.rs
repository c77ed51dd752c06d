//! Fuzzes the TLS decoders for an SCT list and for a single SCT, the ECDSA
//! signature decoder and the static-ct-api `leaf_index` extension reader.
//!
//! Oracle: whatever `SctList::from_tls` or `Sct::from_bytes` accepts must
//! encode back to the same bytes with `to_tls` or `to_bytes`.

#![no_main]

use ctkit::annotate::Discard;
use ctkit::sct::{Sct, SctList, decode_ecdsa_signature, leaf_index};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(list) = SctList::from_tls(data) {
        let encoded = list
            .to_tls()
            .expect("an SCT list decoded from TLS bytes must encode again");
        assert_eq!(encoded, data, "SctList round trip changed the bytes");
    }

    if let Ok(sct) = Sct::from_bytes(data) {
        let encoded = sct
            .to_bytes()
            .expect("an SCT decoded from TLS bytes must encode again");
        assert_eq!(encoded, data, "Sct round trip changed the bytes");
    }

    let _ = decode_ecdsa_signature(data, 0, 0, &mut Discard);
    let _ = leaf_index(data);
});
