//! Checks a submitted chain and turns it into a log entry (RFC 6962 3.1,
//! 4.1 and 4.2).

use std::collections::HashSet;
use std::sync::Mutex;

use crate::chain::{SignatureCheckError, check_signed_by};
use crate::entry::ExtraData;
use crate::sct::SignedEntry;
use crate::x509::{CertificateLayout, OID_PRECERT_POISON};

use crate::roots::Roots;

/// The endpoint a chain came through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    AddChain,
    AddPreChain,
}

/// The reason a chain is rejected. Every variant is the submitter's fault
/// and maps to a 400 response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("the chain is empty")]
    EmptyChain,
    #[error("the chain has {0} certificates, more than the {1} accepted")]
    ChainTooLong(usize, usize),
    #[error("chain[{index}] does not parse: {message}")]
    Unparsable { index: usize, message: String },
    #[error(
        "add-chain takes final certificates; this one has the precertificate poison, so submit it to add-pre-chain"
    )]
    PrecertToAddChain,
    #[error(
        "add-pre-chain needs a precertificate, but the first certificate has no poison extension (RFC 6962 3.1)"
    )]
    NotPrecert,
    #[error("the precertificate poison extension must be critical (RFC 6962 3.1)")]
    PoisonNotCritical,
    #[error(
        "the precertificate poison extension must hold exactly ASN.1 NULL, 05 00 (RFC 6962 3.1)"
    )]
    PoisonNotNull,
    #[error("chain[{index}] is not signed by chain[{next}]: {reason}")]
    BrokenLink {
        index: usize,
        next: usize,
        reason: SignatureCheckError,
    },
    #[error(
        "the chain does not end at an accepted root: no accepted root signed chain[{0}], the last certificate"
    )]
    UnknownRoot(usize),
    #[error(
        "a Precertificate Signing Certificate must be followed by the CA that issues the final certificate"
    )]
    MissingFinalIssuer,
    #[error(
        "the certificate's notAfter, {not_after}, is outside this log's window from {start} to before {limit}"
    )]
    OutsideShard {
        not_after: String,
        start: String,
        limit: String,
    },
    #[error("the certificate's notAfter is not a valid time")]
    BadNotAfter,
}

/// A checked chain, ready to be logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub precert: bool,
    /// For x509 entries the certificate; for precert entries the log
    /// entry TBSCertificate.
    pub signed_entry_body: Vec<u8>,
    /// The issuer key hash of a precert entry.
    pub issuer_key_hash: [u8; 32],
    pub extra_data: Vec<u8>,
}

impl Submission {
    pub fn signed_entry(&self) -> SignedEntry<'_> {
        if self.precert {
            SignedEntry::Precert {
                issuer_key_hash: self.issuer_key_hash,
                tbs_certificate: &self.signed_entry_body,
            }
        } else {
            SignedEntry::X509 {
                certificate: &self.signed_entry_body,
            }
        }
    }

    /// Identifies the entry independently of the SCT timestamp, so that a
    /// resubmission finds the SCT issued before: SHA-256 of the entry type
    /// and the signed entry.
    pub fn identity(&self) -> [u8; 32] {
        let mut data = Vec::with_capacity(self.signed_entry_body.len() + 34);
        data.push(u8::from(self.precert));
        if self.precert {
            data.extend_from_slice(&self.issuer_key_hash);
        }
        data.extend_from_slice(&self.signed_entry_body);
        crate::x509::sha256(&data)
    }
}

/// Limits that come from the configuration.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub max_chain_length: usize,
    pub not_after_start: Option<u64>,
    pub not_after_limit: Option<u64>,
}

/// Links between an intermediate and its issuer that verified before, so
/// that the thousands of leaves under one CA pay for the CA's signature
/// once. Keyed by the SHA-256 of the two certificates.
#[derive(Debug, Default)]
pub struct LinkCache {
    verified: Mutex<HashSet<([u8; 32], [u8; 32])>>,
}

impl LinkCache {
    const CAPACITY: usize = 4096;

    fn contains(&self, key: &([u8; 32], [u8; 32])) -> bool {
        self.verified.lock().is_ok_and(|set| set.contains(key))
    }

    fn insert(&self, key: ([u8; 32], [u8; 32])) {
        if let Ok(mut set) = self.verified.lock() {
            if set.len() >= Self::CAPACITY {
                set.clear();
            }
            set.insert(key);
        }
    }
}

