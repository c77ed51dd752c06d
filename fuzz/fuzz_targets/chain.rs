//! Fuzzes what a log does with a submitted chain: split the input into
//! certificates, check it against a fixed root for both endpoints, and
//! build the entry, as `add-chain` and `add-pre-chain` do with the bytes of
//! strangers.
//!
//! The input is a TLS `ASN.1Cert<1..2^24-1>` sequence, so that mutations
//! keep whole certificates apart. The root is the CT test PKI's CA, whose
//! chains are among the seeds.
//!
//! Oracle: no panic, and an accepted chain's extra_data decodes again.

#![no_main]

use std::sync::OnceLock;

use ctkit::entry::ExtraData;
use ctkit::roots::Roots;
use ctkit::submission::{Endpoint, LinkCache, Policy, check_chain};
use libfuzzer_sys::fuzz_target;

const ROOT: &[u8] = include_bytes!("../../testdata/precerts/ct-test/ca-cert.pem");

fn roots() -> &'static Roots {
    static ROOTS: OnceLock<Roots> = OnceLock::new();
    ROOTS.get_or_init(|| Roots::from_file_bytes(ROOT).expect("the CT test root parses"))
}

fn split(mut data: &[u8]) -> Vec<Vec<u8>> {
    let mut chain = Vec::new();
    while let [a, b, c, rest @ ..] = data {
        let len = (usize::from(*a) << 16 | usize::from(*b) << 8 | usize::from(*c)).min(rest.len());
        let (cert, tail) = rest.split_at(len);
        chain.push(cert.to_vec());
        data = tail;
    }
    chain
}

fuzz_target!(|data: &[u8]| {
    let chain = split(data);
    let policy = Policy {
        max_chain_length: 10,
        not_after_start: None,
        not_after_limit: Some(2_000_000_000_000),
    };
    let cache = LinkCache::default();
    for endpoint in [Endpoint::AddChain, Endpoint::AddPreChain] {
        if let Ok(submission) = check_chain(endpoint, &chain, roots(), &policy, &cache) {
            ExtraData::decode(submission.precert, &submission.extra_data)
                .expect("the log's own extra_data decodes");
            let _ = submission.identity();
        }
    }
});
