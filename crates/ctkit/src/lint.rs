//! Checks of SCT lists, precertificates and their final certificates
//! against RFC 6962, RFC 5280, X.690, RFC 5246 and the CA/Browser Forum TLS
//! Baseline Requirements.
//!
//! The DER checks walk the whole certificate leniently and report every
//! deviation where it sits. The CT checks decode the certificate with
//! [`CertificateLayout::parse_lenient`], which leaves the SCT list to this
//! module, so that a fault in the list does not hide the checks after it.

use serde::Serialize;

use crate::annotate::{Annotator, Discard};
use crate::der::{
    DerReader, TAG_BOOLEAN, TAG_EXTENSIONS, TAG_INTEGER, TAG_OCTET_STRING, Tlv, check_integer,
    parse_header_lenient,
};
use crate::error::{ErrorKind, Layer};
use crate::loglist::LogList;
use crate::sct::{
    HashAlgorithm, SctList, SerializedSct, SignatureAlgorithm, Version, decode_ecdsa_signature,
    format_timestamp,
};
use crate::verify::{SctStatus, Verifier};
use crate::x509::{CertificateLayout, Extension, OID_PRECERT_POISON, OID_SCT_LIST, extension_name};

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Notice,
    Warning,
    Error,
}

/// One check of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Stable identifier.
    pub id: &'static str,
    pub severity: Severity,
    /// The rule the check enforces.
    pub clause: &'static str,
    pub summary: &'static str,
}

macro_rules! check {
    ($name:ident, $id:literal, $severity:ident, $clause:literal, $summary:literal) => {
        pub const $name: Check = Check {
            id: $id,
            severity: Severity::$severity,
            clause: $clause,
            summary: $summary,
        };
    };
}

