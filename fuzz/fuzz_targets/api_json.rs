//! Fuzzes the decoding of RFC 6962 API responses as the client reads them:
//! JSON into the response types, then base64 and TLS into SCTs, tree heads
//! and hashes.
//!
//! Oracle: no panic.

#![no_main]

use ctkit::api::{
    AddChainResponse, ConsistencyResponse, EntriesResponse, GetSthResponse, ProofByHashResponse,
    decode_b64, decode_hashes,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(sth) = serde_json::from_slice::<GetSthResponse>(data) {
        let _ = sth.to_sth();
    }
    if let Ok(sct) = serde_json::from_slice::<AddChainResponse>(data) {
        let _ = sct.to_sct();
    }
    if let Ok(proof) = serde_json::from_slice::<ProofByHashResponse>(data) {
        let _ = decode_hashes("audit_path", &proof.audit_path);
    }
    if let Ok(proof) = serde_json::from_slice::<ConsistencyResponse>(data) {
        let _ = decode_hashes("consistency", &proof.consistency);
    }
    if let Ok(entries) = serde_json::from_slice::<EntriesResponse>(data) {
        for entry in &entries.entries {
            if let Ok(leaf) = decode_b64("leaf_input", &entry.leaf_input) {
                let _ = ctkit::entry::MerkleTreeLeaf::decode(&leaf);
            }
        }
    }
});
