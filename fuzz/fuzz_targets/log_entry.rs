//! Fuzzes the decoders for what get-entries and get-sth return: a
//! `MerkleTreeLeaf`, `extra_data` of both entry types, and a
//! `digitally-signed` tree head signature.
//!
//! Oracle: whatever a decoder accepts encodes back to the same bytes.

#![no_main]

use ctkit::entry::{ExtraData, MerkleTreeLeaf};
use ctkit::sct::DigitallySigned;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(leaf) = MerkleTreeLeaf::decode(data) {
        let encoded = leaf.encode().expect("a decoded leaf must encode again");
        assert_eq!(encoded, data, "MerkleTreeLeaf round trip changed the bytes");
    }
    for precert in [false, true] {
        if let Ok(extra) = ExtraData::decode(precert, data) {
            let encoded = extra.encode().expect("decoded extra_data must encode again");
            assert_eq!(encoded, data, "extra_data round trip changed the bytes");
        }
    }
    if let Ok(signed) = DigitallySigned::from_tls(data) {
        let encoded = signed.to_tls().expect("a decoded signature must encode again");
        assert_eq!(encoded, data, "digitally-signed round trip changed the bytes");
    }
});
