//! Signed Certificate Timestamps: the SCT list, its SCTs, and the data a log
//! signs (RFC 6962 3.2 and 3.3).
//!
//! ```text
//! opaque SerializedSCT<1..2^16-1>;
//! struct {
//!     SerializedSCT sct_list <1..2^16-1>;
//! } SignedCertificateTimestampList;
//!
//! struct {
//!     Version sct_version;                     // v1(0)
//!     LogID id;                                // opaque key_id[32]
//!     uint64 timestamp;                        // ms since the epoch
//!     CtExtensions extensions;                 // opaque <0..2^16-1>
//!     digitally-signed struct { ... };         // SignatureAndHashAlgorithm,
//! } SignedCertificateTimestamp;                // opaque signature<0..2^16-1>
//! ```

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use crate::annotate::{Annotator, Discard};
use crate::codec::{EncodeError, Reader, put_vec16, put_vec24};
use crate::der::{DerReader, TAG_INTEGER, TAG_SEQUENCE, check_integer};
use crate::error::{DecodeError, ErrorKind, Layer};

const SPEC_LIST: &str = "RFC 6962 3.3";
const SPEC_SCT: &str = "RFC 6962 3.2";
const SPEC_ALGORITHMS: &str = "RFC 5246 7.4.1.4.1";
const SPEC_ECDSA_SIG: &str = "RFC 4492 5.4";

/// An SCT list with no SCTs breaks the `<1..2^16-1>` bound of RFC 6962 3.3,
/// but it decodes without ambiguity. It is accepted here so that `inspect`
/// and `verify` can report "no SCTs". The linter reports the violation.
pub const ACCEPT_EMPTY_SCT_LIST: bool = true;

/// `Version` of an SCT (RFC 6962 3.2). Unknown values decode and round-trip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Version(pub u8);

impl Version {
    pub const V1: Version = Version(0);
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Version::V1 => f.write_str("v1"),
            Version(other) => write!(f, "unknown ({other})"),
        }
    }
}

/// `LogID`: the SHA-256 hash of the log's public key (RFC 6962 3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LogId(pub [u8; 32]);

impl LogId {
    pub fn to_base64(&self) -> String {
        BASE64.encode(self.0)
    }
}

impl fmt::Display for LogId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base64())
    }
}

/// `HashAlgorithm` (RFC 5246 7.4.1.4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HashAlgorithm(pub u8);

impl HashAlgorithm {
    pub const NONE: Self = Self(0);
    pub const MD5: Self = Self(1);
    pub const SHA1: Self = Self(2);
    pub const SHA224: Self = Self(3);
    pub const SHA256: Self = Self(4);
    pub const SHA384: Self = Self(5);
    pub const SHA512: Self = Self(6);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "none",
            1 => "md5",
            2 => "sha1",
            3 => "sha224",
            4 => "sha256",
            5 => "sha384",
            6 => "sha512",
            _ => return None,
        })
    }
}

impl fmt::Display for HashAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} ({})", self.0),
            None => write!(f, "unknown ({})", self.0),
        }
    }
}

/// `SignatureAlgorithm` (RFC 5246 7.4.1.4.1; ed25519 and ed448 from RFC 8422).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SignatureAlgorithm(pub u8);

impl SignatureAlgorithm {
    pub const ANONYMOUS: Self = Self(0);
    pub const RSA: Self = Self(1);
    pub const DSA: Self = Self(2);
    pub const ECDSA: Self = Self(3);
    pub const ED25519: Self = Self(7);
    pub const ED448: Self = Self(8);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "anonymous",
            1 => "rsa",
            2 => "dsa",
            3 => "ecdsa",
            7 => "ed25519",
            8 => "ed448",
            _ => return None,
        })
    }
}

impl fmt::Display for SignatureAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} ({})", self.0),
            None => write!(f, "unknown ({})", self.0),
        }
    }
}

