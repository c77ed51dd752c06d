//! Fuzzes what `ctkit issue` reads from its user: a CSR, a profile and a
//! private key, each of which may come from another party (a CSR always
//! does).
//!
//! Oracle: no panic, and an accepted CSR's request builds a TBSCertificate.

#![no_main]

use ctkit::build::{CaKey, Issuer, LastExtension, Profile, Template, request_from_csr};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = request_from_csr(data) {
        let template = Template::new(request, 1_700_000_000).expect("a template from a CSR");
        let issuer = Issuer {
            name: vec![0x30, 0x00],
            key_id: vec![1; 20],
        };
        let algorithm = [0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
        let _ = template.tbs(&issuer, &algorithm, LastExtension::Poison);
    }
    if let Ok(profile) = serde_json::from_slice::<Profile>(data) {
        let _ = profile.to_request(data);
    }
    let _ = CaKey::from_pem(data);
});