check!(
    DER_MALFORMED,
    "der.malformed",
    Error,
    "X.690 8.1",
    "the DER structure is broken: a length runs past its container, or a header is cut short"
);
check!(
    DER_INDEFINITE_LENGTH,
    "der.indefinite_length",
    Error,
    "X.690 10.1",
    "indefinite length (BER) where DER requires a definite one"
);
check!(
    DER_LENGTH_NOT_MINIMAL,
    "der.length_not_minimal",
    Error,
    "X.690 10.1",
    "a length encoded in more bytes than needed"
);
check!(
    DER_INTEGER_NOT_MINIMAL,
    "der.integer_not_minimal",
    Error,
    "X.690 8.3.2",
    "an INTEGER with superfluous leading 0x00 or 0xFF bytes, or no content"
);
check!(
    DER_BOOLEAN_NOT_CANONICAL,
    "der.boolean_not_canonical",
    Error,
    "X.690 11.1",
    "a BOOLEAN whose content is not one byte of 0x00 or 0xFF"
);
check!(
    DER_TRAILING_BYTES,
    "der.trailing_bytes",
    Error,
    "RFC 5280 4.1",
    "bytes after the Certificate SEQUENCE"
);
check!(
    X509_DEFAULT_ENCODED,
    "x509.default_encoded",
    Error,
    "X.690 11.5",
    "a field equal to its DEFAULT value is encoded (critical FALSE, or version v1)"
);
check!(
    X509_EXTENSION_REPEATED,
    "x509.extension_repeated",
    Error,
    "RFC 5280 4.2",
    "an extension appears more than once"
);
check!(
    SCT_LIST_CRITICAL,
    "ct.sct_list.critical",
    Error,
    "CA/Browser Forum TLS BRs 7.1.2.7.6",
    "the SCT list extension is marked critical"
);
check!(
    SCT_LIST_WRAPPING,
    "ct.sct_list.wrapping",
    Error,
    "RFC 6962 3.3",
    "extnValue does not hold exactly one OCTET STRING around the SCT list"
);
check!(
    SCT_LIST_ENCODING,
    "ct.sct_list.encoding",
    Error,
    "RFC 6962 3.3; RFC 5246 4",
    "a length in the TLS SCT list is inconsistent, or bytes are left over"
);
check!(
    SCT_LIST_EMPTY,
    "ct.sct_list.empty",
    Error,
    "RFC 6962 3.3",
    "the SCT list holds no SCT, but its minimum length is 1"
);
check!(
    SCT_VERSION,
    "ct.sct.version",
    Error,
    "RFC 6962 3.2",
    "an SCT whose version is not v1 (0)"
);
check!(
    SCT_ALGORITHM,
    "ct.sct.algorithm",
    Error,
    "RFC 6962 2.1.4; RFC 5246 7.4.1.4.1",
    "an SCT signed with an algorithm pair other than SHA-256 with ECDSA or RSA"
);
check!(
    SCT_ECDSA_ENCODING,
    "ct.sct.ecdsa_encoding",
    Error,
    "RFC 4492 5.4; X.690 8.3.2",
    "an ECDSA SCT signature that is not a DER Ecdsa-Sig-Value with minimal INTEGERs"
);
check!(
    SCT_SAME_LOG,
    "ct.sct.same_log",
    Warning,
    "Chrome CT policy (SCTs from distinct logs)",
    "two SCTs from the same log"
);
check!(
    SCT_UNKNOWN_LOG,
    "ct.sct.unknown_log",
    Warning,
    "Chrome and Apple CT policies",
    "an SCT from a log the log list does not know"
);
check!(
    SCT_SIGNATURE,
    "ct.sct.signature",
    Error,
    "RFC 6962 3.2",
    "an SCT signature that does not verify with the log's key over the precertificate"
);
check!(
    POISON_NOT_CRITICAL,
    "ct.poison.not_critical",
    Error,
    "RFC 6962 3.1",
    "the poison extension is not marked critical"
);
check!(
    POISON_VALUE,
    "ct.poison.value",
    Error,
    "RFC 6962 3.1",
    "the poison extension's value is not exactly 05 00 (ASN.1 NULL)"
);
check!(
    POISON_WITH_SCT_LIST,
    "ct.poison_with_sct_list",
    Error,
    "RFC 6962 3.1 and 3.3",
    "a certificate with both the poison and the SCT list: a precertificate carries no SCTs, and a final certificate no poison"
);
check!(
    NOT_BEFORE_BACKDATED,
    "cabf.not_before_backdated",
    Error,
    "CA/Browser Forum TLS BRs 7.1.2.7 (from 2023-09-15)",
    "notBefore is more than 48 hours before the earliest embedded SCT"
);
check!(
    SIGNING_CA_EKU,
    "cabf.precert_signing_ca.eku",
    Error,
    "CA/Browser Forum TLS BRs 7.1.2.4",
    "a Precertificate Signing CA certificate whose extKeyUsage contains purposes besides id-kp-precertificateSigning"
);
check!(
    SIGNING_CA_SUNSET,
    "cabf.precert_signing_ca.sunset",
    Error,
    "CA/Browser Forum TLS BRs (no Precertificate Signing CA issued from 2026-03-15)",
    "a Precertificate Signing CA certificate issued on or after 2026-03-15"
);
check!(
    X509_TIME_INVALID,
    "x509.time_invalid",
    Error,
    "RFC 5280 4.1.2.5",
    "notBefore or notAfter is not a valid UTCTime or GeneralizedTime in the form RFC 5280 requires"
);
check!(
    PRECERT_FINAL_HAS_POISON,
    "ct.precert.final_has_poison",
    Error,
    "RFC 6962 3.1",
    "the certificate given as the final certificate carries the poison extension"
);
check!(
    PRECERT_MISMATCH,
    "ct.precert.mismatch",
    Error,
    "RFC 6962 3.1",
    "the final certificate's TBSCertificate differs from the precertificate's beyond the poison and SCT list extensions"
);
check!(
    PRECERT_NOT_PRECERT,
    "ct.precert.not_precertificate",
    Error,
    "RFC 6962 3.1",
    "the certificate given as the precertificate has no poison extension"
);
check!(
    PRECERT_SIGNING_CERTIFICATE,
    "ct.precert.signing_certificate",
    Notice,
    "RFC 6962 3.1",
    "issuer and Authority Key Identifier differ, as when a Precertificate Signing Certificate issued the precertificate"
);

/// Every check, in the order of the catalogue.
pub const CATALOGUE: &[Check] = &[
    DER_MALFORMED,
    DER_INDEFINITE_LENGTH,
    DER_LENGTH_NOT_MINIMAL,
    DER_INTEGER_NOT_MINIMAL,
    DER_BOOLEAN_NOT_CANONICAL,
    DER_TRAILING_BYTES,
    X509_DEFAULT_ENCODED,
    X509_EXTENSION_REPEATED,
    X509_TIME_INVALID,
    SCT_LIST_CRITICAL,
    SCT_LIST_WRAPPING,
    SCT_LIST_ENCODING,
    SCT_LIST_EMPTY,
    SCT_VERSION,
    SCT_ALGORITHM,
    SCT_ECDSA_ENCODING,
    SCT_SAME_LOG,
    SCT_UNKNOWN_LOG,
    SCT_SIGNATURE,
    POISON_NOT_CRITICAL,
    POISON_VALUE,
    POISON_WITH_SCT_LIST,
    NOT_BEFORE_BACKDATED,
    SIGNING_CA_EKU,
    SIGNING_CA_SUNSET,
    PRECERT_MISMATCH,
    PRECERT_FINAL_HAS_POISON,
    PRECERT_NOT_PRECERT,
    PRECERT_SIGNING_CERTIFICATE,
];