/// The `digitally-signed` element of an SCT (RFC 5246 4.7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigitallySigned {
    pub hash: HashAlgorithm,
    pub signature_algorithm: SignatureAlgorithm,
    pub signature: Vec<u8>,
}

impl DigitallySigned {
    /// Decodes a `digitally-signed` struct that fills `data`, as the
    /// `tree_head_signature` of a get-sth response carries it.
    pub fn from_tls(data: &[u8]) -> Result<DigitallySigned, DecodeError> {
        let mut r = Reader::new(data, 0, Layer::DigitallySigned);
        let hash = HashAlgorithm(r.u8("hash algorithm")?);
        let signature_algorithm = SignatureAlgorithm(r.u8("signature algorithm")?);
        let signature = r.vec16("signature")?.rest().to_vec();
        r.finish("digitally-signed")?;
        Ok(DigitallySigned {
            hash,
            signature_algorithm,
            signature,
        })
    }

    /// Encodes the struct: two algorithm bytes, then the signature behind a
    /// 2-byte length.
    pub fn to_tls(&self) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::with_capacity(4 + self.signature.len());
        out.push(self.hash.0);
        out.push(self.signature_algorithm.0);
        put_vec16(&mut out, &self.signature, "signature")?;
        Ok(out)
    }
}

/// A version 1 SCT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sct {
    pub version: Version,
    pub log_id: LogId,
    /// Milliseconds since the Unix epoch, ignoring leap seconds.
    pub timestamp: u64,
    /// `CtExtensions`, opaque here; see [`leaf_index`].
    pub extensions: Vec<u8>,
    pub signature: DigitallySigned,
}

/// One element of an SCT list: a v1 SCT, or an SCT of a version whose
/// layout is unknown, kept as raw bytes so that the list round-trips.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SerializedSct {
    V1(Sct),
    Unknown { version: Version, body: Vec<u8> },
}

impl SerializedSct {
    pub fn version(&self) -> Version {
        match self {
            SerializedSct::V1(sct) => sct.version,
            SerializedSct::Unknown { version, .. } => *version,
        }
    }
}

/// A `SignedCertificateTimestampList`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SctList {
    pub scts: Vec<SerializedSct>,
}

/// `LogEntryType` with the entry it signs (RFC 6962 3.1 and 3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedEntry<'a> {
    /// `x509_entry`: the whole certificate, for SCTs delivered by TLS or OCSP.
    X509 { certificate: &'a [u8] },
    /// `precert_entry`: the SHA-256 of the issuer's SubjectPublicKeyInfo and
    /// the TBSCertificate without the poison and SCT list extensions.
    Precert {
        issuer_key_hash: [u8; 32],
        tbs_certificate: &'a [u8],
    },
}

