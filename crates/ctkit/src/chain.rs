//! Checks that one certificate is signed by another's key (RFC 5280 6.1.3
//! (a)(1) and (a)(4)), the part of path validation a CT log performs on a
//! submitted chain (RFC 6962 3.1).
//!
//! Nothing else of path validation is checked here: a log accepts expired
//! and otherwise unusable certificates, as long as each signature verifies up
//! to an accepted root.

use aws_lc_rs::signature::{self, UnparsedPublicKey, VerificationAlgorithm};

use crate::der::TAG_OID;
use crate::error::{DecodeError, Layer};
use crate::loglist::{SpkiParts, split_spki};
use crate::x509::CertificateLayout;

/// The reason a certificate is not signed by the candidate issuer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureCheckError {
    #[error("the issuer name does not match the candidate's subject")]
    NameMismatch,
    #[error("the signature does not verify with the issuer's key")]
    BadSignature,
    #[error("signature algorithm {0} is not supported")]
    UnsupportedAlgorithm(String),
    #[error("the issuer's public key is not usable: {0}")]
    BadIssuerKey(String),
    #[error(transparent)]
    Decode(#[from] DecodeError),
}

const SHA1_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05];
const SHA256_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];
const SHA384_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c];
const SHA512_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d];
const ECDSA_SHA256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
const ECDSA_SHA384: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03];
const ECDSA_SHA512: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04];
const ED25519: &[u8] = &[0x2b, 0x65, 0x70];

const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
const P521: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x23];

/// Checks that `child` names `issuer` as its issuer and carries a signature
/// that `issuer`'s public key verifies.
///
/// SHA-1 with RSA and 1024-bit RSA keys are accepted, since CT logs took
/// such certificates for years and their chains still have to verify; a
/// log records certificates, it does not judge their strength. aws-lc-rs
/// has no 1024-bit variant for SHA-384, so that one needs 2048 bits.
pub fn check_signed_by(
    child: &CertificateLayout<'_>,
    issuer: &CertificateLayout<'_>,
) -> Result<(), SignatureCheckError> {
    if child.issuer.content != issuer.subject.content {
        return Err(SignatureCheckError::NameMismatch);
    }
    let (algorithm, signature) = child.signature_parts()?;
    let mut r = algorithm.reader(Layer::Certificate);
    let oid = r.expect(TAG_OID, "signatureAlgorithm")?.content;
    verify_signature(issuer.spki_der(), oid, child.tbs_der(), signature)
}

/// Verifies `signature` over `message` with the key in a DER
/// SubjectPublicKeyInfo, for the signature algorithm whose OID content
/// bytes are `algorithm_oid`: the check behind certificates, CSRs and
/// other X.509 signed data.
pub fn verify_signature(
    spki: &[u8],
    algorithm_oid: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), SignatureCheckError> {
    let SpkiParts {
        algorithm: key_algorithm,
        parameters,
        key,
    } = split_spki(spki)?;
    let verifier = choose_algorithm(algorithm_oid, key_algorithm, parameters)?;
    UnparsedPublicKey::new(verifier, key)
        .verify(message, signature)
        .map_err(|_| SignatureCheckError::BadSignature)
}

/// Selects the aws-lc-rs algorithm for a signature algorithm OID and the
/// issuer's key type.
fn choose_algorithm(
    signature_oid: &[u8],
    key_algorithm: &[u8],
    curve: Option<&[u8]>,
) -> Result<&'static dyn VerificationAlgorithm, SignatureCheckError> {
    let mismatch = || {
        SignatureCheckError::BadIssuerKey(format!(
            "key type {} cannot check signature algorithm {}",
            oid_text(key_algorithm),
            oid_text(signature_oid)
        ))
    };
    let rsa = key_algorithm == RSA_ENCRYPTION;
    let ec = key_algorithm == EC_PUBLIC_KEY;
    let algorithm: &'static dyn VerificationAlgorithm = match signature_oid {
        SHA1_RSA if rsa => &signature::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
        SHA256_RSA if rsa => &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        SHA384_RSA if rsa => &signature::RSA_PKCS1_2048_8192_SHA384,
        SHA512_RSA if rsa => &signature::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
        ECDSA_SHA256 | ECDSA_SHA384 | ECDSA_SHA512 if ec => match (curve, signature_oid) {
            (Some(P256), ECDSA_SHA256) => &signature::ECDSA_P256_SHA256_ASN1,
            (Some(P256), ECDSA_SHA384) => &signature::ECDSA_P256_SHA384_ASN1,
            (Some(P256), _) => &signature::ECDSA_P256_SHA512_ASN1,
            (Some(P384), ECDSA_SHA256) => &signature::ECDSA_P384_SHA256_ASN1,
            (Some(P384), ECDSA_SHA384) => &signature::ECDSA_P384_SHA384_ASN1,
            (Some(P384), _) => &signature::ECDSA_P384_SHA512_ASN1,
            (Some(P521), ECDSA_SHA256) => &signature::ECDSA_P521_SHA256_ASN1,
            (Some(P521), ECDSA_SHA384) => &signature::ECDSA_P521_SHA384_ASN1,
            (Some(P521), _) => &signature::ECDSA_P521_SHA512_ASN1,
            _ => return Err(mismatch()),
        },
        ED25519 if key_algorithm == ED25519 => &signature::ED25519,
        SHA1_RSA | SHA256_RSA | SHA384_RSA | SHA512_RSA | ECDSA_SHA256 | ECDSA_SHA384
        | ECDSA_SHA512 | ED25519 => return Err(mismatch()),
        other => {
            return Err(SignatureCheckError::UnsupportedAlgorithm(oid_text(other)));
        }
    };
    Ok(algorithm)
}

fn oid_text(content: &[u8]) -> String {
    crate::der::oid_to_string(content)
        .unwrap_or_else(|| format!("(bad OID {})", hex::encode(content)))
}
