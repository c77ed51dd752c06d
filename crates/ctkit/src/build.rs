//! Building and signing certificates for SCT embedding: the precertificate
//! (RFC 6962 3.1) from a [`Request`], signed with a [`CaKey`].
//!
//! The final certificate is not built from the request again but from the
//! precertificate, by [`crate::x509::CertificateLayout::final_tbs`], so
//! that every byte other than the poison (and, for a Precertificate
//! Signing Certificate, the issuer and authorityKeyIdentifier) stays the
//! one the logs saw.

use std::net::IpAddr;

use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_ASN1_SIGNING, ECDSA_P384_SHA384_ASN1_SIGNING, EcdsaKeyPair, KeyPair as _,
    RSA_PKCS1_SHA256, RsaKeyPair,
};
use serde::Deserialize;

use crate::der::{
    TAG_BIT_STRING, TAG_BOOLEAN, TAG_EXTENSIONS, TAG_INTEGER, TAG_NULL, TAG_OCTET_STRING, TAG_OID,
    TAG_SEQUENCE, write_tlv,
};
use crate::x509::{CertificateLayout, OID_PRECERT_POISON, OID_SCT_LIST};

/// A failure to build or sign a certificate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    #[error("CA key: {0}")]
    Key(String),
    #[error("request: {0}")]
    Request(String),
    #[error("signing failed")]
    Sign,
}

enum KeyKind {
    P256(EcdsaKeyPair),
    P384(EcdsaKeyPair),
    Rsa(RsaKeyPair),
}

/// A CA's private key, ECDSA P-256, P-384 or RSA.
pub struct CaKey {
    kind: KeyKind,
    spki: Vec<u8>,
}

impl std::fmt::Debug for CaKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key material.
        f.debug_struct("CaKey").finish_non_exhaustive()
    }
}

/// ecdsa-with-SHA256 (RFC 5758 3.2).
const ECDSA_SHA256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
/// ecdsa-with-SHA384.
const ECDSA_SHA384: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03];
/// sha256WithRSAEncryption (RFC 4055 5).
const SHA256_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];

impl CaKey {
    /// Reads a PEM private key: PKCS#8 (`PRIVATE KEY`), SEC1 (`EC PRIVATE
    /// KEY`) or PKCS#1 (`RSA PRIVATE KEY`). Other blocks, such as a
    /// certificate in the same file, are skipped.
    pub fn from_pem(data: &[u8]) -> Result<CaKey, BuildError> {
        let blocks = crate::input::read_blocks(data).map_err(|e| BuildError::Key(e.to_string()))?;
        let block = blocks
            .into_iter()
            .find(|b| {
                b.label
                    .as_deref()
                    .is_some_and(|l| l.ends_with("PRIVATE KEY"))
            })
            .ok_or_else(|| BuildError::Key("no PRIVATE KEY block in the file".into()))?;
        let der = block.der.as_slice();
        let kind = match block.label.as_deref() {
            Some("ENCRYPTED PRIVATE KEY") => {
                return Err(BuildError::Key(
                    "the key is encrypted; decrypt it first, for example with openssl pkey".into(),
                ));
            }
            Some("RSA PRIVATE KEY") => RsaKeyPair::from_der(der)
                .map(KeyKind::Rsa)
                .map_err(|e| BuildError::Key(format!("not a PKCS#1 RSA key: {e}")))?,
            Some("EC PRIVATE KEY") => Self::ecdsa(der)?,
            _ => match Self::ecdsa(der) {
                Ok(kind) => kind,
                Err(_) => RsaKeyPair::from_pkcs8(der).map(KeyKind::Rsa).map_err(|e| {
                    BuildError::Key(format!("not a P-256, P-384 or RSA key in PKCS#8 form: {e}"))
                })?,
            },
        };
        let spki = match &kind {
            KeyKind::P256(key) | KeyKind::P384(key) => {
                key.public_key().as_der().map(|d| d.as_ref().to_vec())
            }
            KeyKind::Rsa(key) => key.public_key().as_der().map(|d| d.as_ref().to_vec()),
        }
        .map_err(|_| BuildError::Key("cannot encode the public key".into()))?;
        Ok(CaKey { kind, spki })
    }

    fn ecdsa(der: &[u8]) -> Result<KeyKind, BuildError> {
        if let Ok(key) = EcdsaKeyPair::from_private_key_der(&ECDSA_P256_SHA256_ASN1_SIGNING, der) {
            return Ok(KeyKind::P256(key));
        }
        EcdsaKeyPair::from_private_key_der(&ECDSA_P384_SHA384_ASN1_SIGNING, der)
            .map(KeyKind::P384)
            .map_err(|e| BuildError::Key(format!("not a P-256 or P-384 key: {e}")))
    }

