//! SCT lists in stapled OCSP responses (RFC 6962 3.3): the
//! `singleExtensions` of a SingleResponse may hold extension
//! 1.3.6.1.4.1.11129.2.4.5, whose extnValue wraps an OCTET STRING holding
//! the TLS `SignedCertificateTimestampList`, as in a certificate.
//!
//! ```text
//! OCSPResponse      ::= SEQUENCE { responseStatus ENUMERATED,
//!                                  responseBytes [0] EXPLICIT ResponseBytes OPTIONAL }
//! ResponseBytes     ::= SEQUENCE { responseType OID, response OCTET STRING }
//! BasicOCSPResponse ::= SEQUENCE { tbsResponseData ResponseData, signatureAlgorithm,
//!                                  signature BIT STRING, certs [0] EXPLICIT ... OPTIONAL }
//! ResponseData      ::= SEQUENCE { version [0] EXPLICIT OPTIONAL, responderID,
//!                                  producedAt, responses SEQUENCE OF SingleResponse,
//!                                  responseExtensions [1] EXPLICIT Extensions OPTIONAL }
//! SingleResponse    ::= SEQUENCE { certID SEQUENCE { hashAlgorithm, issuerNameHash,
//!                                  issuerKeyHash, serialNumber }, certStatus, thisUpdate,
//!                                  nextUpdate [0] EXPLICIT OPTIONAL,
//!                                  singleExtensions [1] EXPLICIT Extensions OPTIONAL }
//! ```
//!
//! The response's signature is not checked here; the SCTs are checked
//! against the logs, which is what makes them trustworthy.

use crate::annotate::{Annotator, Discard};
use crate::der::{DerReader, TAG_OCTET_STRING, TAG_OID, TAG_SEQUENCE, Tlv};
use crate::error::{DecodeError, ErrorKind, Layer};
use crate::sct::SctList;
use crate::x509::OID_OCSP_SCT_LIST;

const SPEC_OCSP: &str = "RFC 6960 4.2.1";
const SPEC_SCT: &str = "RFC 6962 3.3";
/// id-pkix-ocsp-basic, 1.3.6.1.5.5.7.48.1.1.
const OID_OCSP_BASIC: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01];

/// The SCT list of one SingleResponse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcspScts {
    /// 0-based position in `responses`.
    pub response_index: usize,
    /// The certID's serialNumber content bytes: the certificate the SCTs
    /// are about.
    pub serial: Vec<u8>,
    pub list: SctList,
}

fn at(offset: usize, kind: ErrorKind, field: &'static str) -> DecodeError {
    DecodeError::new(Layer::OcspResponse, field, offset, kind)
}

/// Decodes an OCSP response and returns the SCT list of every
/// SingleResponse that has one.
pub fn scts_in_response(der: &[u8]) -> Result<Vec<OcspScts>, DecodeError> {
    decode_response(der, &mut Discard)
}

