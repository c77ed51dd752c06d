#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly on broken fixtures"
)]

//! Log entries built from submitted chains, checked against entries and
//! SCTs that other logs produced: the CT test log's SCTs must verify over
//! the entries built here, and real get-entries responses must be rebuilt
//! byte for byte.

use std::path::PathBuf;

use ctkit::entry::{ExtraData, MerkleTreeLeaf};
use ctkit::loglist::LogKey;
use ctkit::sct::{Sct, SignedEntry};
use ctkit_log::api::{EntriesResponse, decode_b64};
use ctkit_log::roots::Roots;
use ctkit_log::submission::{Endpoint, LinkCache, Policy, Rejection, check_chain};

fn testdata(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(path)
}

fn der(path: &str) -> Vec<u8> {
    let data = std::fs::read(testdata(path)).unwrap();
    ctkit::input::read_blocks(&data).unwrap().remove(0).der
}

fn roots_from(paths: &[&str]) -> Roots {
    let mut pem = Vec::new();
    for path in paths {
        pem.extend(std::fs::read(testdata(path)).unwrap());
    }
    Roots::from_file_bytes(&pem).unwrap()
}

const OPEN: Policy = Policy {
    max_chain_length: 10,
    not_after_start: None,
    not_after_limit: None,
};

fn ct_test_key() -> LogKey {
    LogKey::from_spki(&der("loglists/ct-test-log-ec.pub.pem")).unwrap()
}

fn check(endpoint: Endpoint, chain: &[&str], root: &[&str]) -> ctkit_log::submission::Submission {
    let chain: Vec<Vec<u8>> = chain.iter().map(|p| der(p)).collect();
    check_chain(
        endpoint,
        &chain,
        &roots_from(root),
        &OPEN,
        &LinkCache::default(),
    )
    .unwrap()
}

/// The CT test log signed these precertificates; its SCTs verify only over
/// the entry RFC 6962 3.2 defines, including the issuer and AKI rewrite for
/// a Precertificate Signing Certificate. The TBS hashes are the manifest's.
#[test]
fn precert_entries_match_the_ct_test_log() {
    let cases = [
        (
            vec!["precerts/ct-test/test-embedded-pre-cert.pem"],
            "precerts/ct-test/test-embedded-pre-cert.sct",
            "f891a12ef5a416b880296328e399ac1fce0b3d794781d11b62b33375beb3a956",
        ),
        (
            vec![
                "precerts/ct-test/test-embedded-with-preca-pre-cert.pem",
                "precerts/ct-test/ca-pre-cert.pem",
            ],
            "precerts/ct-test/test-embedded-with-preca-pre-cert.sct",
            "ec0a5bbfd458d15ae617620513d7f6005ae279e205173fb4c7454b13b73e534e",
        ),
        (
            vec![
                "precerts/ct-test/test-embedded-with-intermediate-pre-cert.pem",
                "precerts/ct-test/intermediate-cert.pem",
            ],
            "precerts/ct-test/test-embedded-with-intermediate-pre-cert.sct",
            "12d50d813422057980770c419f2584fa45c73ca8e6390a0fbfe7f3c555c0e657",
        ),
        (
            vec![
                "precerts/ct-test/test-embedded-with-intermediate-preca-pre-cert.pem",
                "precerts/ct-test/intermediate-pre-cert.pem",
                "precerts/ct-test/intermediate-cert.pem",
            ],
            "precerts/ct-test/test-embedded-with-intermediate-preca-pre-cert.sct",
            "fc2823b68d4364f4e355122aa04c57184d36d71fb4067a50d1ea8a60a5a53e8b",
        ),
    ];
    let key = ct_test_key();
    for (chain, sct_file, tbs_sha256) in cases {
        let submission = check(
            Endpoint::AddPreChain,
            &chain,
            &["precerts/ct-test/ca-cert.pem"],
        );
        assert!(submission.precert);
        assert_eq!(
            hex::encode(ctkit::x509::sha256(&submission.signed_entry_body)),
            tbs_sha256,
            "{sct_file}"
        );
        let sct = Sct::from_bytes(&std::fs::read(testdata(sct_file)).unwrap()).unwrap();
        let signed = sct.signed_data(&submission.signed_entry()).unwrap();
        key.verify(
            sct.signature.hash,
            sct.signature.signature_algorithm,
            &signed,
            &sct.signature.signature,
        )
        .unwrap_or_else(|e| panic!("{sct_file}: {e:?}"));

        // extra_data holds the precertificate as submitted and the chain up
        // to the root the log appended.
        let extra = ExtraData::decode(true, &submission.extra_data).unwrap();
        let ExtraData::Precert {
            precertificate,
            chain: rest,
        } = extra
        else {
            panic!("not a PrecertChainEntry");
        };
        assert_eq!(precertificate, der(chain[0]).as_slice());
        assert_eq!(rest.len(), chain.len());
        assert_eq!(
            *rest.last().unwrap(),
            der("precerts/ct-test/ca-cert.pem").as_slice()
        );
    }
}

