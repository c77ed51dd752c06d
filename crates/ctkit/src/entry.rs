//! Log entries as the RFC 6962 API carries them: the `MerkleTreeLeaf` in
//! `leaf_input` (RFC 6962 3.4) and the chain in `extra_data` (RFC 6962 3.1
//! and 4.6).
//!
//! ```text
//! struct {
//!     Version version;                       // v1(0)
//!     MerkleLeafType leaf_type;              // timestamped_entry(0)
//!     struct {
//!         uint64 timestamp;
//!         LogEntryType entry_type;           // x509_entry(0), precert_entry(1)
//!         select(entry_type) { ... } signed_entry;
//!         CtExtensions extensions;
//!     } timestamped_entry;
//! } MerkleTreeLeaf;
//! ```
//!
//! For a v1 SCT, the leaf has the same bytes as the SCT's signed data: both
//! start with two zero bytes and continue with the same fields.

use crate::codec::{EncodeError, Reader, put_vec16, put_vec24};
use crate::error::{DecodeError, ErrorKind, Layer};
use crate::merkle::{self, Hash};
use crate::sct::SignedEntry;

/// A decoded `MerkleTreeLeaf`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MerkleTreeLeaf<'a> {
    /// The SCT's timestamp, in milliseconds since the epoch.
    pub timestamp: u64,
    pub entry: SignedEntry<'a>,
    /// `CtExtensions`, as in the SCT.
    pub extensions: &'a [u8],
}

impl<'a> MerkleTreeLeaf<'a> {
    /// Decodes a `leaf_input` that `data` must fill exactly.
    pub fn decode(data: &'a [u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(data, 0, Layer::MerkleTreeLeaf);
        if r.u8("version")? != 0 {
            return Err(DecodeError::new(
                Layer::MerkleTreeLeaf,
                "version",
                0,
                ErrorKind::InvalidValue("unknown MerkleTreeLeaf version; v1 is 0"),
            ));
        }
        if r.u8("leaf_type")? != 0 {
            return Err(DecodeError::new(
                Layer::MerkleTreeLeaf,
                "leaf_type",
                1,
                ErrorKind::InvalidValue("unknown leaf type; timestamped_entry is 0"),
            ));
        }
        let timestamp = r.u64("timestamp")?;
        let type_at = r.offset();
        let entry = match r.u16("entry_type")? {
            0 => SignedEntry::X509 {
                certificate: non_empty(r.vec24("ASN.1Cert")?, "ASN.1Cert")?,
            },
            1 => {
                let issuer_key_hash = r.array::<32>("issuer_key_hash")?;
                let tbs = non_empty(r.vec24("tbs_certificate")?, "tbs_certificate")?;
                SignedEntry::Precert {
                    issuer_key_hash,
                    tbs_certificate: tbs,
                }
            }
            _ => {
                return Err(DecodeError::new(
                    Layer::MerkleTreeLeaf,
                    "entry_type",
                    type_at,
                    ErrorKind::InvalidValue("unknown LogEntryType"),
                ));
            }
        };
        let extensions = r.vec16("extensions")?.rest();
        r.finish("MerkleTreeLeaf")?;
        Ok(MerkleTreeLeaf {
            timestamp,
            entry,
            extensions,
        })
    }

    /// Encodes the leaf as `leaf_input`.
    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        let body_len = match self.entry {
            SignedEntry::X509 { certificate } => certificate.len(),
            SignedEntry::Precert {
                tbs_certificate, ..
            } => 32 + tbs_certificate.len(),
        };
        let mut out = Vec::with_capacity(2 + 8 + 2 + 3 + body_len + 2 + self.extensions.len());
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(&self.timestamp.to_be_bytes());
        match self.entry {
            SignedEntry::X509 { certificate } => {
                out.extend_from_slice(&0u16.to_be_bytes());
                put_vec24(&mut out, certificate, "ASN.1Cert")?;
            }
            SignedEntry::Precert {
                issuer_key_hash,
                tbs_certificate,
            } => {
                out.extend_from_slice(&1u16.to_be_bytes());
                out.extend_from_slice(&issuer_key_hash);
                put_vec24(&mut out, tbs_certificate, "tbs_certificate")?;
            }
        }
        put_vec16(&mut out, self.extensions, "extensions")?;
        Ok(out)
    }

    /// Returns the leaf's Merkle hash, SHA-256(0x00 || leaf_input).
    pub fn hash(&self) -> Result<Hash, EncodeError> {
        Ok(merkle::leaf_hash(&self.encode()?))
    }
}