impl Sct {
    /// Decodes the body of a SerializedSCT whose version is v1.
    fn decode_v1_body<A: Annotator>(
        r: &mut Reader<'_>,
        version: Version,
        a: &mut A,
    ) -> Result<Sct, DecodeError> {
        let at = r.offset();
        let log_id = LogId(r.array::<32>("log ID")?);
        a.leaf("id", at, &[], &log_id.0, || log_id.to_base64(), SPEC_SCT);

        let at = r.offset();
        let timestamp = r.u64("timestamp")?;
        a.leaf(
            "timestamp",
            at,
            &[],
            &timestamp.to_be_bytes(),
            || format!("{timestamp} ms = {}", format_timestamp(timestamp)),
            SPEC_SCT,
        );

        let at = r.offset();
        let extensions = r.vec16("extensions")?.rest().to_vec();
        a.leaf(
            "extensions",
            at,
            &at_prefix(&extensions),
            &extensions,
            || describe_extensions(&extensions),
            SPEC_SCT,
        );

        let signed_at = r.offset();
        a.open(
            "signature",
            signed_at,
            &[],
            || "digitally-signed".into(),
            "RFC 5246 4.7",
        );
        let at = r.offset();
        let hash = HashAlgorithm(r.u8("hash algorithm")?);
        a.leaf(
            "hash",
            at,
            &[],
            &[hash.0],
            || hash.to_string(),
            SPEC_ALGORITHMS,
        );
        let at = r.offset();
        let signature_algorithm = SignatureAlgorithm(r.u8("signature algorithm")?);
        a.leaf(
            "signature algorithm",
            at,
            &[],
            &[signature_algorithm.0],
            || signature_algorithm.to_string(),
            SPEC_ALGORITHMS,
        );
        let at = r.offset();
        let sig = r.vec16("signature")?;
        let signature = sig.rest().to_vec();
        a.leaf(
            "signature",
            at,
            &at_prefix(&signature),
            &signature,
            || format!("{} bytes", signature.len()),
            "RFC 5246 4.7",
        );
        if signature_algorithm == SignatureAlgorithm::ECDSA {
            // Decoded for the tree only: the signature bytes are verified as
            // they are, so an encoding fault here is shown, not fatal.
            annotate_ecdsa_signature(&signature, at + 2, index_of(r.layer()), a);
        }
        a.close(r.offset());

        Ok(Sct {
            version,
            log_id,
            timestamp,
            extensions,
            signature: DigitallySigned {
                hash,
                signature_algorithm,
                signature,
            },
        })
    }

    /// Encodes the SCT without its SerializedSCT length prefix.
    pub fn to_bytes(&self) -> Result<Vec<u8>, EncodeError> {
        let mut out =
            Vec::with_capacity(47 + self.extensions.len() + self.signature.signature.len());
        out.push(self.version.0);
        out.extend_from_slice(&self.log_id.0);
        out.extend_from_slice(&self.timestamp.to_be_bytes());
        put_vec16(&mut out, &self.extensions, "extensions")?;
        out.push(self.signature.hash.0);
        out.push(self.signature.signature_algorithm.0);
        put_vec16(&mut out, &self.signature.signature, "signature")?;
        Ok(out)
    }

    /// Decodes a single SCT, as a log returns it or as a `.sct` file stores it
    /// (no SerializedSCT length prefix).
    pub fn from_bytes(data: &[u8]) -> Result<Sct, DecodeError> {
        let mut r = Reader::new(data, 0, Layer::Sct(0));
        let version = Version(r.u8("version")?);
        if version != Version::V1 {
            return Err(r.error("version", ErrorKind::InvalidValue("unknown SCT version")));
        }
        let sct = Sct::decode_v1_body(&mut r, version, &mut Discard)?;
        r.finish("SCT")?;
        Ok(sct)
    }

    /// Builds the input to the log's signature (RFC 6962 3.2).
    ///
    /// ```text
    /// digitally-signed struct {
    ///     Version sct_version;
    ///     SignatureType signature_type = certificate_timestamp;   // 0
    ///     uint64 timestamp;
    ///     LogEntryType entry_type;                                // u16
    ///     select(entry_type) {
    ///         case x509_entry: ASN.1Cert;                          // <1..2^24-1>
    ///         case precert_entry: PreCert;                         // hash[32], <1..2^24-1>
    ///     } signed_entry;
    ///     CtExtensions extensions;
    /// };
    /// ```
    pub fn signed_data(&self, entry: &SignedEntry<'_>) -> Result<Vec<u8>, EncodeError> {
        let entry_len = match entry {
            SignedEntry::X509 { certificate } => certificate.len(),
            SignedEntry::Precert {
                tbs_certificate, ..
            } => 32 + tbs_certificate.len(),
        };
        let mut out = Vec::with_capacity(1 + 1 + 8 + 2 + 3 + entry_len + 2 + self.extensions.len());
        out.push(self.version.0);
        out.push(0); // signature_type = certificate_timestamp
        out.extend_from_slice(&self.timestamp.to_be_bytes());
        match entry {
            SignedEntry::X509 { certificate } => {
                out.extend_from_slice(&0u16.to_be_bytes());
                put_vec24(&mut out, certificate, "certificate")?;
            }
            SignedEntry::Precert {
                issuer_key_hash,
                tbs_certificate,
            } => {
                out.extend_from_slice(&1u16.to_be_bytes());
                out.extend_from_slice(issuer_key_hash);
                put_vec24(&mut out, tbs_certificate, "tbs_certificate")?;
            }
        }
        put_vec16(&mut out, &self.extensions, "extensions")?;
        Ok(out)
    }
}