/// A check that fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub id: &'static str,
    pub severity: Severity,
    pub clause: &'static str,
    /// Absolute offset in the certificate's DER.
    pub offset: usize,
    /// Field path, such as `certificate.tbsCertificate.extensions.8.extnValue`.
    pub path: String,
    pub message: String,
}

impl Finding {
    fn new(
        check: Check,
        offset: usize,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            id: check.id,
            severity: check.severity,
            clause: check.clause,
            offset,
            path: path.into(),
            message: message.into(),
        }
    }
}

/// The inputs that checks may use beyond the certificate itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'l> {
    /// The log list, for the unknown-log check.
    pub logs: Option<&'l LogList>,
    /// SHA-256 of the issuer's SubjectPublicKeyInfo, for the signature check
    /// (which also needs `logs`).
    pub issuer_key_hash: Option<[u8; 32]>,
    /// The clock for the signature check, in milliseconds since the epoch.
    pub now_ms: u64,
}

/// SC62 of the CA/Browser Forum made the 48-hour backdating limit
/// effective for certificates issued from 2023-09-15T00:00:00Z.
const BACKDATING_EFFECTIVE_MS: u64 = 1_694_736_000_000;
const BACKDATING_LIMIT_MS: u64 = 48 * 3600 * 1000;

/// Runs every check on one DER certificate.
pub fn lint_certificate(der: &[u8], context: &Context<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    walk_der(der, &mut findings);

    // NOTE: the CT checks read the certificate with DER lengths, so a BER
    // length (reported by the walk above) stops them.
    match CertificateLayout::parse_lenient(der) {
        Ok(layout) => check_layout(&layout, context, &mut findings),
        Err(e) => {
            // The DER walk has reported a broken structure already when the
            // error sits at the same place.
            if !findings.iter().any(|f| f.severity == Severity::Error) {
                findings.push(Finding::new(
                    DER_MALFORMED,
                    e.offset,
                    "certificate",
                    e.to_string(),
                ));
            }
        }
    }
    for f in &mut findings {
        if f.path.is_empty() {
            f.path = "certificate".into();
        }
    }
    findings.sort_by_key(|f| f.offset);
    findings
}

/// The place of a DER element in the certificate, for readable paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    Top,
    Certificate,
    Tbs,
    ExtensionsField,
    Extensions,
    Extension,
    Other,
}

const TBS_FIELDS: [&str; 10] = [
    "version",
    "serialNumber",
    "signature",
    "issuer",
    "validity",
    "subject",
    "subjectPublicKeyInfo",
    "issuerUniqueID",
    "subjectUniqueID",
    "extensions",
];

/// Nesting deeper than this is reported as malformed rather than followed.
const MAX_DEPTH: usize = 64;

fn walk_der(der: &[u8], findings: &mut Vec<Finding>) {
    let end = walk(der, 0, "", Position::Top, 0, findings);
    if let Some(end) = end
        && end < der.len()
    {
        findings.push(Finding::new(
            DER_TRAILING_BYTES,
            end,
            "certificate",
            match der.len() - end {
                1 => "1 byte follows the Certificate".to_owned(),
                n => format!("{n} bytes follow the Certificate"),
            },
        ));
    }
}

/// Walks the elements in `data`; returns where the first top-level element
/// ends, or `None` when the structure broke.
fn walk(
    data: &[u8],
    base: usize,
    path: &str,
    position: Position,
    depth: usize,
    findings: &mut Vec<Finding>,
) -> Option<usize> {
    let mut pos = 0;
    let mut index = 0;
    let mut tbs_slot = 0;
    while pos < data.len() {
        let rest = data.get(pos..).unwrap_or_default();
        let offset = base + pos;
        let (header_len, content_len, minimal) = match parse_header_lenient(rest) {
            Ok(h) => h,
            Err((at, ErrorKind::IndefiniteLength)) => {
                findings.push(Finding::new(
                    DER_INDEFINITE_LENGTH,
                    offset + at,
                    path,
                    "indefinite length 0x80",
                ));
                return None;
            }
            Err((at, kind)) => {
                findings.push(Finding::new(
                    DER_MALFORMED,
                    offset + at,
                    path,
                    kind.to_string(),
                ));
                return None;
            }
        };
        if header_len + content_len > rest.len() {
            findings.push(Finding::new(
                DER_MALFORMED,
                offset,
                path,
                format!(
                    "length says {content_len} bytes, {} remain",
                    rest.len() - header_len
                ),
            ));
            return None;
        }
        let tag = rest.first().copied().unwrap_or_default();
        let content = rest
            .get(header_len..header_len + content_len)
            .unwrap_or_default();
        let (name, child) = child_name(position, index, tag, &mut tbs_slot);
        let child_path = match (path.is_empty(), name.is_empty()) {
            (true, _) => name,
            (false, true) => path.to_owned(),
            (false, false) => format!("{path}.{name}"),
        };
        if !minimal {
            findings.push(Finding::new(
                DER_LENGTH_NOT_MINIMAL,
                offset + 1,
                &child_path,
                format!("length {content_len} encoded in {} bytes", header_len - 1),
            ));
        }
        check_primitive(tag, content, offset, &child_path, position, findings);

        let content_offset = offset + header_len;
        let constructed = tag & 0x20 != 0;
        // extnValue is an OCTET STRING whose content is DER again.
        let encapsulated = position == Position::Extension && tag == TAG_OCTET_STRING;
        if constructed || encapsulated {
            if depth >= MAX_DEPTH {
                findings.push(Finding::new(
                    DER_MALFORMED,
                    offset,
                    &child_path,
                    "nesting deeper than 64 levels",
                ));
                return None;
            }
            walk(
                content,
                content_offset,
                &child_path,
                child,
                depth + 1,
                findings,
            )?;
        }
        pos += header_len + content_len;
        index += 1;
        if position == Position::Top {
            return Some(pos);
        }
    }
    Some(pos)
}