    /// Returns the DER SubjectPublicKeyInfo of the key.
    pub fn spki(&self) -> &[u8] {
        &self.spki
    }

    /// Returns the AlgorithmIdentifier of this key's signatures: ECDSA with SHA-256
    /// for P-256, with SHA-384 for P-384, and RSA PKCS#1 v1.5 with SHA-256,
    /// whose parameters are NULL (RFC 4055 5).
    pub fn algorithm_identifier(&self) -> Vec<u8> {
        let mut body = Vec::new();
        match self.kind {
            KeyKind::P256(_) => write_tlv(TAG_OID, ECDSA_SHA256, &mut body),
            KeyKind::P384(_) => write_tlv(TAG_OID, ECDSA_SHA384, &mut body),
            KeyKind::Rsa(_) => {
                write_tlv(TAG_OID, SHA256_RSA, &mut body);
                write_tlv(TAG_NULL, &[], &mut body);
            }
        }
        let mut out = Vec::with_capacity(body.len() + 2);
        write_tlv(TAG_SEQUENCE, &body, &mut out);
        out
    }

    /// Signs `message` with the algorithm of [`CaKey::algorithm_identifier`].
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, BuildError> {
        let rng = SystemRandom::new();
        match &self.kind {
            KeyKind::P256(key) | KeyKind::P384(key) => key
                .sign(&rng, message)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| BuildError::Sign),
            KeyKind::Rsa(key) => {
                let mut signature = vec![0u8; key.public_modulus_len()];
                key.sign(&RSA_PKCS1_SHA256, &rng, message, &mut signature)
                    .map_err(|_| BuildError::Sign)?;
                Ok(signature)
            }
        }
    }
}

/// The subject side of an end-entity certificate: everything but the
/// issuer, serial and validity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// DER Name.
    pub subject: Vec<u8>,
    /// DER SubjectPublicKeyInfo.
    pub spki: Vec<u8>,
    pub dns_names: Vec<String>,
    pub ip_addresses: Vec<IpAddr>,
    /// Validity in days; notAfter is notBefore plus this, minus one second.
    pub validity_days: u32,
    /// keyUsage bit names, such as `digitalSignature` (RFC 5280 4.2.1.3).
    pub key_usage: Vec<String>,
    /// extKeyUsage: `serverAuth`, `clientAuth` or dotted OIDs.
    pub extended_key_usage: Vec<String>,
    pub ocsp_url: Option<String>,
    pub ca_issuers_url: Option<String>,
    /// certificatePolicies, as dotted OIDs.
    pub policies: Vec<String>,
}

/// Returns the longest validity the CA/Browser Forum TLS Baseline
/// Requirements (section 6.3.2, as changed by ballot SC-081) allow for a
/// certificate issued at `at` seconds: 398 days, then 200 from 2026-03-15,
/// 100 from 2027-03-15 and 47 from 2029-03-15.
pub fn max_validity_days(at: i64) -> u32 {
    const STEPS: [(i64, u32); 3] = [
        (1_868_918_400, 47),  // 2029-03-15T00:00:00Z
        (1_804_982_400, 100), // 2027-03-15T00:00:00Z
        (1_773_532_800, 200), // 2026-03-15T00:00:00Z
    ];
    STEPS
        .iter()
        .find(|(from, _)| at >= *from)
        .map_or(398, |(_, days)| *days)
}

