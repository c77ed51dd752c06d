//! The log's ECDSA P-256 key: SCT and tree head signatures (RFC 6962 3.2
//! and 3.5), through aws-lc-rs.

use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair as _};
use ctkit::sct::{
    DigitallySigned, HashAlgorithm, LogId, Sct, SignatureAlgorithm, SignedEntry, Version,
};
use ctkit::sth::{SignedTreeHead, TreeHead};

/// A signing failure; aws-lc-rs gives no detail.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct SignError(pub String);

/// The log's signing key with its SubjectPublicKeyInfo and log ID.
pub struct LogSigner {
    key: EcdsaKeyPair,
    rng: SystemRandom,
    spki: Vec<u8>,
    log_id: LogId,
}

impl std::fmt::Debug for LogSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogSigner")
            .field("log_id", &self.log_id.to_base64())
            .finish_non_exhaustive()
    }
}

impl LogSigner {
    /// Generates a new key and returns its PKCS#8 DER with the signer.
    pub fn generate() -> Result<(Vec<u8>, LogSigner), SignError> {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng)
            .map_err(|_| SignError("cannot generate a P-256 key".into()))?;
        let der = pkcs8.as_ref().to_vec();
        let signer = LogSigner::from_pkcs8(&der)?;
        Ok((der, signer))
    }

    /// Loads a PKCS#8 DER ECDSA P-256 private key.
    pub fn from_pkcs8(der: &[u8]) -> Result<LogSigner, SignError> {
        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, der)
            .map_err(|e| SignError(format!("not a PKCS#8 ECDSA P-256 private key: {e}")))?;
        let spki = key
            .public_key()
            .as_der()
            .map_err(|_| SignError("cannot encode the public key".into()))?
            .as_ref()
            .to_vec();
        let log_id = LogId(ctkit::x509::sha256(&spki));
        Ok(LogSigner {
            key,
            rng: SystemRandom::new(),
            spki,
            log_id,
        })
    }

    /// The DER SubjectPublicKeyInfo, as a log list's `key` holds it.
    pub fn spki(&self) -> &[u8] {
        &self.spki
    }

    /// SHA-256 of the SubjectPublicKeyInfo (RFC 6962 3.2).
    pub fn log_id(&self) -> LogId {
        self.log_id
    }

    fn sign(&self, message: &[u8]) -> Result<DigitallySigned, SignError> {
        let signature = self
            .key
            .sign(&self.rng, message)
            .map_err(|_| SignError("ECDSA signing failed".into()))?;
        Ok(DigitallySigned {
            hash: HashAlgorithm::SHA256,
            signature_algorithm: SignatureAlgorithm::ECDSA,
            signature: signature.as_ref().to_vec(),
        })
    }

    /// Issues a v1 SCT without extensions for an entry.
    pub fn sign_sct(&self, timestamp: u64, entry: &SignedEntry<'_>) -> Result<Sct, SignError> {
        let mut sct = Sct {
            version: Version::V1,
            log_id: self.log_id,
            timestamp,
            extensions: Vec::new(),
            signature: DigitallySigned {
                hash: HashAlgorithm::SHA256,
                signature_algorithm: SignatureAlgorithm::ECDSA,
                signature: Vec::new(),
            },
        };
        let data = sct
            .signed_data(entry)
            .map_err(|e| SignError(e.to_string()))?;
        sct.signature = self.sign(&data)?;
        Ok(sct)
    }

    /// Signs a tree head.
    pub fn sign_tree_head(&self, head: TreeHead) -> Result<SignedTreeHead, SignError> {
        Ok(SignedTreeHead {
            head,
            signature: self.sign(&head.signed_data())?,
        })
    }
}