fn child_name(
    position: Position,
    index: usize,
    tag: u8,
    tbs_slot: &mut usize,
) -> (String, Position) {
    match position {
        Position::Top => ("certificate".into(), Position::Certificate),
        Position::Certificate => {
            let names = ["tbsCertificate", "signatureAlgorithm", "signatureValue"];
            let name = names.get(index).copied().unwrap_or("unexpected");
            let child = if index == 0 {
                Position::Tbs
            } else {
                Position::Other
            };
            (name.into(), child)
        }
        Position::Tbs => {
            // Optional fields are recognised by tag; the rest fill the
            // remaining slots in order.
            let slot = match tag {
                0xa0 => 0,
                0x81 => 7,
                0x82 => 8,
                TAG_EXTENSIONS => 9,
                _ => (*tbs_slot).max(1),
            };
            *tbs_slot = slot + 1;
            let name = TBS_FIELDS.get(slot).copied().unwrap_or("unexpected");
            let child = if tag == TAG_EXTENSIONS {
                Position::ExtensionsField
            } else {
                Position::Other
            };
            (name.into(), child)
        }
        Position::ExtensionsField => (String::new(), Position::Extensions),
        Position::Extensions => (index.to_string(), Position::Extension),
        Position::Extension => {
            let name = match tag {
                0x06 => "extnID",
                TAG_BOOLEAN => "critical",
                TAG_OCTET_STRING => "extnValue",
                _ => "unexpected",
            };
            (name.into(), Position::Other)
        }
        Position::Other => (index.to_string(), Position::Other),
    }
}

fn check_primitive(
    tag: u8,
    content: &[u8],
    offset: usize,
    path: &str,
    position: Position,
    findings: &mut Vec<Finding>,
) {
    match tag {
        TAG_INTEGER => {
            if let Err(kind) = check_integer(content) {
                findings.push(Finding::new(
                    DER_INTEGER_NOT_MINIMAL,
                    offset,
                    path,
                    kind.to_string(),
                ));
            }
        }
        TAG_BOOLEAN => match content {
            [0xff] => {}
            [0x00] if position == Position::Extension => findings.push(Finding::new(
                X509_DEFAULT_ENCODED,
                offset,
                path,
                "critical FALSE is encoded, but DER omits a DEFAULT value",
            )),
            [0x00] => {}
            _ => findings.push(Finding::new(
                DER_BOOLEAN_NOT_CANONICAL,
                offset,
                path,
                format!("BOOLEAN content {}", hex::encode(content)),
            )),
        },
        // version [0] EXPLICIT INTEGER DEFAULT v1: 0xa0 0x03 0x02 0x01 0x00.
        0xa0 if path == "certificate.tbsCertificate.version" && content == [0x02, 0x01, 0x00] => {
            findings.push(Finding::new(
                X509_DEFAULT_ENCODED,
                offset,
                path,
                "version v1 is encoded, but DER omits a DEFAULT value",
            ));
        }
        _ => {}
    }
}

fn extension_path(e: &Extension<'_>) -> String {
    format!("certificate.tbsCertificate.extensions.{}", e.index)
}

