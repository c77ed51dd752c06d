//! The linter on arbitrary bytes, as a certificate and as the final
//! certificate of a precertificate pair.
//!
//! Oracle: no panic; every finding's offset lies inside the input, and
//! every finding's id is in the catalogue.

#![no_main]

use ctkit::lint::{CATALOGUE, Context, compare_precert, lint_certificate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let findings = lint_certificate(data, &Context::default());
    for f in &findings {
        assert!(f.offset <= data.len(), "offset {} past {} bytes: {f:?}", f.offset, data.len());
        assert!(CATALOGUE.iter().any(|c| c.id == f.id), "unknown id {}", f.id);
    }
    // Split the input in two to exercise the precertificate comparison.
    let (precert, final_certificate) = data.split_at(data.len() / 2);
    let _ = compare_precert(precert, final_certificate);
});