impl Request {
    /// Rejects what a publicly trusted TLS server certificate may not have
    /// under the CA/Browser Forum TLS Baseline Requirements. That is a
    /// missing subjectAltName, malformed DNS names, CA key usages, AIA URLs
    /// that are not HTTP, and a key other than RSA or ECDSA P-256, P-384 or
    /// P-521. It is also a validity beyond the maximum for the issuance
    /// time `now`, in seconds.
    pub fn check(&self, now: i64) -> Result<(), BuildError> {
        let invalid = |m: String| Err(BuildError::Request(m));
        if self.validity_days == 0 {
            return invalid("the validity must be at least 1 day (--days or validity_days)".into());
        }
        let max = max_validity_days(now);
        if self.validity_days > max {
            return invalid(format!(
                "a validity of {} days is more than the {max} days the CA/Browser Forum \
                 Baseline Requirements allow for a certificate issued now",
                self.validity_days
            ));
        }
        if self.dns_names.is_empty() && self.ip_addresses.is_empty() {
            return invalid(
                "no DNS name or IP address: a TLS server certificate needs a subjectAltName".into(),
            );
        }
        for name in &self.dns_names {
            if !valid_dns_name(name) {
                return invalid(format!(
                    "{name:?} is not a DNS name: labels of letters, digits and hyphens, \
                     optionally after one leading \"*.\""
                ));
            }
        }
        for usage in ["keyCertSign", "cRLSign"] {
            if self.key_usage.iter().any(|u| u == usage) {
                return invalid(format!("key usage {usage} is for CA certificates"));
            }
        }
        for url in [&self.ocsp_url, &self.ca_issuers_url].into_iter().flatten() {
            if !url.starts_with("http://") || url.len() <= "http://".len() {
                return invalid(format!("{url:?} is not an http:// URL, which AIA requires"));
            }
        }
        const RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
        const EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
        const CURVES: [&[u8]; 3] = [
            &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07],
            &[0x2b, 0x81, 0x04, 0x00, 0x22],
            &[0x2b, 0x81, 0x04, 0x00, 0x23],
        ];
        let parts = crate::loglist::split_spki(&self.spki)
            .map_err(|e| BuildError::Request(format!("public key: {e}")))?;
        let allowed = parts.algorithm == RSA
            || (parts.algorithm == EC && parts.parameters.is_some_and(|c| CURVES.contains(&c)));
        if !allowed {
            return invalid(
                "the public key is neither RSA nor ECDSA on P-256, P-384 or P-521".into(),
            );
        }
        Ok(())
    }
}

/// Tests a DNS name in preferred name syntax (RFC 1034 3.5, RFC 5280
/// 4.2.1.6), with an optional wildcard first label.
fn valid_dns_name(name: &str) -> bool {
    let body = name.strip_prefix("*.").unwrap_or(name);
    !body.is_empty()
        && name.len() <= 253
        && body.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// The profile file: every field of a [`Request`], in JSON.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub subject: SubjectFields,
    /// PEM or DER SubjectPublicKeyInfo file of the certificate's key,
    /// relative to the profile file.
    pub public_key: String,
    #[serde(default)]
    pub dns_names: Vec<String>,
    #[serde(default)]
    pub ip_addresses: Vec<IpAddr>,
    #[serde(default = "default_days")]
    pub validity_days: u32,
    #[serde(default = "default_key_usage")]
    pub key_usage: Vec<String>,
    #[serde(default = "default_eku")]
    pub extended_key_usage: Vec<String>,
    #[serde(default)]
    pub ocsp_url: Option<String>,
    #[serde(default)]
    pub ca_issuers_url: Option<String>,
    #[serde(default = "default_policies")]
    pub policies: Vec<String>,
}

/// Subject attributes of a profile, each optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubjectFields {
    pub common_name: Option<String>,
    pub organization: Option<String>,
    pub organizational_unit: Option<String>,
    pub locality: Option<String>,
    pub state: Option<String>,
    pub country: Option<String>,
}

fn default_days() -> u32 {
    90
}

fn default_key_usage() -> Vec<String> {
    vec!["digitalSignature".into()]
}

fn default_eku() -> Vec<String> {
    vec!["serverAuth".into()]
}

/// Returns the CA/Browser Forum domain-validated policy, 2.23.140.1.2.1.
fn default_policies() -> Vec<String> {
    vec!["2.23.140.1.2.1".into()]
}

impl Profile {
    /// Builds the request; `public_key` is the content of the file the
    /// profile names.
    pub fn to_request(&self, public_key: &[u8]) -> Result<Request, BuildError> {
        let spki = crate::input::read_blocks(public_key)
            .map_err(|e| BuildError::Request(format!("public_key: {e}")))?
            .into_iter()
            .next()
            .ok_or_else(|| BuildError::Request("public_key: the file is empty".into()))?
            .der;
        crate::loglist::split_spki(&spki)
            .map_err(|e| BuildError::Request(format!("public_key: {e}")))?;
        Ok(Request {
            subject: encode_name(&self.subject),
            spki,
            dns_names: self.dns_names.clone(),
            ip_addresses: self.ip_addresses.clone(),
            validity_days: self.validity_days,
            key_usage: self.key_usage.clone(),
            extended_key_usage: self.extended_key_usage.clone(),
            ocsp_url: self.ocsp_url.clone(),
            ca_issuers_url: self.ca_issuers_url.clone(),
            policies: self.policies.clone(),
        })
    }
}