#[test]
fn x509_entry_matches_the_ct_test_log() {
    let submission = check(
        Endpoint::AddChain,
        &["sct_raw/ct-test/test-cert.pem"],
        &["precerts/ct-test/ca-cert.pem"],
    );
    assert!(!submission.precert);
    let sct =
        Sct::from_bytes(&std::fs::read(testdata("sct_raw/ct-test/test-cert.ec-log.sct")).unwrap())
            .unwrap();
    let signed = sct.signed_data(&submission.signed_entry()).unwrap();
    ct_test_key()
        .verify(
            sct.signature.hash,
            sct.signature.signature_algorithm,
            &signed,
            &sct.signature.signature,
        )
        .unwrap();
}

/// The manifest gives the log entry TBS hash and issuer key hash of this
/// real 2018 precertificate from a Precertificate Signing Certificate.
#[test]
fn preissuer_transform_matches_the_manifest() {
    let dir = "precerts/google-merge-delay-preissuer-2018";
    let submission = check(
        Endpoint::AddPreChain,
        &[
            &format!("{dir}/precert.pem"),
            &format!("{dir}/precert-signing-cert.pem"),
            &format!("{dir}/intermediate.pem"),
        ],
        &[&format!("{dir}/root.pem")],
    );
    assert_eq!(
        hex::encode(ctkit::x509::sha256(&submission.signed_entry_body)),
        "47f7279d3fc4a1b834aee7f7049a5c344bb60ab7c30b46a9e170d06ac6e7ffc9"
    );
    assert_eq!(
        hex::encode(submission.issuer_key_hash),
        "e37689003073a0c649cc656de946c03174d25c566fe3c3805b846f5236943798"
    );
}

fn entries(file: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    let body: EntriesResponse =
        serde_json::from_slice(&std::fs::read(testdata(file)).unwrap()).unwrap();
    body.entries
        .iter()
        .map(|e| {
            (
                decode_b64("leaf_input", &e.leaf_input).unwrap(),
                decode_b64("extra_data", &e.extra_data).unwrap(),
            )
        })
        .collect()
}

/// Argon2020's entry 10000, resubmitted with its own chain, gives the same
/// leaf_input (at the logged timestamp) and the same extra_data, byte for
/// byte; its leaf hash is the one the manifest records.
#[test]
fn rebuilds_a_real_x509_entry() {
    let (leaf_input, extra_data) =
        entries("rfc6962_api/argon2020_get-entries_10000-10000.json").remove(0);
    assert_eq!(
        ctkit_log::api::encode_b64(&ctkit::merkle::leaf_hash(&leaf_input)),
        "nCs3mfIydh9x4CKyQ+u2xtmpxmFggA5MLymHwNQSlLg="
    );
    let leaf = MerkleTreeLeaf::decode(&leaf_input).unwrap();
    let SignedEntry::X509 { certificate } = leaf.entry else {
        panic!("expected an x509 entry");
    };
    let extra = ExtraData::decode(false, &extra_data).unwrap();
    let mut chain = vec![certificate.to_vec()];
    chain.extend(extra.chain().iter().map(|c| c.to_vec()));
    let root_pem = ctkit_log::config::pem("CERTIFICATE", chain.last().unwrap());
    let roots = Roots::from_file_bytes(root_pem.as_bytes()).unwrap();
    let submission = check_chain(
        Endpoint::AddChain,
        &chain,
        &roots,
        &OPEN,
        &LinkCache::default(),
    )
    .unwrap();
    let rebuilt = MerkleTreeLeaf {
        timestamp: leaf.timestamp,
        entry: submission.signed_entry(),
        extensions: leaf.extensions,
    };
    assert_eq!(rebuilt.encode().unwrap(), leaf_input);
    assert_eq!(submission.extra_data, extra_data);
}

/// Argon2025h2's entry for the *.google.com precertificate: the chain from
/// its extra_data gives the same leaf_input and extra_data.
#[test]
fn rebuilds_a_real_precert_entry() {
    let (leaf_input, extra_data) =
        entries("rfc6962_api/argon2025h2_get-entries_precert-google-com.json").remove(0);
    let leaf = MerkleTreeLeaf::decode(&leaf_input).unwrap();
    let ExtraData::Precert {
        precertificate,
        chain: rest,
    } = ExtraData::decode(true, &extra_data).unwrap()
    else {
        panic!("expected a PrecertChainEntry");
    };
    assert_eq!(
        precertificate,
        der("precerts/google-com-2025/precert.pem").as_slice()
    );
    let mut chain = vec![precertificate.to_vec()];
    chain.extend(rest.iter().map(|c| c.to_vec()));
    let root_pem = ctkit_log::config::pem("CERTIFICATE", chain.last().unwrap());
    let roots = Roots::from_file_bytes(root_pem.as_bytes()).unwrap();
    let submission = check_chain(
        Endpoint::AddPreChain,
        &chain,
        &roots,
        &OPEN,
        &LinkCache::default(),
    )
    .unwrap();
    let rebuilt = MerkleTreeLeaf {
        timestamp: leaf.timestamp,
        entry: submission.signed_entry(),
        extensions: leaf.extensions,
    };
    assert_eq!(rebuilt.encode().unwrap(), leaf_input);
    assert_eq!(submission.extra_data, extra_data);
}