impl SctList {
    /// Decodes the SCT list of a TLS `signed_certificate_timestamp`
    /// extension (RFC 6962 3.3): its extension_data, or the whole
    /// extension with the type 00 12 and length in front.
    pub fn from_tls_extension(data: &[u8]) -> Result<SctList, DecodeError> {
        if let [0x00, 0x12, high, low, rest @ ..] = data
            && usize::from(u16::from_be_bytes([*high, *low])) == rest.len()
            && SctList::decode(rest, 4, &mut Discard).is_ok()
        {
            return SctList::decode(rest, 4, &mut Discard);
        }
        SctList::from_tls(data)
    }

    /// Decodes a TLS `SignedCertificateTimestampList` that fills `data`.
    pub fn from_tls(data: &[u8]) -> Result<SctList, DecodeError> {
        Self::decode(data, 0, &mut Discard)
    }

    /// Decodes the list from `data`, whose first byte is at absolute offset
    /// `base`, reporting each field to `a`.
    pub fn decode<A: Annotator>(
        data: &[u8],
        base: usize,
        a: &mut A,
    ) -> Result<SctList, DecodeError> {
        let mut outer = Reader::new(data, base, Layer::SctList);
        let prefix = data.get(..2).unwrap_or_default();
        let (mut list, truncation) = outer.vec16_partial("list length")?;
        let declared = data
            .get(..2)
            .and_then(|p| <[u8; 2]>::try_from(p).ok())
            .map_or(0, u16::from_be_bytes);
        a.open(
            "SignedCertificateTimestampList",
            base,
            prefix,
            || match truncation {
                None => format!("{declared} bytes of SerializedSCTs"),
                Some(_) => format!(
                    "declares {declared} bytes of SerializedSCTs, but only {} follow",
                    list.remaining()
                ),
            },
            SPEC_LIST,
        );
        // The list must fill its container: a byte after it is an error,
        // however the list itself decodes.
        outer.finish("list length")?;
        if list.is_empty() && !ACCEPT_EMPTY_SCT_LIST {
            return Err(list.error("sct_list", ErrorKind::Empty));
        }

        // When the list is truncated, the SCTs that are there are decoded
        // for the tree, and the error names the list length that is wrong.
        let mut scts = Vec::new();
        while !list.is_empty() {
            let index = scts.len();
            list.set_layer(Layer::Sct(index));
            match decode_serialized(&mut list, index, a) {
                Ok(sct) => scts.push(sct),
                Err(e) => return Err(truncation.unwrap_or(e)),
            }
        }
        if let Some(e) = truncation {
            return Err(e);
        }
        a.close(list.offset());
        Ok(SctList { scts })
    }

    /// Encodes the list with its 2-byte length prefix.
    pub fn to_tls(&self) -> Result<Vec<u8>, EncodeError> {
        let mut body = Vec::new();
        for sct in &self.scts {
            let bytes = match sct {
                SerializedSct::V1(sct) => sct.to_bytes()?,
                SerializedSct::Unknown { version, body } => {
                    let mut out = vec![version.0];
                    out.extend_from_slice(body);
                    out
                }
            };
            put_vec16(&mut body, &bytes, "SerializedSCT")?;
        }
        let mut out = Vec::with_capacity(body.len() + 2);
        put_vec16(&mut out, &body, "SignedCertificateTimestampList")?;
        Ok(out)
    }
}