/// Reads a PKCS#10 CSR (PEM or DER), checks its signature, and takes its
/// subject, key and requested subjectAltName. The other fields get the
/// defaults of a profile: 90 days, digitalSignature (and keyEncipherment
/// for an RSA key), serverAuth and the domain-validated policy.
pub fn request_from_csr(data: &[u8]) -> Result<Request, BuildError> {
    use x509_parser::prelude::{
        FromDer as _, GeneralName, ParsedExtension, X509CertificationRequest,
    };
    let der = crate::input::read_blocks(data)
        .map_err(|e| BuildError::Request(e.to_string()))?
        .into_iter()
        .next()
        .ok_or_else(|| BuildError::Request("the CSR file is empty".into()))?
        .der;
    let (_, csr) = X509CertificationRequest::from_der(&der)
        .map_err(|e| BuildError::Request(format!("not a PKCS#10 CSR: {e}")))?;
    let info = &csr.certification_request_info;
    let algorithm = csr.signature_algorithm.algorithm.as_bytes();
    crate::chain::verify_signature(
        info.subject_pki.raw,
        algorithm,
        info.raw,
        &csr.signature_value.data,
    )
    .map_err(|e| match e {
        crate::chain::SignatureCheckError::BadSignature => BuildError::Request(
            "the CSR's signature does not verify with the public key in the CSR".into(),
        ),
        other => BuildError::Request(format!("the CSR's signature: {other}")),
    })?;

    let mut dns_names = Vec::new();
    let mut ip_addresses = Vec::new();
    for extension in csr.requested_extensions().into_iter().flatten() {
        if let ParsedExtension::SubjectAlternativeName(san) = extension {
            for name in &san.general_names {
                match name {
                    GeneralName::DNSName(dns) => dns_names.push((*dns).to_owned()),
                    GeneralName::IPAddress(bytes) => match bytes.len() {
                        4 => {
                            let mut octets = [0u8; 4];
                            octets.copy_from_slice(bytes);
                            ip_addresses.push(IpAddr::from(octets));
                        }
                        16 => {
                            let mut octets = [0u8; 16];
                            octets.copy_from_slice(bytes);
                            ip_addresses.push(IpAddr::from(octets));
                        }
                        _ => {
                            return Err(BuildError::Request(
                                "the CSR asks for an IP address of neither 4 nor 16 bytes".into(),
                            ));
                        }
                    },
                    _ => {}
                }
            }
        }
    }
    let rsa = info.subject_pki.algorithm.algorithm.as_bytes()
        == [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    let mut key_usage = default_key_usage();
    if rsa {
        key_usage.push("keyEncipherment".into());
    }
    Ok(Request {
        subject: info.subject.as_raw().to_vec(),
        spki: info.subject_pki.raw.to_vec(),
        dns_names,
        ip_addresses,
        validity_days: default_days(),
        key_usage,
        extended_key_usage: default_eku(),
        ocsp_url: None,
        ca_issuers_url: None,
        policies: default_policies(),
    })
}

/// Encodes a Name with the attributes given, in the order C, ST, L, O, OU,
/// CN; CN and O as UTF8String, C as PrintableString (RFC 5280 4.1.2.4).
pub fn encode_name(fields: &SubjectFields) -> Vec<u8> {
    const UTF8: u8 = 0x0c;
    const PRINTABLE: u8 = 0x13;
    let attributes: [(&[u8], u8, &Option<String>); 6] = [
        (&[0x55, 0x04, 0x06], PRINTABLE, &fields.country),
        (&[0x55, 0x04, 0x08], UTF8, &fields.state),
        (&[0x55, 0x04, 0x07], UTF8, &fields.locality),
        (&[0x55, 0x04, 0x0a], UTF8, &fields.organization),
        (&[0x55, 0x04, 0x0b], UTF8, &fields.organizational_unit),
        (&[0x55, 0x04, 0x03], UTF8, &fields.common_name),
    ];
    let mut rdns = Vec::new();
    for (oid, tag, value) in attributes {
        let Some(value) = value else { continue };
        let mut pair = Vec::new();
        write_tlv(TAG_OID, oid, &mut pair);
        write_tlv(tag, value.as_bytes(), &mut pair);
        let mut attribute = Vec::new();
        write_tlv(TAG_SEQUENCE, &pair, &mut attribute);
        write_tlv(0x31, &attribute, &mut rdns);
    }
    let mut out = Vec::new();
    write_tlv(TAG_SEQUENCE, &rdns, &mut out);
    out
}

/// The issuer side of a TBSCertificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    /// The issuer's subject Name, DER, as it appears in its certificate.
    pub name: Vec<u8>,
    /// The issuer's key identifier, for authorityKeyIdentifier.
    pub key_id: Vec<u8>,
}

