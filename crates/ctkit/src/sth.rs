//! Signed tree heads (RFC 6962 3.5) and their signatures.
//!
//! ```text
//! digitally-signed struct {
//!     Version version;                       // v1(0)
//!     SignatureType signature_type;          // tree_hash(1)
//!     uint64 timestamp;
//!     uint64 tree_size;
//!     opaque sha256_root_hash[32];
//! } TreeHeadSignature;
//! ```

use crate::loglist::{LogKey, SignatureError};
use crate::merkle::Hash;
use crate::sct::DigitallySigned;

/// The signed fields of a tree head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeHead {
    pub tree_size: u64,
    /// Milliseconds since the epoch.
    pub timestamp: u64,
    pub root_hash: Hash,
}

impl TreeHead {
    /// Builds the `TreeHeadSignature` input, 50 bytes.
    pub fn signed_data(&self) -> [u8; 50] {
        let mut out = [0u8; 50];
        let (head, rest) = out.split_at_mut(2);
        head.copy_from_slice(&[0, 1]);
        let (timestamp, rest) = rest.split_at_mut(8);
        timestamp.copy_from_slice(&self.timestamp.to_be_bytes());
        let (size, root) = rest.split_at_mut(8);
        size.copy_from_slice(&self.tree_size.to_be_bytes());
        root.copy_from_slice(&self.root_hash);
        out
    }
}

/// A tree head with the log's signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedTreeHead {
    pub head: TreeHead,
    pub signature: DigitallySigned,
}

impl SignedTreeHead {
    /// Verifies the signature with the log's key.
    pub fn verify(&self, key: &LogKey) -> Result<(), SignatureError> {
        key.verify(
            self.signature.hash,
            self.signature.signature_algorithm,
            &self.head.signed_data(),
            &self.signature.signature,
        )
    }
}