fn check_layout(
    layout: &CertificateLayout<'_>,
    context: &Context<'_>,
    findings: &mut Vec<Finding>,
) {
    for (i, e) in layout.extensions.iter().enumerate() {
        let earlier = layout
            .extensions
            .iter()
            .take(i)
            .any(|other| other.oid == e.oid);
        if earlier {
            findings.push(Finding::new(
                X509_EXTENSION_REPEATED,
                e.tlv.offset,
                extension_path(e),
                format!("{} appears more than once", extension_name(e.oid)),
            ));
        }
    }

    check_times(layout, findings);
    check_signing_ca(layout, findings);
    let poison = layout.extension(OID_PRECERT_POISON);
    if let Some(p) = poison {
        check_poison(p, findings);
    }
    let Some(sct_extension) = layout.extension(OID_SCT_LIST) else {
        return;
    };
    let path = extension_path(sct_extension);
    if let Some(p) = poison {
        findings.push(Finding::new(
            POISON_WITH_SCT_LIST,
            sct_list_offset(sct_extension),
            format!("{path}.extnValue.signedCertificateTimestampList"),
            format!(
                "the poison is extension {} and the SCT list extension {}",
                p.index, sct_extension.index
            ),
        ));
    }
    if sct_extension.is_critical() {
        findings.push(Finding::new(
            SCT_LIST_CRITICAL,
            sct_extension.tlv.offset,
            &path,
            "the SCT list extension is critical",
        ));
    }
    let Some((list, starts)) = decode_sct_list(sct_extension, &path, findings) else {
        return;
    };
    check_scts(layout, &list, &starts, &path, context, findings);
}

/// Precertificate Signing CA certificates may not be issued from this
/// time on, 2026-03-15T00:00:00Z, the date pkilint 0.13.3 enforces.
const SIGNING_CA_SUNSET_MS: u64 = 1_773_532_800_000;

/// Checks a certificate whose extKeyUsage names id-kp-precertificateSigning
/// (RFC 6962 3.1), which makes it a Precertificate Signing CA.
fn check_signing_ca(layout: &CertificateLayout<'_>, findings: &mut Vec<Finding>) {
    const EKU: &[u8] = &[0x55, 0x1d, 0x25];
    let Some(eku) = layout.extension(EKU) else {
        return;
    };
    let layer = Layer::Extension(eku.index);
    let mut outer = DerReader::new(eku.value.content, eku.value.content_offset(), layer);
    let Ok(sequence) = outer.expect(crate::der::TAG_SEQUENCE, "ExtKeyUsageSyntax") else {
        return;
    };
    let mut purposes = Vec::new();
    let mut r = sequence.reader(layer);
    while let Ok(oid) = r.expect(crate::der::TAG_OID, "KeyPurposeId") {
        purposes.push(oid.content);
    }
    if !purposes.contains(&crate::x509::OID_PRECERT_SIGNING) {
        return;
    }
    let path = format!("{}.extnValue", extension_path(eku));
    for other in purposes
        .iter()
        .filter(|p| **p != crate::x509::OID_PRECERT_SIGNING)
    {
        let purpose = crate::der::oid_to_string(other).unwrap_or_else(|| "an invalid OID".into());
        findings.push(Finding::new(
            SIGNING_CA_EKU,
            eku.value.offset,
            &path,
            format!("purpose {purpose} besides id-kp-precertificateSigning"),
        ));
    }
    if layout
        .not_before_ms()
        .is_some_and(|t| t >= SIGNING_CA_SUNSET_MS)
    {
        findings.push(Finding::new(
            SIGNING_CA_SUNSET,
            layout.validity.offset,
            "certificate.tbsCertificate.validity",
            "notBefore is on or after 2026-03-15",
        ));
    }
}

fn check_times(layout: &CertificateLayout<'_>, findings: &mut Vec<Finding>) {
    let mut r = layout.validity.reader(Layer::TbsCertificate);
    for name in ["notBefore", "notAfter"] {
        let Ok(time) = r.any(name) else { return };
        if crate::x509::parse_time(time.tag, time.content).is_none() {
            findings.push(Finding::new(
                X509_TIME_INVALID,
                time.offset,
                format!("certificate.tbsCertificate.validity.{name}"),
                format!(
                    "{:?} is not a valid time of the form YYMMDDHHMMSSZ (UTCTime) or YYYYMMDDHHMMSSZ (GeneralizedTime) from 1970 on",
                    String::from_utf8_lossy(time.content)
                ),
            ));
        }
    }
}

/// Returns the offset of the TLS list inside the SCT list extension, or of
/// the extnValue when it does not wrap the list in one OCTET STRING.
fn sct_list_offset(e: &Extension<'_>) -> usize {
    e.inner_octet_string()
        .map_or(e.value.offset, |inner| inner.content_offset())
}

fn check_poison(p: &Extension<'_>, findings: &mut Vec<Finding>) {
    let path = extension_path(p);
    if !p.is_critical() {
        findings.push(Finding::new(
            POISON_NOT_CRITICAL,
            p.tlv.offset,
            &path,
            "the poison extension is not critical",
        ));
    }
    if p.value.content != [0x05, 0x00] {
        findings.push(Finding::new(
            POISON_VALUE,
            p.value.offset,
            format!("{path}.extnValue"),
            format!("value is {}", hex::encode(p.value.content)),
        ));
    }
}