impl Issuer {
    /// Takes the subject and subjectKeyIdentifier of a CA certificate, or a
    /// key identifier computed from its key when it has none.
    pub fn from_certificate(ca: &CertificateLayout<'_>) -> Issuer {
        const SKI: &[u8] = &[0x55, 0x1d, 0x0e];
        let name = ca
            .der
            .get(ca.subject.offset..ca.subject.end())
            .unwrap_or_default()
            .to_vec();
        let from_extension = ca.extension(SKI).and_then(|e| {
            let mut r = crate::der::DerReader::new(
                e.value.content,
                e.value.content_offset(),
                crate::error::Layer::Extension(e.index),
            );
            r.expect(TAG_OCTET_STRING, "keyIdentifier")
                .ok()
                .map(|t| t.content.to_vec())
        });
        let key_id = from_extension.unwrap_or_else(|| key_identifier(ca.spki_der()));
        Issuer { name, key_id }
    }
}

/// The leftmost 160 bits of the SHA-256 of the subjectPublicKey bits, RFC
/// 7093 section 2 method 1.
pub fn key_identifier(spki: &[u8]) -> Vec<u8> {
    let bits = crate::loglist::split_spki(spki)
        .map(|p| p.key)
        .unwrap_or(spki);
    crate::x509::sha256(bits)
        .get(..20)
        .unwrap_or_default()
        .to_vec()
}

/// The extension that ends a TBSCertificate built here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LastExtension<'a> {
    /// The critical poison of a precertificate (RFC 6962 3.1).
    Poison,
    /// The SCT list of a final certificate: the TLS-encoded
    /// `SignedCertificateTimestampList` (RFC 6962 3.3).
    SctList(&'a [u8]),
}

/// The fixed parts of one issuance: the request, serial and validity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub request: Request,
    /// The serial number's content bytes: positive, minimal.
    pub serial: Vec<u8>,
    /// Seconds since the epoch.
    pub not_before: i64,
    pub not_after: i64,
}

impl Template {
    /// Fixes a random serial and a validity starting at `now` seconds. The
    /// serial has 16 bytes with the top bit clear, so it stays positive, and
    /// the rest random: more than the 64 random bits the CA/Browser Forum
    /// requires.
    pub fn new(request: Request, now: i64) -> Result<Template, BuildError> {
        let mut serial = [0u8; 16];
        aws_lc_rs::rand::fill(&mut serial).map_err(|_| BuildError::Sign)?;
        serial[0] = (serial[0] & 0x7f) | 0x40;
        request.check(now)?;
        let days = i64::from(request.validity_days);
        Ok(Template {
            request,
            serial: serial.to_vec(),
            not_before: now,
            not_after: now + days * 86_400 - 1,
        })
    }