fn non_empty<'a>(r: Reader<'a>, field: &'static str) -> Result<&'a [u8], DecodeError> {
    if r.is_empty() {
        return Err(DecodeError::new(
            r.layer(),
            field,
            r.offset().saturating_sub(3),
            ErrorKind::Empty,
        ));
    }
    Ok(r.rest())
}

/// The `extra_data` of a log entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtraData<'a> {
    /// For an `x509_entry`: the certificates from the leaf's issuer up to
    /// an accepted root, `ASN.1Cert certificate_chain<0..2^24-1>`.
    X509 { chain: Vec<&'a [u8]> },
    /// For a `precert_entry`, a `PrecertChainEntry`: the precertificate as
    /// submitted, then its chain.
    Precert {
        precertificate: &'a [u8],
        chain: Vec<&'a [u8]>,
    },
}

impl<'a> ExtraData<'a> {
    /// Decodes `extra_data` of the given entry type (0 for x509, 1 for
    /// precert) that `data` must fill exactly.
    pub fn decode(precert: bool, data: &'a [u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(data, 0, Layer::ExtraData);
        let extra = if precert {
            let precertificate = non_empty(r.vec24("pre_certificate")?, "pre_certificate")?;
            let chain = decode_chain(r.vec24("precertificate_chain")?)?;
            ExtraData::Precert {
                precertificate,
                chain,
            }
        } else {
            ExtraData::X509 {
                chain: decode_chain(r.vec24("certificate_chain")?)?,
            }
        };
        r.finish("extra_data")?;
        Ok(extra)
    }

    /// Encodes the extra data.
    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::new();
        let chain = match self {
            ExtraData::X509 { chain } => chain,
            ExtraData::Precert {
                precertificate,
                chain,
            } => {
                put_vec24(&mut out, precertificate, "pre_certificate")?;
                chain
            }
        };
        let mut body = Vec::with_capacity(chain.iter().map(|c| c.len() + 3).sum());
        for cert in chain {
            put_vec24(&mut body, cert, "ASN.1Cert")?;
        }
        put_vec24(&mut out, &body, "certificate_chain")?;
        Ok(out)
    }

    /// Returns the chain after the entry's certificate, ending at the root.
    pub fn chain(&self) -> &[&'a [u8]] {
        match self {
            ExtraData::X509 { chain } | ExtraData::Precert { chain, .. } => chain,
        }
    }
}

fn decode_chain(mut r: Reader<'_>) -> Result<Vec<&[u8]>, DecodeError> {
    let mut chain = Vec::new();
    while !r.is_empty() {
        chain.push(non_empty(r.vec24("ASN.1Cert")?, "ASN.1Cert")?);
    }
    Ok(chain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_unknown_entry_type_at_its_offset() {
        let mut leaf = vec![0, 0];
        leaf.extend_from_slice(&7u64.to_be_bytes());
        leaf.extend_from_slice(&[0, 2, 0, 0, 1, 0xaa, 0, 0]);
        let err = MerkleTreeLeaf::decode(&leaf).err();
        assert_eq!(err.map(|e| (e.field, e.offset)), Some(("entry_type", 10)));
    }

    #[test]
    fn rejects_truncated_certificate_at_its_length() {
        let mut leaf = vec![0, 0];
        leaf.extend_from_slice(&7u64.to_be_bytes());
        leaf.extend_from_slice(&[0, 0, 0, 0, 9, 0xaa]);
        let err = MerkleTreeLeaf::decode(&leaf).err();
        assert_eq!(
            err.map(|e| (e.field, e.offset, e.kind)),
            Some((
                "ASN.1Cert",
                12,
                ErrorKind::Truncated {
                    needed: 9,
                    remaining: 1
                }
            ))
        );
    }

    #[test]
    fn empty_chain_is_allowed_but_empty_certificate_is_not() {
        assert_eq!(
            ExtraData::decode(false, &[0, 0, 0]).ok(),
            Some(ExtraData::X509 { chain: vec![] })
        );
        let err = ExtraData::decode(false, &[0, 0, 3, 0, 0, 0]).err();
        assert_eq!(err.map(|e| e.kind), Some(ErrorKind::Empty));
    }
}