/// Like [`scts_in_response`], reporting every field to `a` for `inspect`.
pub fn decode_response<A: Annotator>(der: &[u8], a: &mut A) -> Result<Vec<OcspScts>, DecodeError> {
    let layer = Layer::OcspResponse;
    let mut outer = DerReader::new(der, 0, layer);
    let response = outer.expect(TAG_SEQUENCE, "OCSPResponse")?;
    outer.finish("OCSPResponse")?;
    a.open(
        "OCSPResponse",
        0,
        response.header,
        || "SEQUENCE".into(),
        SPEC_OCSP,
    );
    let mut r = response.reader(layer);
    let status = r.expect(0x0a, "responseStatus")?;
    a.leaf(
        "responseStatus",
        status.offset,
        status.header,
        status.content,
        || match status.content {
            [0] => "successful (0)".into(),
            [n] => format!("{n}, not successful: no responseBytes"),
            _ => "malformed".into(),
        },
        SPEC_OCSP,
    );
    let Some(bytes) = r.optional(0xa0, "responseBytes")? else {
        a.close(response.end());
        return Ok(Vec::new());
    };
    a.open(
        "responseBytes",
        bytes.offset,
        bytes.header,
        || "[0] EXPLICIT".into(),
        SPEC_OCSP,
    );
    let mut explicit = bytes.reader(layer);
    let rb = explicit.expect(TAG_SEQUENCE, "ResponseBytes")?;
    explicit.finish("responseBytes")?;
    let mut rb_reader = rb.reader(layer);
    let kind = rb_reader.expect(TAG_OID, "responseType")?;
    a.leaf(
        "responseType",
        kind.offset,
        kind.header,
        kind.content,
        || crate::der::oid_to_string(kind.content).unwrap_or_default(),
        SPEC_OCSP,
    );
    if kind.content != OID_OCSP_BASIC {
        return Err(at(
            kind.offset,
            ErrorKind::InvalidValue("responseType is not id-pkix-ocsp-basic"),
            "responseType",
        ));
    }
    let wrapped = rb_reader.expect(TAG_OCTET_STRING, "response")?;
    rb_reader.finish("ResponseBytes")?;
    a.open(
        "response",
        wrapped.offset,
        wrapped.header,
        || "OCTET STRING holding a BasicOCSPResponse".into(),
        SPEC_OCSP,
    );

    let mut basic_reader = wrapped.reader(layer);
    let basic = basic_reader.expect(TAG_SEQUENCE, "BasicOCSPResponse")?;
    basic_reader.finish("response")?;
    a.open(
        "BasicOCSPResponse",
        basic.offset,
        basic.header,
        || "SEQUENCE".into(),
        SPEC_OCSP,
    );
    let mut b = basic.reader(layer);
    let data = b.expect(TAG_SEQUENCE, "tbsResponseData")?;
    a.open(
        "tbsResponseData",
        data.offset,
        data.header,
        || "SEQUENCE".into(),
        SPEC_OCSP,
    );
    let mut d = data.reader(layer);
    if let Some(version) = d.optional(0xa0, "version")? {
        a.leaf(
            "version",
            version.offset,
            version.header,
            version.content,
            || "[0] EXPLICIT".into(),
            SPEC_OCSP,
        );
    }
    let responder = d.any("responderID")?;
    a.leaf(
        "responderID",
        responder.offset,
        responder.header,
        responder.content,
        || match responder.tag {
            0xa1 => "byName".into(),
            0xa2 => "byKey".into(),
            _ => "unknown choice".into(),
        },
        SPEC_OCSP,
    );
    let produced = d.expect(0x18, "producedAt")?;
    a.leaf(
        "producedAt",
        produced.offset,
        produced.header,
        produced.content,
        || String::from_utf8_lossy(produced.content).into_owned(),
        SPEC_OCSP,
    );
    let responses = d.expect(TAG_SEQUENCE, "responses")?;
    a.open(
        "responses",
        responses.offset,
        responses.header,
        || "SEQUENCE OF SingleResponse".into(),
        SPEC_OCSP,
    );
    let mut found = Vec::new();
    let mut list_reader = responses.reader(layer);
    let mut index = 0;
    while !list_reader.is_empty() {
        let single = list_reader.expect(TAG_SEQUENCE, "SingleResponse")?;
        if let Some(scts) = single_response(&single, index, a)? {
            found.push(scts);
        }
        index += 1;
    }
    a.close(responses.end());
    // responseExtensions, signature and certificates are not needed for
    // the SCTs; they are shown as one node each.
    while !d.is_empty() {
        let rest = d.any("responseExtensions")?;
        a.leaf(
            "responseExtensions",
            rest.offset,
            rest.header,
            rest.content,
            || "[1] EXPLICIT".into(),
            SPEC_OCSP,
        );
    }
    a.close(data.end());
    while !b.is_empty() {
        let rest = b.any("signature")?;
        let name = match rest.tag {
            TAG_SEQUENCE => "signatureAlgorithm",
            0x03 => "signature",
            _ => "certs",
        };
        a.leaf(
            name,
            rest.offset,
            rest.header,
            rest.content,
            || "not checked".into(),
            SPEC_OCSP,
        );
    }
    a.close(basic.end());
    a.close(wrapped.end());
    a.close(bytes.end());
    a.close(response.end());
    Ok(found)
}