fn request_chain(file: &str) -> Vec<Vec<u8>> {
    let body: ctkit_log::api::AddChainRequest =
        serde_json::from_slice(&std::fs::read(testdata(file)).unwrap()).unwrap();
    body.chain
        .iter()
        .map(|c| decode_b64("chain", c).unwrap())
        .collect()
}

fn roots_of(der: &[u8]) -> Roots {
    Roots::from_file_bytes(ctkit_log::config::pem("CERTIFICATE", der).as_bytes()).unwrap()
}

#[test]
fn real_requests_go_to_the_right_endpoint_only() {
    let chain = request_chain("rfc6962_api/request_add-chain.json");
    let pre_chain = request_chain("rfc6962_api/request_add-pre-chain.json");
    let roots = roots_of(chain.last().unwrap());
    let cache = LinkCache::default();
    assert!(check_chain(Endpoint::AddChain, &chain, &roots, &OPEN, &cache).is_ok());
    assert!(check_chain(Endpoint::AddPreChain, &pre_chain, &roots, &OPEN, &cache).is_ok());
    assert_eq!(
        check_chain(Endpoint::AddPreChain, &chain, &roots, &OPEN, &cache),
        Err(Rejection::NotPrecert)
    );
    assert_eq!(
        check_chain(Endpoint::AddChain, &pre_chain, &roots, &OPEN, &cache),
        Err(Rejection::PrecertToAddChain)
    );
    // Without the root, the log finds it among its roots and appends it.
    let short = &chain[..2];
    let submission = check_chain(Endpoint::AddChain, short, &roots, &OPEN, &cache).unwrap();
    let extra = ExtraData::decode(false, &submission.extra_data).unwrap();
    assert_eq!(extra.chain().len(), 2);
}

#[test]
fn broken_chains_are_rejected_with_the_link_at_fault() {
    let chain = request_chain("rfc6962_api/request_add-chain.json");
    let roots = roots_of(chain.last().unwrap());
    let cache = LinkCache::default();

    let swapped = vec![chain[0].clone(), chain[2].clone(), chain[1].clone()];
    assert!(matches!(
        check_chain(Endpoint::AddChain, &swapped, &roots, &OPEN, &cache),
        Err(Rejection::BrokenLink {
            index: 0,
            next: 1,
            ..
        })
    ));

    let mut tampered = chain.clone();
    let last = tampered[0].len() - 5;
    tampered[0][last] ^= 0x01;
    assert!(matches!(
        check_chain(Endpoint::AddChain, &tampered, &roots, &OPEN, &cache),
        Err(Rejection::BrokenLink { index: 0, .. })
    ));

    let other_roots = roots_from(&["precerts/ct-test/ca-cert.pem"]);
    assert_eq!(
        check_chain(Endpoint::AddChain, &chain[..2], &other_roots, &OPEN, &cache),
        Err(Rejection::UnknownRoot(1))
    );
    assert_eq!(
        check_chain(Endpoint::AddChain, &[], &roots, &OPEN, &cache),
        Err(Rejection::EmptyChain)
    );
    let long = vec![chain[0].clone(); 11];
    assert_eq!(
        check_chain(Endpoint::AddChain, &long, &roots, &OPEN, &cache),
        Err(Rejection::ChainTooLong(11, 10))
    );
    assert!(matches!(
        check_chain(
            Endpoint::AddChain,
            &[vec![0x30, 0x03, 0x02]],
            &roots,
            &OPEN,
            &cache
        ),
        Err(Rejection::Unparsable { index: 0, .. })
    ));
}

/// The leaf of request_add-chain.json has notAfter 2025-03-26T03:52:41Z.
#[test]
fn temporal_shard_bounds_not_after() {
    let chain = request_chain("rfc6962_api/request_add-chain.json");
    let roots = roots_of(chain.last().unwrap());
    let cache = LinkCache::default();
    let ms = |t: &str| ctkit::loglist::parse_rfc3339_ms(t).unwrap();
    let shard = |start: &str, limit: &str| Policy {
        max_chain_length: 10,
        not_after_start: Some(ms(start)),
        not_after_limit: Some(ms(limit)),
    };
    let inside = shard("2025-01-01T00:00:00Z", "2025-07-01T00:00:00Z");
    assert!(check_chain(Endpoint::AddChain, &chain, &roots, &inside, &cache).is_ok());
    let at_limit = shard("2024-01-01T00:00:00Z", "2025-03-26T03:52:41Z");
    assert!(matches!(
        check_chain(Endpoint::AddChain, &chain, &roots, &at_limit, &cache),
        Err(Rejection::OutsideShard { .. })
    ));
    let at_start = shard("2025-03-26T03:52:41Z", "2026-01-01T00:00:00Z");
    assert!(check_chain(Endpoint::AddChain, &chain, &roots, &at_start, &cache).is_ok());
}