    /// Builds the TBSCertificate for `issuer`, signed with `algorithm`
    /// (an AlgorithmIdentifier), ending with `last`.
    pub fn tbs(
        &self,
        issuer: &Issuer,
        algorithm: &[u8],
        last: LastExtension<'_>,
    ) -> Result<Vec<u8>, BuildError> {
        let request = &self.request;
        let mut body = Vec::new();
        // [0] EXPLICIT Version v3.
        body.extend_from_slice(&[0xa0, 0x03, 0x02, 0x01, 0x02]);
        write_tlv(TAG_INTEGER, &self.serial, &mut body);
        body.extend_from_slice(algorithm);
        body.extend_from_slice(&issuer.name);
        let mut validity = Vec::new();
        encode_time(self.not_before, &mut validity)?;
        encode_time(self.not_after, &mut validity)?;
        write_tlv(TAG_SEQUENCE, &validity, &mut body);
        body.extend_from_slice(&request.subject);
        body.extend_from_slice(&request.spki);

        let mut extensions = Vec::new();
        let mut ski = Vec::new();
        write_tlv(TAG_OCTET_STRING, &key_identifier(&request.spki), &mut ski);
        push_extension(&mut extensions, &[0x55, 0x1d, 0x0e], false, &ski);
        let mut aki_body = Vec::new();
        write_tlv(0x80, &issuer.key_id, &mut aki_body);
        let mut aki = Vec::new();
        write_tlv(TAG_SEQUENCE, &aki_body, &mut aki);
        push_extension(&mut extensions, &[0x55, 0x1d, 0x23], false, &aki);
        if !request.key_usage.is_empty() {
            push_extension(
                &mut extensions,
                &[0x55, 0x1d, 0x0f],
                true,
                &key_usage(&request.key_usage)?,
            );
        }
        if !request.extended_key_usage.is_empty() {
            let mut purposes = Vec::new();
            for purpose in &request.extended_key_usage {
                let oid = match purpose.as_str() {
                    "serverAuth" => "1.3.6.1.5.5.7.3.1",
                    "clientAuth" => "1.3.6.1.5.5.7.3.2",
                    other => other,
                };
                write_tlv(TAG_OID, &encode_oid(oid)?, &mut purposes);
            }
            let mut eku = Vec::new();
            write_tlv(TAG_SEQUENCE, &purposes, &mut eku);
            push_extension(&mut extensions, &[0x55, 0x1d, 0x25], false, &eku);
        }
        // basicConstraints with cA FALSE, the DEFAULT, is an empty SEQUENCE.
        push_extension(&mut extensions, &[0x55, 0x1d, 0x13], true, &[0x30, 0x00]);
        if !request.dns_names.is_empty() || !request.ip_addresses.is_empty() {
            let mut names = Vec::new();
            for dns in &request.dns_names {
                if !dns.is_ascii() {
                    return Err(BuildError::Request(format!(
                        "DNS name {dns:?} is not ASCII; give its A-label form"
                    )));
                }
                write_tlv(0x82, dns.as_bytes(), &mut names);
            }
            for ip in &request.ip_addresses {
                match ip {
                    IpAddr::V4(v4) => write_tlv(0x87, &v4.octets(), &mut names),
                    IpAddr::V6(v6) => write_tlv(0x87, &v6.octets(), &mut names),
                }
            }
            let mut san = Vec::new();
            write_tlv(TAG_SEQUENCE, &names, &mut san);
            // Critical when the subject is empty (RFC 5280 4.2.1.6).
            let empty_subject = request.subject == [0x30, 0x00];
            push_extension(&mut extensions, &[0x55, 0x1d, 0x11], empty_subject, &san);
        }
        if !request.policies.is_empty() {
            let mut infos = Vec::new();
            for policy in &request.policies {
                let mut oid = Vec::new();
                write_tlv(TAG_OID, &encode_oid(policy)?, &mut oid);
                write_tlv(TAG_SEQUENCE, &oid, &mut infos);
            }
            let mut policies = Vec::new();
            write_tlv(TAG_SEQUENCE, &infos, &mut policies);
            push_extension(&mut extensions, &[0x55, 0x1d, 0x20], false, &policies);
        }
        if request.ocsp_url.is_some() || request.ca_issuers_url.is_some() {
            let mut descriptions = Vec::new();
            for (method, url) in [
                (
                    [0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01],
                    &request.ocsp_url,
                ),
                (
                    [0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02],
                    &request.ca_issuers_url,
                ),
            ] {
                let Some(url) = url else { continue };
                let mut description = Vec::new();
                write_tlv(TAG_OID, &method, &mut description);
                write_tlv(0x86, url.as_bytes(), &mut description);
                write_tlv(TAG_SEQUENCE, &description, &mut descriptions);
            }
            let mut aia = Vec::new();
            write_tlv(TAG_SEQUENCE, &descriptions, &mut aia);
            push_extension(
                &mut extensions,
                &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01],
                false,
                &aia,
            );
        }
        match last {
            LastExtension::Poison => {
                push_extension(&mut extensions, OID_PRECERT_POISON, true, &[0x05, 0x00]);
            }
            LastExtension::SctList(list) => {
                let mut inner = Vec::with_capacity(list.len() + 4);
                write_tlv(TAG_OCTET_STRING, list, &mut inner);
                push_extension(&mut extensions, OID_SCT_LIST, false, &inner);
            }
        }
        let mut sequence = Vec::new();
        write_tlv(TAG_SEQUENCE, &extensions, &mut sequence);
        write_tlv(TAG_EXTENSIONS, &sequence, &mut body);

        let mut out = Vec::with_capacity(body.len() + 4);
        write_tlv(TAG_SEQUENCE, &body, &mut out);
        Ok(out)
    }
}