fn single_response<A: Annotator>(
    single: &Tlv<'_>,
    index: usize,
    a: &mut A,
) -> Result<Option<OcspScts>, DecodeError> {
    let layer = Layer::OcspResponse;
    a.open(
        &format!("SingleResponse #{}", index + 1),
        single.offset,
        single.header,
        || "SEQUENCE".into(),
        SPEC_OCSP,
    );
    let mut s = single.reader(layer);
    let cert_id = s.expect(TAG_SEQUENCE, "certID")?;
    let mut c = cert_id.reader(layer);
    c.expect(TAG_SEQUENCE, "hashAlgorithm")?;
    c.expect(TAG_OCTET_STRING, "issuerNameHash")?;
    c.expect(TAG_OCTET_STRING, "issuerKeyHash")?;
    let serial = c.expect(crate::der::TAG_INTEGER, "serialNumber")?;
    c.finish("certID")?;
    a.leaf(
        "certID",
        cert_id.offset,
        cert_id.header,
        cert_id.content,
        || format!("serialNumber {}", hex::encode(serial.content)),
        SPEC_OCSP,
    );
    let status = s.any("certStatus")?;
    a.leaf(
        "certStatus",
        status.offset,
        status.header,
        status.content,
        || match status.tag {
            0x80 => "good".into(),
            0xa1 => "revoked".into(),
            0x82 => "unknown".into(),
            _ => "unknown choice".into(),
        },
        SPEC_OCSP,
    );
    let this_update = s.expect(0x18, "thisUpdate")?;
    a.leaf(
        "thisUpdate",
        this_update.offset,
        this_update.header,
        this_update.content,
        || String::from_utf8_lossy(this_update.content).into_owned(),
        SPEC_OCSP,
    );
    if let Some(next) = s.optional(0xa0, "nextUpdate")? {
        a.leaf(
            "nextUpdate",
            next.offset,
            next.header,
            next.content,
            || "[0] EXPLICIT".into(),
            SPEC_OCSP,
        );
    }
    let mut result = None;
    if let Some(extensions) = s.optional(0xa1, "singleExtensions")? {
        a.open(
            "singleExtensions",
            extensions.offset,
            extensions.header,
            || "[1] EXPLICIT".into(),
            SPEC_OCSP,
        );
        let mut explicit = extensions.reader(layer);
        let list = explicit.expect(TAG_SEQUENCE, "Extensions")?;
        explicit.finish("singleExtensions")?;
        let mut e = list.reader(layer);
        while !e.is_empty() {
            let extension = e.expect(TAG_SEQUENCE, "Extension")?;
            let mut x = extension.reader(layer);
            let oid = x.expect(TAG_OID, "extnID")?;
            let critical = x.optional(crate::der::TAG_BOOLEAN, "critical")?;
            let value = x.expect(TAG_OCTET_STRING, "extnValue")?;
            x.finish("Extension")?;
            if oid.content != OID_OCSP_SCT_LIST {
                a.leaf(
                    "Extension",
                    extension.offset,
                    extension.header,
                    extension.content,
                    || crate::der::oid_to_string(oid.content).unwrap_or_default(),
                    SPEC_OCSP,
                );
                continue;
            }
            a.open(
                "Extension",
                extension.offset,
                extension.header,
                || "SCT list 1.3.6.1.4.1.11129.2.4.5".into(),
                SPEC_SCT,
            );
            a.leaf(
                "extnID",
                oid.offset,
                oid.header,
                oid.content,
                || "1.3.6.1.4.1.11129.2.4.5".into(),
                SPEC_SCT,
            );
            if let Some(critical) = critical {
                a.leaf(
                    "critical",
                    critical.offset,
                    critical.header,
                    critical.content,
                    || "BOOLEAN".into(),
                    "RFC 5280 4.1",
                );
            }
            a.open(
                "extnValue",
                value.offset,
                value.header,
                || "OCTET STRING".into(),
                SPEC_SCT,
            );
            let mut v = value.reader(Layer::SctListExtension);
            let inner = v.expect(TAG_OCTET_STRING, "inner OCTET STRING")?;
            v.finish("extnValue")?;
            a.open(
                "inner OCTET STRING",
                inner.offset,
                inner.header,
                || "holds the TLS SignedCertificateTimestampList".into(),
                SPEC_SCT,
            );
            let list = SctList::decode(inner.content, inner.content_offset(), a)?;
            a.close(inner.end());
            a.close(value.end());
            a.close(extension.end());
            if result.is_some() {
                return Err(at(
                    extension.offset,
                    ErrorKind::InvalidValue("a second SCT list extension in one SingleResponse"),
                    "singleExtensions",
                ));
            }
            result = Some(OcspScts {
                response_index: index,
                serial: serial.content.to_vec(),
                list,
            });
        }
        a.close(extensions.end());
    }
    s.finish("SingleResponse")?;
    a.close(single.end());
    Ok(result)
}
