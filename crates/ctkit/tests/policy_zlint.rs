#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly on broken fixtures"
)]

//! The SCT counts that the Apple policy requires for a lifetime, against
//! zlint's `w_ct_sct_policy_count_unsatisfied` test certificates in
//! testdata/malformed_lint/: zlint passes a certificate whose SCT count
//! meets the requirement and gives a notice otherwise. The SCTs are fake
//! (their logs are in no list), so only the required count is compared.

use std::path::PathBuf;

use ctkit::policy::{Policy, evaluate};
use ctkit::x509::CertificateLayout;

#[test]
fn apple_counts_match_zlint() {
    // (file, SCTs in the certificate, zlint's verdict)
    let cases = [
        ("zlint_ct3mo1SCTs", 1, false),
        ("zlint_ct3mo2SCTs", 2, true),
        ("zlint_ct18mo2SCTs", 2, false),
        ("zlint_ct18mo3SCTs", 3, true),
        ("zlint_ct38mo3SCTs", 3, false),
        ("zlint_ct38mo4SCTs", 4, true),
        ("zlint_ct666mo4SCTs", 4, false),
    ];
    let logs = ctkit::LogList::bundled();
    for (name, count, zlint_passes) in cases {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/malformed_lint")
            .join(format!("{name}.pem"));
        let pem = std::fs::read(path).unwrap();
        let der = ctkit::input::read_blocks(&pem).unwrap().remove(0).der;
        let layout = CertificateLayout::parse(&der).unwrap();
        let scts = layout.sct_list.as_ref().map_or(0, |l| l.scts.len());
        assert_eq!(scts, count, "{name}");
        let not_before = layout.not_before_ms().unwrap();
        let evaluation = evaluate(
            Policy::Apple,
            not_before,
            layout.not_after_ms().unwrap(),
            &[],
            &logs,
            not_before + 86_400_000,
        );
        assert_eq!(
            count >= evaluation.required,
            zlint_passes,
            "{name}: {evaluation:?}"
        );
    }
}