fn push_extension(out: &mut Vec<u8>, oid: &[u8], critical: bool, value: &[u8]) {
    let mut body = Vec::new();
    write_tlv(TAG_OID, oid, &mut body);
    if critical {
        write_tlv(TAG_BOOLEAN, &[0xff], &mut body);
    }
    write_tlv(TAG_OCTET_STRING, value, &mut body);
    write_tlv(TAG_SEQUENCE, &body, out);
}

/// Encodes the keyUsage BIT STRING with the named bits, minimal (X.690
/// 11.2.2: no trailing zero bits).
fn key_usage(names: &[String]) -> Result<Vec<u8>, BuildError> {
    const NAMES: [&str; 9] = [
        "digitalSignature",
        "nonRepudiation",
        "keyEncipherment",
        "dataEncipherment",
        "keyAgreement",
        "keyCertSign",
        "cRLSign",
        "encipherOnly",
        "decipherOnly",
    ];
    let mut bits: u16 = 0;
    for name in names {
        let index = NAMES
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| BuildError::Request(format!("unknown key usage {name:?}")))?;
        bits |= 0x8000 >> index;
    }
    let bytes = bits.to_be_bytes();
    let used: &[u8] = if bits & 0x00ff == 0 {
        &bytes[..1]
    } else {
        &bytes
    };
    let unused = u8::try_from(bits.trailing_zeros() % 8).unwrap_or(0);
    let mut content = vec![if bits == 0 { 0 } else { unused }];
    content.extend_from_slice(used);
    let mut out = Vec::new();
    write_tlv(TAG_BIT_STRING, &content, &mut out);
    Ok(out)
}

/// Encodes a dotted OID's content bytes (X.690 8.19).
pub fn encode_oid(dotted: &str) -> Result<Vec<u8>, BuildError> {
    let invalid = || BuildError::Request(format!("{dotted:?} is not a dotted OID"));
    let arcs: Vec<u64> = dotted
        .split('.')
        .map(|a| a.parse::<u64>().map_err(|_| invalid()))
        .collect::<Result<_, _>>()?;
    let (first, second, rest) = match arcs.as_slice() {
        [first @ 0..=2, second, rest @ ..] if *first == 2 || *second < 40 => {
            (*first, *second, rest)
        }
        _ => return Err(invalid()),
    };
    let mut out = Vec::new();
    for arc in std::iter::once(first * 40 + second).chain(rest.iter().copied()) {
        let mut groups = vec![u8::try_from(arc & 0x7f).unwrap_or(0)];
        let mut value = arc >> 7;
        while value > 0 {
            groups.push(u8::try_from(value & 0x7f).unwrap_or(0) | 0x80);
            value >>= 7;
        }
        out.extend(groups.iter().rev());
    }
    Ok(out)
}

/// Encodes a time as UTCTime before 2050 and GeneralizedTime from 2050 on
/// (RFC 5280 4.1.2.5).
fn encode_time(seconds: i64, out: &mut Vec<u8>) -> Result<(), BuildError> {
    let time = time::OffsetDateTime::from_unix_timestamp(seconds)
        .map_err(|_| BuildError::Request(format!("time {seconds} is out of range")))?;
    let year = time.year();
    let rest = format!(
        "{:02}{:02}{:02}{:02}{:02}Z",
        u8::from(time.month()),
        time.day(),
        time.hour(),
        time.minute(),
        time.second()
    );
    if (1950..2050).contains(&year) {
        write_tlv(0x17, format!("{:02}{rest}", year % 100).as_bytes(), out);
    } else {
        write_tlv(0x18, format!("{year:04}{rest}").as_bytes(), out);
    }
    Ok(())
}

/// Joins a TBSCertificate, its AlgorithmIdentifier and signature into a
/// Certificate (RFC 5280 4.1).
pub fn assemble(tbs: &[u8], algorithm: &[u8], signature: &[u8]) -> Vec<u8> {
    let mut bits = Vec::with_capacity(signature.len() + 1);
    bits.push(0);
    bits.extend_from_slice(signature);
    let mut body = Vec::with_capacity(tbs.len() + algorithm.len() + bits.len() + 8);
    body.extend_from_slice(tbs);
    body.extend_from_slice(algorithm);
    write_tlv(TAG_BIT_STRING, &bits, &mut body);
    let mut out = Vec::with_capacity(body.len() + 4);
    write_tlv(TAG_SEQUENCE, &body, &mut out);
    out
}