/// Where each SerializedSCT starts, recorded while the list decodes: the
/// list is the first node opened, its SCTs the nodes one level below.
#[derive(Default)]
struct SctOffsets {
    depth: usize,
    starts: Vec<usize>,
}

impl Annotator for SctOffsets {
    fn open(
        &mut self,
        _: &str,
        offset: usize,
        _: &[u8],
        _: impl FnOnce() -> String,
        _: &'static str,
    ) {
        if self.depth == 1 {
            self.starts.push(offset);
        }
        self.depth += 1;
    }

    fn close(&mut self, _: usize) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn leaf(
        &mut self,
        _: &str,
        _: usize,
        _: &[u8],
        _: &[u8],
        _: impl FnOnce() -> String,
        _: &'static str,
    ) {
    }
}

/// Unwraps and decodes the SCT list, reporting what is wrong with it.
/// Returns the list with the offset of each SerializedSCT.
fn decode_sct_list(
    e: &Extension<'_>,
    path: &str,
    findings: &mut Vec<Finding>,
) -> Option<(SctList, Vec<usize>)> {
    let value_path = format!("{path}.extnValue");
    let inner = match e.inner_octet_string() {
        Ok(inner) => inner,
        Err(err) => {
            findings.push(Finding::new(
                SCT_LIST_WRAPPING,
                err.offset,
                value_path,
                err.to_string(),
            ));
            return None;
        }
    };
    let list_path = format!("{value_path}.signedCertificateTimestampList");
    let mut offsets = SctOffsets::default();
    match SctList::decode(inner.content, inner.content_offset(), &mut offsets) {
        Ok(list) => {
            if list.scts.is_empty() {
                findings.push(Finding::new(
                    SCT_LIST_EMPTY,
                    inner.content_offset(),
                    list_path,
                    "the SCT list has no SCTs",
                ));
            }
            Some((list, offsets.starts))
        }
        Err(err) => {
            let at = match err.layer {
                Layer::Sct(i) => format!("{list_path}.{i}"),
                _ => list_path,
            };
            findings.push(Finding::new(
                SCT_LIST_ENCODING,
                err.offset,
                at,
                err.to_string(),
            ));
            None
        }
    }
}

fn check_scts(
    layout: &CertificateLayout<'_>,
    list: &SctList,
    starts: &[usize],
    path: &str,
    context: &Context<'_>,
    findings: &mut Vec<Finding>,
) {
    let list_path = format!("{path}.extnValue.signedCertificateTimestampList");
    let mut earliest: Option<u64> = None;
    let mut seen = Vec::new();
    let start = |i: usize| starts.get(i).copied().unwrap_or_default();
    for (i, serialized) in list.scts.iter().enumerate() {
        let sct_path = format!("{list_path}.{i}");
        let at = start(i);
        let sct = match serialized {
            SerializedSct::V1(sct) => sct,
            SerializedSct::Unknown { version, .. } => {
                findings.push(Finding::new(
                    SCT_VERSION,
                    at,
                    sct_path,
                    format!("SCT version {version}"),
                ));
                continue;
            }
        };
        if sct.version != Version::V1 {
            findings.push(Finding::new(
                SCT_VERSION,
                at,
                &sct_path,
                format!("SCT version {}", sct.version),
            ));
        }
        let sig = &sct.signature;
        let allowed = sig.hash == HashAlgorithm::SHA256
            && (sig.signature_algorithm == SignatureAlgorithm::ECDSA
                || sig.signature_algorithm == SignatureAlgorithm::RSA);
        if !allowed {
            findings.push(Finding::new(
                SCT_ALGORITHM,
                at,
                &sct_path,
                format!("hash {}, signature {}", sig.hash, sig.signature_algorithm),
            ));
        }
        if sig.signature_algorithm == SignatureAlgorithm::ECDSA
            && let Err(err) = decode_ecdsa_signature(&sig.signature, 0, i, &mut Discard)
        {
            findings.push(Finding::new(
                SCT_ECDSA_ENCODING,
                at,
                &sct_path,
                format!(
                    "{}: {}, at byte {} of the signature",
                    err.field, err.kind, err.offset
                ),
            ));
        }
        if seen.contains(&sct.log_id) {
            findings.push(Finding::new(
                SCT_SAME_LOG,
                at,
                &sct_path,
                format!("a second SCT from log {}", sct.log_id),
            ));
        }
        seen.push(sct.log_id);
        if let Some(logs) = context.logs
            && logs.find(&sct.log_id).is_none()
        {
            findings.push(Finding::new(
                SCT_UNKNOWN_LOG,
                at,
                &sct_path,
                format!("log {} is not in the log list", sct.log_id),
            ));
        }
        earliest = Some(earliest.map_or(sct.timestamp, |e: u64| e.min(sct.timestamp)));
    }
    check_backdating(layout, earliest, findings);

    if let (Some(logs), Some(issuer_key_hash)) = (context.logs, context.issuer_key_hash) {
        let mut verified = layout.clone();
        verified.sct_list = Some(list.clone());
        let verifier = Verifier::new(logs, context.now_ms);
        for r in verifier.verify_embedded(&verified, issuer_key_hash, &[]) {
            if r.status == SctStatus::InvalidSignature {
                findings.push(Finding::new(
                    SCT_SIGNATURE,
                    start(r.index),
                    format!("{list_path}.{}", r.index),
                    r.detail.unwrap_or_else(|| "invalid signature".into()),
                ));
            }
        }
    }
}

