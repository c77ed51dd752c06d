//! Decode errors that name the layer, the field and the byte offset.

use std::fmt;

/// The structure being decoded when an error occurred.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Layer {
    /// A PEM armour block.
    Pem,
    /// The outer `Certificate` SEQUENCE (RFC 5280 4.1).
    Certificate,
    /// `TBSCertificate` and its direct fields (RFC 5280 4.1).
    TbsCertificate,
    /// `SubjectPublicKeyInfo` (RFC 5280 4.1.2.7).
    SubjectPublicKeyInfo,
    /// The `[3] EXPLICIT Extensions` field and its SEQUENCE.
    Extensions,
    /// One `Extension` SEQUENCE; the number is its 0-based position.
    Extension(usize),
    /// The extnValue OCTET STRING of the SCT list extension and the OCTET
    /// STRING inside it (RFC 6962 3.3).
    SctListExtension,
    /// The TLS `SignedCertificateTimestampList` (RFC 6962 3.3).
    SctList,
    /// One `SerializedSCT`; the number is its 0-based position in the list.
    Sct(usize),
    /// The DER `Ecdsa-Sig-Value` inside an SCT's signature (RFC 4492 5.4).
    EcdsaSignature(usize),
    /// A `MerkleTreeLeaf`, the `leaf_input` of a log entry (RFC 6962 3.4).
    MerkleTreeLeaf,
    /// The `extra_data` of a log entry: a certificate chain or a
    /// `PrecertChainEntry` (RFC 6962 3.1 and 4.6).
    ExtraData,
    /// A `digitally-signed` struct outside an SCT, such as a tree head
    /// signature (RFC 5246 4.7, RFC 6962 3.5).
    DigitallySigned,
    /// An OCSP response and the structures inside it (RFC 6960 4.2.1).
    OcspResponse,
    /// A TLS server's first flight of records and handshake messages
    /// (RFC 5246 6.2 and 7.4).
    TlsHandshake,
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Layer::Pem => f.write_str("PEM"),
            Layer::Certificate => f.write_str("Certificate"),
            Layer::TbsCertificate => f.write_str("TBSCertificate"),
            Layer::SubjectPublicKeyInfo => f.write_str("SubjectPublicKeyInfo"),
            Layer::Extensions => f.write_str("Extensions"),
            Layer::Extension(i) => write!(f, "Extension #{}", i + 1),
            Layer::SctListExtension => f.write_str("SCT list extension 1.3.6.1.4.1.11129.2.4.2"),
            Layer::SctList => f.write_str("SignedCertificateTimestampList"),
            Layer::Sct(i) => write!(f, "SerializedSCT #{}", i + 1),
            Layer::EcdsaSignature(i) => write!(f, "Ecdsa-Sig-Value of SCT #{}", i + 1),
            Layer::MerkleTreeLeaf => f.write_str("MerkleTreeLeaf"),
            Layer::ExtraData => f.write_str("extra_data"),
            Layer::DigitallySigned => f.write_str("digitally-signed"),
            Layer::OcspResponse => f.write_str("OCSPResponse"),
            Layer::TlsHandshake => f.write_str("TLS handshake"),
        }
    }
}

/// The cause of a decode error, independent of its position.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A fixed-size field or a length-prefixed body runs past the end of
    /// its container.
    Truncated { needed: usize, remaining: usize },
    /// Bytes remain after a structure that must fill its container.
    TrailingBytes { count: usize },
    /// A DER element has another tag than the structure requires.
    UnexpectedTag { expected: u8, found: u8 },
    /// An element that is required is absent.
    Missing,
    /// A vector whose minimum length is 1 is empty (RFC 5246 4.3).
    Empty,
    /// BER indefinite length (0x80), which DER forbids (X.690 10.1).
    IndefiniteLength,
    /// A length encoded in more bytes than needed (X.690 10.1).
    NonMinimalLength,
    /// A length field longer than 4 bytes.
    LengthTooLarge,
    /// A tag in the high-tag-number form (X.690 8.1.2.4), which no
    /// structure decoded here uses.
    HighTagNumber,
    /// An INTEGER with superfluous leading 0x00 or 0xFF bytes (X.690 8.3.2).
    NonMinimalInteger,
    /// An INTEGER that is negative or zero where a positive value is required.
    NotPositive,
    /// An INTEGER with no content octets (X.690 8.3.1).
    EmptyInteger,
    /// A value outside what the structure allows.
    InvalidValue(&'static str),
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Truncated { needed, remaining } => {
                write!(f, "truncated: needs {needed} bytes, {remaining} remain")
            }
            ErrorKind::TrailingBytes { count } => write!(f, "{count} trailing bytes"),
            ErrorKind::UnexpectedTag { expected, found } => {
                write!(f, "expected tag 0x{expected:02x}, found 0x{found:02x}")
            }
            ErrorKind::Missing => f.write_str("missing"),
            ErrorKind::Empty => f.write_str("empty, but at least one element is required"),
            ErrorKind::IndefiniteLength => {
                f.write_str("indefinite length (BER), but DER requires a definite length")
            }
            ErrorKind::NonMinimalLength => {
                f.write_str("length is not minimally encoded, as DER requires")
            }
            ErrorKind::LengthTooLarge => f.write_str("length field longer than 4 bytes"),
            ErrorKind::HighTagNumber => f.write_str("high-tag-number form is not supported"),
            ErrorKind::NonMinimalInteger => {
                f.write_str("INTEGER has superfluous leading bytes, which DER forbids")
            }
            ErrorKind::NotPositive => f.write_str("INTEGER must be positive"),
            ErrorKind::EmptyInteger => f.write_str("INTEGER has no content bytes"),
            ErrorKind::InvalidValue(what) => f.write_str(what),
        }
    }
}

/// A decode failure: the layer, the field, the absolute byte offset and the
/// cause.
///
/// Offsets count from the start of the DER input (a certificate, an SCT
/// list, ...), including every enclosing header, so nested readers report the
/// same position a hex dump of the whole input shows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct DecodeError {
    pub layer: Layer,
    pub field: &'static str,
    pub offset: usize,
    pub kind: ErrorKind,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let layer = self.layer.to_string();
        if layer == self.field {
            write!(f, "{layer}: {}", self.kind)?;
        } else {
            write!(f, "{layer}: {}: {}", self.field, self.kind)?;
        }
        write!(f, ", at byte {} (0x{:x})", self.offset, self.offset)
    }
}

impl DecodeError {
    pub fn new(layer: Layer, field: &'static str, offset: usize, kind: ErrorKind) -> Self {
        Self {
            layer,
            field,
            offset,
            kind,
        }
    }
}