fn decode_serialized<A: Annotator>(
    list: &mut Reader<'_>,
    index: usize,
    a: &mut A,
) -> Result<SerializedSct, DecodeError> {
    let start = list.offset();
    let prefix = list.rest().get(..2).unwrap_or_default().to_vec();
    let (mut r, truncation) = list.vec16_partial("SerializedSCT length")?;
    let len = r.remaining();
    let name = if a.enabled() {
        format!("SerializedSCT #{}", index + 1)
    } else {
        String::new()
    };
    a.open(
        &name,
        start,
        &prefix,
        || match &truncation {
            None => format!("{len} bytes"),
            Some(e) => match e.kind {
                ErrorKind::Truncated { needed, .. } => {
                    format!("declares {needed} bytes, but only {len} follow")
                }
                _ => format!("{len} bytes"),
            },
        },
        SPEC_LIST,
    );
    if r.is_empty() && truncation.is_none() {
        // opaque SerializedSCT<1..2^16-1>
        return Err(DecodeError::new(
            Layer::Sct(index),
            "SerializedSCT length",
            start,
            ErrorKind::Empty,
        ));
    }

    // A truncated SCT is decoded as far as it goes for the tree, and the
    // error names its length prefix, the byte that is wrong.
    let decoded = decode_sct_body(&mut r, a);
    if let Some(e) = truncation {
        return Err(e);
    }
    let sct = decoded?;
    a.close(start + 2 + len);
    Ok(sct)
}

fn decode_sct_body<A: Annotator>(
    r: &mut Reader<'_>,
    a: &mut A,
) -> Result<SerializedSct, DecodeError> {
    let at = r.offset();
    let version = Version(r.u8("version")?);
    a.leaf(
        "version",
        at,
        &[],
        &[version.0],
        || version.to_string(),
        SPEC_SCT,
    );
    if version == Version::V1 {
        let sct = Sct::decode_v1_body(r, version, a)?;
        r.finish("SerializedSCT")?;
        return Ok(SerializedSct::V1(sct));
    }
    let body = r.rest().to_vec();
    a.leaf(
        "undecoded",
        r.offset(),
        &[],
        &body,
        || {
            format!(
                "{} bytes in a layout that SCT {version} does not define here",
                body.len()
            )
        },
        SPEC_SCT,
    );
    Ok(SerializedSct::Unknown { version, body })
}

/// The two ECDSA INTEGERs, each with whether DER needed a leading zero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcdsaSignature<'a> {
    pub r: &'a [u8],
    pub s: &'a [u8],
}

/// Decodes `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }`
/// (RFC 4492 5.4), requiring DER and positive, minimal INTEGERs.
pub fn decode_ecdsa_signature<'s, A: Annotator>(
    sig: &'s [u8],
    base: usize,
    index: usize,
    a: &mut A,
) -> Result<EcdsaSignature<'s>, DecodeError> {
    let layer = Layer::EcdsaSignature(index);
    let mut outer = DerReader::new(sig, base, layer);
    let seq = outer.expect(TAG_SEQUENCE, "Ecdsa-Sig-Value")?;
    a.open(
        "Ecdsa-Sig-Value",
        seq.offset,
        seq.header,
        || "SEQUENCE".into(),
        SPEC_ECDSA_SIG,
    );
    let mut inner = seq.reader(layer);
    let mut read_int = |name: &'static str, a: &mut A| -> Result<&'s [u8], DecodeError> {
        let at = inner.offset();
        let int = inner.expect(TAG_INTEGER, name)?;
        check_integer(int.content).map_err(|kind| DecodeError::new(layer, name, at, kind))?;
        if int.content.first().is_some_and(|b| b & 0x80 != 0) {
            return Err(DecodeError::new(layer, name, at, ErrorKind::NotPositive));
        }
        a.leaf(
            name,
            int.offset,
            int.header,
            int.content,
            || describe_integer(int.content),
            SPEC_ECDSA_SIG,
        );
        Ok(int.content)
    };
    let r = read_int("r", a)?;
    let s = read_int("s", a)?;
    inner.finish("Ecdsa-Sig-Value")?;
    a.close(seq.end());
    outer.finish("signature")?;
    Ok(EcdsaSignature { r, s })
}