fn check_backdating(
    layout: &CertificateLayout<'_>,
    earliest: Option<u64>,
    findings: &mut Vec<Finding>,
) {
    let (Some(earliest), Some(not_before)) = (earliest, layout.not_before_ms()) else {
        return;
    };
    if not_before < BACKDATING_EFFECTIVE_MS {
        return;
    }
    if earliest > not_before.saturating_add(BACKDATING_LIMIT_MS) {
        findings.push(Finding::new(
            NOT_BEFORE_BACKDATED,
            layout.validity.content_offset(),
            "certificate.tbsCertificate.validity.notBefore",
            format!(
                "notBefore {} is {} hours before the earliest SCT {}",
                format_timestamp(not_before),
                (earliest - not_before) / 3_600_000,
                format_timestamp(earliest)
            ),
        ));
    }
}

/// Compares a precertificate with its final certificate: their
/// TBSCertificates must be equal but for the poison and SCT list
/// extensions (RFC 6962 3.1). Offsets are in the final certificate.
pub fn compare_precert(precert: &[u8], final_certificate: &[u8]) -> Vec<Finding> {
    let mut findings = Vec::new();
    let (pre, fin) = match (
        CertificateLayout::parse_lenient(precert),
        CertificateLayout::parse_lenient(final_certificate),
    ) {
        (Ok(pre), Ok(fin)) => (pre, fin),
        (Err(e), _) => {
            findings.push(Finding::new(
                DER_MALFORMED,
                e.offset,
                "precertificate",
                e.to_string(),
            ));
            return findings;
        }
        // The final certificate's own checks report why it does not parse.
        (_, Err(_)) => return findings,
    };
    if fin.is_precertificate() {
        let poison = fin
            .extension(OID_PRECERT_POISON)
            .map_or(fin.tbs.offset, |e| e.tlv.offset);
        findings.push(Finding::new(
            PRECERT_FINAL_HAS_POISON,
            poison,
            "certificate.tbsCertificate.extensions",
            "the final certificate carries the poison extension",
        ));
    }
    if !pre.is_precertificate() {
        findings.push(Finding::new(
            PRECERT_NOT_PRECERT,
            pre.tbs.offset,
            "precertificate",
            "no poison extension",
        ));
    }
    if pre.precert_tbs() == fin.precert_tbs() {
        return findings;
    }

    // A precertificate issued through a Precertificate Signing Certificate
    // names that certificate as issuer and carries its key identifier. The
    // log signs the TBS with both replaced.
    const AKI: &[u8] = &[0x55, 0x1d, 0x23];
    let pre_key_id = pre.extension(AKI).map(|e| e.tlv.content);
    let fin_key_id = fin.extension(AKI).map(|e| e.tlv.content);
    let issuers_differ = pre.issuer.content != fin.issuer.content
        && (pre_key_id != fin_key_id || pre_key_id.is_none());
    let mut rest = Vec::new();
    compare_fields(&pre, &fin, true, &mut rest);
    compare_extensions(&pre, &fin, true, &mut rest);
    if issuers_differ && rest.is_empty() {
        findings.push(Finding::new(
            PRECERT_SIGNING_CERTIFICATE,
            fin.issuer.offset,
            "certificate.tbsCertificate.issuer",
            "only the issuer and Authority Key Identifier differ, as when a Precertificate Signing Certificate issued the precertificate",
        ));
        return findings;
    }
    compare_fields(&pre, &fin, false, &mut findings);
    compare_extensions(&pre, &fin, false, &mut findings);
    findings
}