/// Signs a TBSCertificate with `key` and returns the Certificate.
pub fn sign_certificate(tbs: &[u8], key: &CaKey) -> Result<Vec<u8>, BuildError> {
    let algorithm = key.algorithm_identifier();
    let signature = key.sign(tbs)?;
    Ok(assemble(tbs, &algorithm, &signature))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_oids_per_x690() {
        // X.690 8.19.5 example: 2.999.3 is 88 37 03.
        assert_eq!(encode_oid("2.999.3").ok(), Some(vec![0x88, 0x37, 0x03]));
        assert_eq!(
            encode_oid("1.3.6.1.4.1.11129.2.4.3").ok().as_deref(),
            Some(OID_PRECERT_POISON)
        );
        assert!(encode_oid("3.1").is_err());
        assert!(encode_oid("1.40").is_err());
        assert!(encode_oid("1.2.x").is_err());
    }

    #[test]
    fn key_usage_bits_are_minimal() {
        // digitalSignature alone: 03 02 07 80 (RFC 5280 4.2.1.3 bit 0).
        assert_eq!(
            key_usage(&["digitalSignature".into()]).ok(),
            Some(vec![0x03, 0x02, 0x07, 0x80])
        );
        // digitalSignature and keyEncipherment: bits 0 and 2, 03 02 05 a0.
        assert_eq!(
            key_usage(&["digitalSignature".into(), "keyEncipherment".into()]).ok(),
            Some(vec![0x03, 0x02, 0x05, 0xa0])
        );
        // decipherOnly is bit 8, in a second byte: 03 03 07 00 80.
        assert_eq!(
            key_usage(&["decipherOnly".into()]).ok(),
            Some(vec![0x03, 0x03, 0x07, 0x00, 0x80])
        );
        assert!(key_usage(&["everything".into()]).is_err());
    }

    /// The validity limits of ballot SC-081 change at 2026-03-15T00:00:00Z
    /// (1773532800), 2027-03-15 and 2029-03-15.
    #[test]
    fn validity_limit_follows_the_dated_steps() {
        assert_eq!(max_validity_days(1_773_532_799), 398);
        assert_eq!(max_validity_days(1_773_532_800), 200);
        assert_eq!(max_validity_days(1_804_982_400), 100);
        assert_eq!(max_validity_days(1_868_918_400), 47);
    }

    #[test]
    fn requests_that_no_tls_certificate_may_have_are_rejected() {
        // A P-256 SubjectPublicKeyInfo header with a dummy point.
        let mut spki = vec![
            0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06,
            0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04,
        ];
        spki.extend_from_slice(&[7; 64]);
        let good = Request {
            subject: vec![0x30, 0x00],
            spki,
            dns_names: vec!["www.example.test".into(), "*.example.test".into()],
            ip_addresses: Vec::new(),
            validity_days: 90,
            key_usage: default_key_usage(),
            extended_key_usage: default_eku(),
            ocsp_url: Some("http://ocsp.example.test/".into()),
            ca_issuers_url: None,
            policies: default_policies(),
        };
        let now = 1_796_400_000; // 2026-12-04
        assert_eq!(good.check(now), Ok(()));
        let with = |change: &dyn Fn(&mut Request)| {
            let mut request = good.clone();
            change(&mut request);
            request.check(now)
        };
        for name in ["bad name!", "", "*.", "-a.test", "a..test", "x.*.test"] {
            assert!(
                with(&|r| r.dns_names = vec![name.into()]).is_err(),
                "{name:?}"
            );
        }
        assert!(with(&|r| r.dns_names.clear()).is_err());
        assert!(with(&|r| r.key_usage.push("keyCertSign".into())).is_err());
        assert!(with(&|r| r.ocsp_url = Some("not a url".into())).is_err());
        assert!(with(&|r| r.validity_days = 201).is_err());
        assert!(with(&|r| r.validity_days = 0).is_err());
        // An Ed25519 key (1.3.101.112) is not allowed.
        assert!(
            with(&|r| r.spki = vec![
                0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00, 1, 2, 3, 4,
                5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
                27, 28, 29, 30, 31, 32
            ])
            .is_err()
        );
    }

    #[test]
    fn times_switch_to_generalized_in_2050() {
        let mut out = Vec::new();
        encode_time(2_524_607_999, &mut out).ok(); // 2049-12-31T23:59:59Z
        encode_time(2_524_608_000, &mut out).ok(); // 2050-01-01T00:00:00Z
        assert_eq!(out.get(..15), Some(&b"\x17\x0d491231235959Z"[..]));
        assert_eq!(out.get(15..), Some(&b"\x18\x0f20500101000000Z"[..]));
    }
}