fn index_of(layer: Layer) -> usize {
    match layer {
        Layer::Sct(i) | Layer::EcdsaSignature(i) => i,
        _ => 0,
    }
}

fn annotate_ecdsa_signature<A: Annotator>(sig: &[u8], base: usize, index: usize, a: &mut A) {
    if let Err(err) = decode_ecdsa_signature(sig, base, index, a) {
        a.leaf(
            "error",
            err.offset,
            &[],
            &[],
            || err.to_string(),
            SPEC_ECDSA_SIG,
        );
    }
}

fn describe_integer(content: &[u8]) -> String {
    match content {
        [0x00, rest @ ..] => format!(
            "{} bytes: a leading 0x00 keeps it positive because the next byte 0x{:02x} has its high bit set",
            rest.len(),
            rest.first().copied().unwrap_or_default()
        ),
        _ => format!("{} bytes, no leading zero needed", content.len()),
    }
}

/// Returns the length prefix of a `<0..2^16-1>` vector whose body is `body`, for
/// annotation (the decoder has already checked it).
fn at_prefix(body: &[u8]) -> [u8; 2] {
    u16::try_from(body.len()).unwrap_or(u16::MAX).to_be_bytes()
}

/// Reads the static-ct-api `leaf_index` extension (C2SP static-ct-api, "SCT
/// Extension"): `ExtensionType` 0 with a 40-bit big-endian index.
///
/// ```text
/// enum { leaf_index(0), (255) } ExtensionType;
/// struct { ExtensionType extension_type; opaque extension_data<0..2^16-1>; } Extension;
/// Extension CtExtensions<0..2^16-1>;
/// ```
pub fn leaf_index(extensions: &[u8]) -> Option<u64> {
    let mut r = Reader::new(extensions, 0, Layer::Sct(0));
    while !r.is_empty() {
        let kind = r.u8("extension_type").ok()?;
        let data = r.vec16("extension_data").ok()?;
        if kind == 0 {
            let bytes = data.rest();
            if bytes.len() != 5 {
                return None;
            }
            return Some(bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)));
        }
    }
    None
}

fn describe_extensions(extensions: &[u8]) -> String {
    if extensions.is_empty() {
        return "none".into();
    }
    match leaf_index(extensions) {
        Some(index) => format!(
            "{} bytes: static-ct-api leaf_index = {index}",
            extensions.len()
        ),
        None => format!("{} bytes, format unknown", extensions.len()),
    }
}

/// Formats milliseconds since the epoch as RFC 3339 UTC with milliseconds.
pub fn format_timestamp(ms: u64) -> String {
    let nanos = i128::from(ms) * 1_000_000;
    match time::OffsetDateTime::from_unix_timestamp_nanos(nanos) {
        Ok(t) => format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.millisecond()
        ),
        Err(_) => format!("{ms} ms is out of range for a calendar date"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_timestamp_with_milliseconds() {
        // 1522349107993 ms is 2018-03-29T18:45:07.993Z (date -u -d @1522349107.993).
        assert_eq!(
            format_timestamp(1_522_349_107_993),
            "2018-03-29T18:45:07.993Z"
        );
    }

    #[test]
    fn leaf_index_reads_forty_bits() {
        // C2SP static-ct-api: extension_type 0, length 5, index 1234.
        assert_eq!(
            leaf_index(&[0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x04, 0xd2]),
            Some(1234)
        );
        assert_eq!(
            leaf_index(&[0x00, 0x00, 0x04, 0x00, 0x00, 0x04, 0xd2]),
            None
        );
    }
}