/// Compares the TBSCertificate fields; `skip_issuer` leaves out the one a
/// Precertificate Signing Certificate changes.
fn compare_fields(
    pre: &CertificateLayout<'_>,
    fin: &CertificateLayout<'_>,
    skip_issuer: bool,
    findings: &mut Vec<Finding>,
) {
    let fields: [(&str, Option<Tlv<'_>>, Option<Tlv<'_>>); 9] = [
        ("version", pre.version, fin.version),
        ("serialNumber", Some(pre.serial), Some(fin.serial)),
        ("signature", Some(pre.signature), Some(fin.signature)),
        ("issuer", Some(pre.issuer), Some(fin.issuer)),
        ("validity", Some(pre.validity), Some(fin.validity)),
        ("subject", Some(pre.subject), Some(fin.subject)),
        (
            "subjectPublicKeyInfo",
            Some(pre.subject_public_key_info),
            Some(fin.subject_public_key_info),
        ),
        ("issuerUniqueID", pre.issuer_unique_id, fin.issuer_unique_id),
        (
            "subjectUniqueID",
            pre.subject_unique_id,
            fin.subject_unique_id,
        ),
    ];
    for (name, a, b) in fields {
        if name == "issuer" && skip_issuer {
            continue;
        }
        let same = a.map(|t| (t.header, t.content)) == b.map(|t| (t.header, t.content));
        if !same {
            findings.push(Finding::new(
                PRECERT_MISMATCH,
                b.map_or(fin.tbs.offset, |t| t.offset),
                format!("certificate.tbsCertificate.{name}"),
                {
                    let (before, after) = describe_pair(a, b);
                    format!("{name} differs: precertificate {before}, final certificate {after}")
                },
            ));
        }
    }
}

/// Describes both sides in hex when both are short, else both by length
/// and hash, so the two read alike.
fn describe_pair(a: Option<Tlv<'_>>, b: Option<Tlv<'_>>) -> (String, String) {
    let short = [a, b].iter().flatten().all(|t| t.content.len() <= 24);
    let one = |t: Option<Tlv<'_>>| match t {
        None => "absent".to_owned(),
        Some(t) if short => hex::encode(t.content),
        Some(t) => describe(Some(t)),
    };
    (one(a), one(b))
}

fn describe(t: Option<Tlv<'_>>) -> String {
    match t {
        None => "absent".into(),
        Some(t) => format!(
            "{} bytes, SHA-256 {}",
            t.content.len(),
            hex::encode(crate::x509::sha256(t.content))
        ),
    }
}

/// Lists the extensions other than the poison and the SCT list, in order.
fn kept_extensions<'a>(l: &CertificateLayout<'a>) -> Vec<Extension<'a>> {
    l.extensions
        .iter()
        .filter(|e| e.oid != OID_PRECERT_POISON && e.oid != OID_SCT_LIST)
        .copied()
        .collect()
}

fn compare_extensions(
    pre: &CertificateLayout<'_>,
    fin: &CertificateLayout<'_>,
    skip_key_identifier: bool,
    findings: &mut Vec<Finding>,
) {
    const AKI: &[u8] = &[0x55, 0x1d, 0x23];
    let (a, b) = (kept_extensions(pre), kept_extensions(fin));
    for e in &a {
        if !b.iter().any(|f| f.oid == e.oid) {
            findings.push(Finding::new(
                PRECERT_MISMATCH,
                fin.extensions_sequence.map_or(fin.tbs.offset, |s| s.offset),
                "certificate.tbsCertificate.extensions",
                format!("{} is in the precertificate only", extension_name(e.oid)),
            ));
        }
    }
    for f in &b {
        let Some(e) = a.iter().find(|e| e.oid == f.oid) else {
            findings.push(Finding::new(
                PRECERT_MISMATCH,
                f.tlv.offset,
                extension_path(f),
                format!("{} is in the final certificate only", extension_name(f.oid)),
            ));
            continue;
        };
        if f.oid == AKI && skip_key_identifier {
            continue;
        }
        if e.tlv.content != f.tlv.content {
            findings.push(Finding::new(
                PRECERT_MISMATCH,
                f.tlv.offset,
                extension_path(f),
                format!(
                    "{} differs between precertificate and final certificate",
                    extension_name(f.oid)
                ),
            ));
        }
    }
    let order_a: Vec<&[u8]> = a
        .iter()
        .map(|e| e.oid)
        .filter(|o| b.iter().any(|f| f.oid == *o))
        .collect();
    let order_b: Vec<&[u8]> = b
        .iter()
        .map(|e| e.oid)
        .filter(|o| a.iter().any(|f| f.oid == *o))
        .collect();
    if order_a != order_b {
        findings.push(Finding::new(
            PRECERT_MISMATCH,
            fin.extensions_sequence.map_or(fin.tbs.offset, |s| s.offset),
            "certificate.tbsCertificate.extensions",
            "the extensions are in another order",
        ));
    }
}
