//! The JSON bodies of the RFC 6962 section 4 API, shared by the server and
//! the client. Binary fields are base64 strings, as the RFC specifies.

use crate::merkle::Hash;
use crate::sct::{DigitallySigned, LogId, Sct, Version};
use crate::sth::{SignedTreeHead, TreeHead};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

/// Paths under the log's base URL.
pub const ADD_CHAIN: &str = "ct/v1/add-chain";
pub const ADD_PRE_CHAIN: &str = "ct/v1/add-pre-chain";
pub const GET_STH: &str = "ct/v1/get-sth";
pub const GET_STH_CONSISTENCY: &str = "ct/v1/get-sth-consistency";
pub const GET_PROOF_BY_HASH: &str = "ct/v1/get-proof-by-hash";
pub const GET_ENTRIES: &str = "ct/v1/get-entries";
pub const GET_ROOTS: &str = "ct/v1/get-roots";
pub const GET_ENTRY_AND_PROOF: &str = "ct/v1/get-entry-and-proof";

/// A field of a response that does not hold what RFC 6962 says it must.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct FieldError {
    pub field: &'static str,
    pub problem: String,
}

fn field_error(field: &'static str, problem: impl Into<String>) -> FieldError {
    FieldError {
        field,
        problem: problem.into(),
    }
}

/// Decodes a base64 field.
pub fn decode_b64(field: &'static str, text: &str) -> Result<Vec<u8>, FieldError> {
    STANDARD
        .decode(text)
        .map_err(|e| field_error(field, format!("bad base64: {e}")))
}

/// Decodes a base64 field that must hold a 32-byte hash.
pub fn decode_hash(field: &'static str, text: &str) -> Result<Hash, FieldError> {
    let bytes = decode_b64(field, text)?;
    Hash::try_from(bytes.as_slice())
        .map_err(|_| field_error(field, format!("{} bytes, not a 32-byte hash", bytes.len())))
}

pub fn encode_b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// The body of add-chain and add-pre-chain (RFC 6962 4.1 and 4.2).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AddChainRequest {
    pub chain: Vec<String>,
}

/// An SCT as add-chain returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddChainResponse {
    pub sct_version: u8,
    pub id: String,
    pub timestamp: u64,
    pub extensions: String,
    pub signature: String,
}

impl AddChainResponse {
    pub fn from_sct(sct: &Sct) -> Self {
        AddChainResponse {
            sct_version: sct.version.0,
            id: sct.log_id.to_base64(),
            timestamp: sct.timestamp,
            extensions: encode_b64(&sct.extensions),
            signature: encode_b64(&sct.signature.to_tls().unwrap_or_default()),
        }
    }

    pub fn to_sct(&self) -> Result<Sct, FieldError> {
        let id = decode_hash("id", &self.id)?;
        let signature = DigitallySigned::from_tls(&decode_b64("signature", &self.signature)?)
            .map_err(|e| field_error("signature", e.to_string()))?;
        Ok(Sct {
            version: Version(self.sct_version),
            log_id: LogId(id),
            timestamp: self.timestamp,
            extensions: decode_b64("extensions", &self.extensions)?,
            signature,
        })
    }
}

/// get-sth (RFC 6962 4.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetSthResponse {
    pub tree_size: u64,
    pub timestamp: u64,
    pub sha256_root_hash: String,
    pub tree_head_signature: String,
}

impl GetSthResponse {
    pub fn from_sth(sth: &SignedTreeHead) -> Self {
        GetSthResponse {
            tree_size: sth.head.tree_size,
            timestamp: sth.head.timestamp,
            sha256_root_hash: encode_b64(&sth.head.root_hash),
            tree_head_signature: encode_b64(&sth.signature.to_tls().unwrap_or_default()),
        }
    }

    pub fn to_sth(&self) -> Result<SignedTreeHead, FieldError> {
        let signature = DigitallySigned::from_tls(&decode_b64(
            "tree_head_signature",
            &self.tree_head_signature,
        )?)
        .map_err(|e| field_error("tree_head_signature", e.to_string()))?;
        Ok(SignedTreeHead {
            head: TreeHead {
                tree_size: self.tree_size,
                timestamp: self.timestamp,
                root_hash: decode_hash("sha256_root_hash", &self.sha256_root_hash)?,
            },
            signature,
        })
    }
}

/// get-sth-consistency (RFC 6962 4.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsistencyResponse {
    pub consistency: Vec<String>,
}

/// get-proof-by-hash (RFC 6962 4.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofByHashResponse {
    pub leaf_index: u64,
    pub audit_path: Vec<String>,
}

/// One entry of get-entries (RFC 6962 4.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryJson {
    pub leaf_input: String,
    pub extra_data: String,
}

/// get-entries (RFC 6962 4.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntriesResponse {
    pub entries: Vec<EntryJson>,
}

/// get-roots (RFC 6962 4.7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootsResponse {
    pub certificates: Vec<String>,
}

/// get-entry-and-proof (RFC 6962 4.8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryAndProofResponse {
    pub leaf_input: String,
    pub extra_data: String,
    pub audit_path: Vec<String>,
}

/// The body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorResponse {
    pub error: String,
}

/// Decodes a list of base64 hashes, such as an audit path.
pub fn decode_hashes(field: &'static str, items: &[String]) -> Result<Vec<Hash>, FieldError> {
    items.iter().map(|h| decode_hash(field, h)).collect()
}