/// Checks `chain` (DER certificates, leaf first) as `endpoint` requires and
/// builds its entry.
pub fn check_chain(
    endpoint: Endpoint,
    chain: &[Vec<u8>],
    roots: &Roots,
    policy: &Policy,
    cache: &LinkCache,
) -> Result<Submission, Rejection> {
    if chain.is_empty() {
        return Err(Rejection::EmptyChain);
    }
    if chain.len() > policy.max_chain_length {
        return Err(Rejection::ChainTooLong(
            chain.len(),
            policy.max_chain_length,
        ));
    }
    let layouts = chain
        .iter()
        .enumerate()
        .map(|(index, der)| {
            CertificateLayout::parse_lenient(der).map_err(|e| Rejection::Unparsable {
                index,
                message: e.to_string(),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let Some(leaf) = layouts.first() else {
        return Err(Rejection::EmptyChain);
    };

    match (endpoint, leaf.extension(OID_PRECERT_POISON)) {
        (Endpoint::AddChain, Some(_)) => return Err(Rejection::PrecertToAddChain),
        (Endpoint::AddPreChain, None) => return Err(Rejection::NotPrecert),
        (Endpoint::AddPreChain, Some(poison)) => {
            if !poison.is_critical() {
                return Err(Rejection::PoisonNotCritical);
            }
            if poison.value.content != [0x05, 0x00] {
                return Err(Rejection::PoisonNotNull);
            }
        }
        (Endpoint::AddChain, None) => {}
    }
    check_shard(leaf, policy)?;

    for (index, pair) in layouts.windows(2).enumerate() {
        let [child, parent] = pair else { continue };
        let key = (
            crate::x509::sha256(child.der),
            crate::x509::sha256(parent.der),
        );
        if index > 0 && cache.contains(&key) {
            continue;
        }
        check_signed_by(child, parent).map_err(|reason| Rejection::BrokenLink {
            index,
            next: index + 1,
            reason,
        })?;
        if index > 0 {
            cache.insert(key);
        }
    }

    // The last certificate is an accepted root, or an accepted root signed it.
    let last_index = layouts.len() - 1;
    let last = layouts.last().ok_or(Rejection::EmptyChain)?;
    let appended_root = if roots.contains(last.der) {
        None
    } else {
        Some(
            roots
                .find_issuer(last)
                .ok_or(Rejection::UnknownRoot(last_index))?,
        )
    };

    let mut rest: Vec<&[u8]> = chain.iter().skip(1).map(Vec::as_slice).collect();
    if let Some(root) = appended_root {
        rest.push(root);
    }

    if endpoint == Endpoint::AddChain {
        let extra = ExtraData::X509 { chain: rest };
        return Ok(Submission {
            precert: false,
            signed_entry_body: leaf.der.to_vec(),
            issuer_key_hash: [0; 32],
            extra_data: extra.encode().map_err(|e| Rejection::Unparsable {
                index: 0,
                message: e.to_string(),
            })?,
        });
    }

    let (issuer_key_hash, tbs) = precert_entry(leaf, &rest)?;
    let extra = ExtraData::Precert {
        precertificate: leaf.der,
        chain: rest,
    };
    Ok(Submission {
        precert: true,
        signed_entry_body: tbs,
        issuer_key_hash,
        extra_data: extra.encode().map_err(|e| Rejection::Unparsable {
            index: 0,
            message: e.to_string(),
        })?,
    })
}

/// Computes the issuer key hash and TBSCertificate of a precertificate's
/// log entry (RFC 6962 3.2). `chain` holds the certificates after the
/// precertificate: its issuer, then the CA that issues the final
/// certificate when that issuer is a Precertificate Signing Certificate.
pub fn precert_entry(
    precert: &CertificateLayout<'_>,
    chain: &[&[u8]],
) -> Result<([u8; 32], Vec<u8>), Rejection> {
    let parse = |index: usize| -> Result<CertificateLayout<'_>, Rejection> {
        let der = chain.get(index - 1).ok_or(match index {
            1 => Rejection::UnknownRoot(0),
            _ => Rejection::MissingFinalIssuer,
        })?;
        CertificateLayout::parse_lenient(der).map_err(|e| Rejection::Unparsable {
            index,
            message: e.to_string(),
        })
    };
    let issuer = parse(1)?;
    if issuer.has_precert_signing_purpose() {
        let final_issuer = parse(2)?;
        return Ok((
            final_issuer.key_hash(),
            precert.precert_tbs_with_preissuer(&issuer),
        ));
    }
    Ok((issuer.key_hash(), precert.precert_tbs()))
}

fn check_shard(leaf: &CertificateLayout<'_>, policy: &Policy) -> Result<(), Rejection> {
    if policy.not_after_start.is_none() && policy.not_after_limit.is_none() {
        return Ok(());
    }
    let not_after = leaf.not_after_ms().ok_or(Rejection::BadNotAfter)?;
    let after_start = policy.not_after_start.is_none_or(|s| not_after >= s);
    let before_limit = policy.not_after_limit.is_none_or(|l| not_after < l);
    if after_start && before_limit {
        return Ok(());
    }
    let show = |t: Option<u64>| t.map_or("(open)".to_owned(), crate::sct::format_timestamp);
    Err(Rejection::OutsideShard {
        not_after: crate::sct::format_timestamp(not_after),
        start: show(policy.not_after_start),
        limit: show(policy.not_after_limit),
    })
}
