//! The byte layout of a DER certificate, and the TBSCertificate a log
//! signs for a precertificate (RFC 6962 3.1 and 3.2).
//!
//! ```text
//! Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
//! TBSCertificate ::= SEQUENCE {
//!     version [0] EXPLICIT Version DEFAULT v1, serialNumber, signature, issuer,
//!     validity, subject, subjectPublicKeyInfo,
//!     issuerUniqueID [1] IMPLICIT OPTIONAL, subjectUniqueID [2] IMPLICIT OPTIONAL,
//!     extensions [3] EXPLICIT Extensions OPTIONAL }
//! Extension ::= SEQUENCE { extnID OBJECT IDENTIFIER,
//!     critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
//! ```

use aws_lc_rs::digest;

use crate::annotate::{Annotator, Discard};
use crate::der::{
    self, DerReader, TAG_BIT_STRING, TAG_BOOLEAN, TAG_EXTENSIONS, TAG_INTEGER, TAG_NULL,
    TAG_OCTET_STRING, TAG_OID, TAG_SEQUENCE, Tlv,
};
use crate::error::{DecodeError, ErrorKind, Layer};
use crate::sct::SctList;

/// 1.3.6.1.4.1.11129.2.4.2, the embedded SCT list extension (RFC 6962 3.3).
pub const OID_SCT_LIST: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0xd6, 0x79, 0x02, 0x04, 0x02];
/// 1.3.6.1.4.1.11129.2.4.3, the precertificate poison extension (RFC 6962 3.1).
pub const OID_PRECERT_POISON: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0xd6, 0x79, 0x02, 0x04, 0x03];
/// 1.3.6.1.4.1.11129.2.4.4, the Precertificate Signing Certificate EKU (RFC 6962 3.1).
pub const OID_PRECERT_SIGNING: &[u8] =
    &[0x2b, 0x06, 0x01, 0x04, 0x01, 0xd6, 0x79, 0x02, 0x04, 0x04];
/// 1.3.6.1.4.1.11129.2.4.5, the SCT list in an OCSP single response (RFC 6962 3.3).
pub const OID_OCSP_SCT_LIST: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0xd6, 0x79, 0x02, 0x04, 0x05];
/// 2.5.29.35, authorityKeyIdentifier (RFC 5280 4.2.1.1).
pub const OID_AUTHORITY_KEY_ID: &[u8] = &[0x55, 0x1d, 0x23];
/// 2.5.29.37, extKeyUsage (RFC 5280 4.2.1.12).
pub const OID_EXTENDED_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x25];

const SPEC_CERT: &str = "RFC 5280 4.1";
const SPEC_EXT: &str = "RFC 5280 4.1 and 4.2";

/// One `Extension` in a TBSCertificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extension<'a> {
    /// 0-based position in the Extensions SEQUENCE.
    pub index: usize,
    pub tlv: Tlv<'a>,
    /// Content bytes of extnID.
    pub oid: &'a [u8],
    /// The `critical` BOOLEAN when it is encoded; DER omits it when FALSE.
    pub critical: Option<Tlv<'a>>,
    /// The extnValue OCTET STRING.
    pub value: Tlv<'a>,
}

impl<'a> Extension<'a> {
    pub fn is_critical(&self) -> bool {
        self.critical.is_some_and(|c| c.content != [0x00])
    }

    /// Reads the OCTET STRING that must fill extnValue, as it wraps the SCT
    /// list (RFC 6962 3.3).
    pub fn inner_octet_string(&self) -> Result<Tlv<'a>, DecodeError> {
        let mut r = self.value.reader(Layer::SctListExtension);
        let inner = r.expect(TAG_OCTET_STRING, "inner OCTET STRING")?;
        r.finish("extnValue")?;
        Ok(inner)
    }
}

/// The byte layout of a certificate: the spans a verifier and an inspector
/// need, and the decoded SCT list when there is one.
#[derive(Debug, Clone)]
pub struct CertificateLayout<'a> {
    pub der: &'a [u8],
    pub certificate: Tlv<'a>,
    pub tbs: Tlv<'a>,
    /// The `[0] EXPLICIT` version, when it is encoded.
    pub version: Option<Tlv<'a>>,
    pub serial: Tlv<'a>,
    /// The signature AlgorithmIdentifier inside the TBSCertificate.
    pub signature: Tlv<'a>,
    /// The issuer Name.
    pub issuer: Tlv<'a>,
    pub validity: Tlv<'a>,
    /// The subject Name.
    pub subject: Tlv<'a>,
    pub subject_public_key_info: Tlv<'a>,
    pub issuer_unique_id: Option<Tlv<'a>>,
    pub subject_unique_id: Option<Tlv<'a>>,
    /// The `[3] EXPLICIT` wrapper.
    pub extensions_field: Option<Tlv<'a>>,
    /// The `Extensions` SEQUENCE inside the wrapper.
    pub extensions_sequence: Option<Tlv<'a>>,
    pub extensions: Vec<Extension<'a>>,
    /// The decoded SCT list; `None` when there is none, and always `None`
    /// from [`CertificateLayout::parse_lenient`].
    pub sct_list: Option<SctList>,
    lenient: bool,
}

impl<'a> CertificateLayout<'a> {
    /// Decodes the certificate structure that `der` must fill exactly.
    pub fn parse(der: &'a [u8]) -> Result<Self, DecodeError> {
        Self::decode(der, &mut Discard)
    }

    /// Decodes the certificate structure like [`CertificateLayout::parse`],
    /// but leaves the SCT list undecoded and accepts a repeated extension,
    /// so that a linter can report those faults and go on.
    pub fn parse_lenient(der: &'a [u8]) -> Result<Self, DecodeError> {
        Self::decode_with(der, &mut Discard, true)
    }

    /// Decodes the structure, reporting the fields that matter for CT to `a`.
    ///
    /// A truncated input is decoded as far as it goes, so that `a` receives
    /// every complete field, and the error then names the outermost length
    /// that runs past the end.
    pub fn decode<A: Annotator>(der: &'a [u8], a: &mut A) -> Result<Self, DecodeError> {
        Self::decode_with(der, a, false)
    }

    fn decode_with<A: Annotator>(
        der: &'a [u8],
        a: &mut A,
        lenient: bool,
    ) -> Result<Self, DecodeError> {
        let mut outer = DerReader::new(der, 0, Layer::Certificate);
        let (certificate, truncation) = outer.expect_partial(TAG_SEQUENCE, "Certificate")?;
        a.open(
            "Certificate",
            0,
            certificate.header,
            || describe_header(&certificate, "SEQUENCE"),
            SPEC_CERT,
        );
        let decoded = Self::decode_certificate(der, certificate, a, lenient);
        if let Some(e) = truncation {
            return Err(e);
        }
        let layout = decoded?;
        a.close(certificate.end());
        outer.finish("Certificate")?;
        Ok(layout)
    }

    fn decode_certificate<A: Annotator>(
        der: &'a [u8],
        certificate: Tlv<'a>,
        a: &mut A,
        lenient: bool,
    ) -> Result<Self, DecodeError> {
        let mut cert = certificate.reader(Layer::Certificate);
        let (tbs, truncation) = cert.expect_partial(TAG_SEQUENCE, "tbsCertificate")?;
        a.open(
            "tbsCertificate",
            tbs.offset,
            tbs.header,
            || describe_header(&tbs, "SEQUENCE"),
            SPEC_CERT,
        );
        let decoded = Self::decode_tbs(der, certificate, tbs, a, lenient);
        if let Some(e) = truncation {
            return Err(e);
        }
        let layout = decoded?;
        a.close(tbs.end());

        let algorithm = cert.expect(TAG_SEQUENCE, "signatureAlgorithm")?;
        annotate_field(a, "signatureAlgorithm", &algorithm, "RFC 5280 4.1.1.2");
        let value = cert.expect(TAG_BIT_STRING, "signatureValue")?;
        annotate_field(a, "signatureValue", &value, "RFC 5280 4.1.1.3");
        cert.finish("Certificate")?;
        Ok(layout)
    }

    fn decode_tbs<A: Annotator>(
        der: &'a [u8],
        certificate: Tlv<'a>,
        tbs: Tlv<'a>,
        a: &mut A,
        lenient: bool,
    ) -> Result<Self, DecodeError> {
        let mut fields = tbs.reader(Layer::TbsCertificate);
        let version = fields.optional(0xa0, "version")?;
        if let Some(version) = &version {
            annotate_field(a, "version", version, "RFC 5280 4.1.2.1");
        }
        let serial = fields.expect(TAG_INTEGER, "serialNumber")?;
        annotate_field(a, "serialNumber", &serial, "RFC 5280 4.1.2.2");
        let signature = fields.expect(TAG_SEQUENCE, "signature")?;
        annotate_field(a, "signature", &signature, "RFC 5280 4.1.2.3");
        let issuer = fields.expect(TAG_SEQUENCE, "issuer")?;
        annotate_field(a, "issuer", &issuer, "RFC 5280 4.1.2.4");
        let validity = fields.expect(TAG_SEQUENCE, "validity")?;
        annotate_field(a, "validity", &validity, "RFC 5280 4.1.2.5");
        let subject = fields.expect(TAG_SEQUENCE, "subject")?;
        annotate_field(a, "subject", &subject, "RFC 5280 4.1.2.6");
        let spki = fields.expect(TAG_SEQUENCE, "subjectPublicKeyInfo")?;
        annotate_field(a, "subjectPublicKeyInfo", &spki, "RFC 5280 4.1.2.7");
        let issuer_unique_id = fields.optional(0x81, "issuerUniqueID")?;
        if let Some(uid) = &issuer_unique_id {
            annotate_field(a, "issuerUniqueID", uid, "RFC 5280 4.1.2.8");
        }
        let subject_unique_id = fields.optional(0x82, "subjectUniqueID")?;
        if let Some(uid) = &subject_unique_id {
            annotate_field(a, "subjectUniqueID", uid, "RFC 5280 4.1.2.8");
        }

        let mut layout = CertificateLayout {
            der,
            certificate,
            tbs,
            version,
            serial,
            signature,
            issuer,
            validity,
            subject,
            subject_public_key_info: spki,
            issuer_unique_id,
            subject_unique_id,
            extensions_field: None,
            extensions_sequence: None,
            extensions: Vec::new(),
            sct_list: None,
            lenient,
        };
        if fields.peek_tag() == Some(TAG_EXTENSIONS) {
            let (field, truncation) = fields.expect_partial(TAG_EXTENSIONS, "extensions")?;
            let decoded = layout.decode_extensions(field, a);
            if let Some(e) = truncation {
                return Err(e);
            }
            decoded?;
        }
        fields.finish("tbsCertificate")?;
        Ok(layout)
    }

    fn decode_extensions<A: Annotator>(
        &mut self,
        field: Tlv<'a>,
        a: &mut A,
    ) -> Result<(), DecodeError> {
        a.open(
            "extensions",
            field.offset,
            field.header,
            || describe_header(&field, "[3] EXPLICIT"),
            "RFC 5280 4.1.2.9",
        );
        let mut wrapper = field.reader(Layer::Extensions);
        let (sequence, truncation) = wrapper.expect_partial(TAG_SEQUENCE, "Extensions")?;
        a.open(
            "Extensions",
            sequence.offset,
            sequence.header,
            || describe_header(&sequence, "SEQUENCE"),
            "RFC 5280 4.1.2.9",
        );
        wrapper.finish("extensions")?;
        let decoded = self.decode_extension_list(sequence, a);
        if let Some(e) = truncation {
            return Err(e);
        }
        decoded?;
        a.close(sequence.end());
        a.close(field.end());
        self.extensions_field = Some(field);
        self.extensions_sequence = Some(sequence);
        Ok(())
    }

    fn decode_extension_list<A: Annotator>(
        &mut self,
        sequence: Tlv<'a>,
        a: &mut A,
    ) -> Result<(), DecodeError> {
        let mut list = sequence.reader(Layer::Extensions);
        if list.is_empty() {
            // Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension
            return Err(list.error("Extensions", ErrorKind::Empty));
        }
        while !list.is_empty() {
            let index = self.extensions.len();
            list.set_layer(Layer::Extension(index));
            let (extension, truncation) = decode_extension(&mut list, index, a)?;
            if let Some(e) = truncation {
                // Show what the truncated extension holds, then stop.
                if extension.oid == OID_SCT_LIST {
                    let _ = decode_sct_list_value(&extension, a);
                }
                return Err(e);
            }
            if !self.lenient && self.extensions.iter().any(|e| e.oid == extension.oid) {
                // RFC 5280 4.2: a certificate must not include more than one
                // instance of a particular extension. Two SCT lists would
                // also leave open which one a verifier reads.
                return Err(DecodeError::new(
                    Layer::Extension(index),
                    "extnID",
                    extension.tlv.offset,
                    ErrorKind::InvalidValue(
                        "the extension appears twice; RFC 5280 4.2 allows one instance of each",
                    ),
                ));
            }
            if extension.oid == OID_SCT_LIST && !self.lenient {
                self.sct_list = Some(decode_sct_list_value(&extension, a)?);
                a.close(extension.tlv.end());
            } else if extension.oid == OID_PRECERT_POISON {
                annotate_poison(&extension, a);
                a.close(extension.tlv.end());
            }
            self.extensions.push(extension);
        }
        Ok(())
    }

    pub fn extension(&self, oid: &[u8]) -> Option<&Extension<'a>> {
        self.extensions.iter().find(|e| e.oid == oid)
    }

    /// Returns the DER TBSCertificate, header included, as it was signed.
    pub fn tbs_der(&self) -> &'a [u8] {
        slice(self.der, self.tbs.offset, self.tbs.end())
    }

    /// Tests whether the certificate carries the poison extension.
    pub fn is_precertificate(&self) -> bool {
        self.extension(OID_PRECERT_POISON).is_some()
    }

    /// Copies the TBSCertificate without the extensions named by `oids`,
    /// re-encoding the enclosing lengths. Every other byte is unchanged.
    ///
    /// When no extension is left, the `[3]` field is dropped as a whole,
    /// since `Extensions` must hold at least one element.
    pub fn tbs_without(&self, oids: &[&[u8]]) -> Vec<u8> {
        let (Some(field), Some(sequence)) = (self.extensions_field, self.extensions_sequence)
        else {
            return self.tbs_der().to_vec();
        };
        let kept: Vec<&Extension<'_>> = self
            .extensions
            .iter()
            .filter(|e| !oids.contains(&e.oid))
            .collect();
        if kept.len() == self.extensions.len() {
            return self.tbs_der().to_vec();
        }

        let mut extensions_field = Vec::new();
        if !kept.is_empty() {
            let mut body = Vec::with_capacity(sequence.content.len());
            for e in &kept {
                body.extend_from_slice(slice(self.der, e.tlv.offset, e.tlv.end()));
            }
            let mut inner = Vec::with_capacity(body.len() + 6);
            der::write_tlv(TAG_SEQUENCE, &body, &mut inner);
            der::write_tlv(TAG_EXTENSIONS, &inner, &mut extensions_field);
        }

        let mut content = Vec::with_capacity(self.tbs.content.len());
        content.extend_from_slice(slice(self.der, self.tbs.content_offset(), field.offset));
        content.extend_from_slice(&extensions_field);
        content.extend_from_slice(slice(self.der, field.end(), self.tbs.end()));
        let mut out = Vec::with_capacity(content.len() + 6);
        der::write_tlv(TAG_SEQUENCE, &content, &mut out);
        out
    }

    /// Builds the TBSCertificate a log signs in a `precert_entry` for this
    /// certificate, which lacks the SCT list and the poison (RFC 6962 3.2). For a final certificate this is the precertificate's TBS.
    pub fn precert_tbs(&self) -> Vec<u8> {
        self.tbs_without(&[OID_SCT_LIST, OID_PRECERT_POISON])
    }

    /// Builds the log entry TBSCertificate of a precertificate signed by a
    /// Precertificate Signing Certificate (RFC 6962 3.2): the poison and SCT
    /// list removed, the issuer replaced by the signing certificate's issuer,
    /// and the authorityKeyIdentifier's value replaced by the signing
    /// certificate's, so that the entry names the CA that issues the final
    /// certificate. When the signing certificate has no authorityKeyIdentifier,
    /// the precertificate's is removed, since no value would match.
    pub fn precert_tbs_with_preissuer(&self, preissuer: &CertificateLayout<'_>) -> Vec<u8> {
        self.rewrite_tbs(Some(preissuer), None)
    }

    /// Builds the final certificate's TBSCertificate from this
    /// precertificate (RFC 6962 3.3): the poison extension is replaced, in
    /// its position, by a non-critical SCT list extension holding
    /// `sct_list`, the TLS-encoded `SignedCertificateTimestampList`. With a
    /// Precertificate Signing Certificate, the issuer and the
    /// authorityKeyIdentifier are those of the CA that signed it, as in
    /// [`CertificateLayout::precert_tbs_with_preissuer`]. Every other byte
    /// is the precertificate's.
    pub fn final_tbs(&self, preissuer: Option<&CertificateLayout<'_>>, sct_list: &[u8]) -> Vec<u8> {
        let mut inner = Vec::with_capacity(sct_list.len() + 4);
        der::write_tlv(TAG_OCTET_STRING, sct_list, &mut inner);
        let mut body = Vec::with_capacity(inner.len() + 16);
        der::write_tlv(TAG_OID, OID_SCT_LIST, &mut body);
        der::write_tlv(TAG_OCTET_STRING, &inner, &mut body);
        let mut extension = Vec::with_capacity(body.len() + 4);
        der::write_tlv(TAG_SEQUENCE, &body, &mut extension);
        self.rewrite_tbs(preissuer, Some(&extension))
    }

    /// Copies the TBSCertificate without its SCT list, with the poison
    /// replaced by `poison_replacement` (or removed), and with the issuer
    /// and authorityKeyIdentifier of `preissuer`'s issuer when given.
    fn rewrite_tbs(
        &self,
        preissuer: Option<&CertificateLayout<'_>>,
        poison_replacement: Option<&[u8]>,
    ) -> Vec<u8> {
        let preissuer_aki = preissuer.map(|p| (p, p.extension(OID_AUTHORITY_KEY_ID)));
        let kept: Vec<Vec<u8>> = self
            .extensions
            .iter()
            .filter(|e| e.oid != OID_SCT_LIST)
            .filter_map(|e| {
                let whole = slice(self.der, e.tlv.offset, e.tlv.end());
                if e.oid == OID_PRECERT_POISON {
                    return poison_replacement.map(<[u8]>::to_vec);
                }
                let Some((preissuer, replacement)) = preissuer_aki else {
                    return Some(whole.to_vec());
                };
                if e.oid != OID_AUTHORITY_KEY_ID {
                    return Some(whole.to_vec());
                }
                let replacement = replacement?;
                let mut body = Vec::with_capacity(whole.len() + 8);
                body.extend_from_slice(slice(self.der, e.tlv.content_offset(), e.value.offset));
                body.extend_from_slice(slice(
                    preissuer.der,
                    replacement.value.offset,
                    replacement.value.end(),
                ));
                let mut out = Vec::with_capacity(body.len() + 4);
                der::write_tlv(TAG_SEQUENCE, &body, &mut out);
                Some(out)
            })
            .collect();

        let mut content = Vec::with_capacity(self.tbs.content.len());
        content.extend_from_slice(slice(
            self.der,
            self.tbs.content_offset(),
            self.issuer.offset,
        ));
        match preissuer {
            Some(p) => content.extend_from_slice(slice(p.der, p.issuer.offset, p.issuer.end())),
            None => {
                content.extend_from_slice(slice(self.der, self.issuer.offset, self.issuer.end()))
            }
        }
        match self.extensions_field {
            Some(field) => {
                content.extend_from_slice(slice(self.der, self.issuer.end(), field.offset));
                if !kept.is_empty() {
                    let body = kept.concat();
                    let mut inner = Vec::with_capacity(body.len() + 6);
                    der::write_tlv(TAG_SEQUENCE, &body, &mut inner);
                    der::write_tlv(TAG_EXTENSIONS, &inner, &mut content);
                }
                content.extend_from_slice(slice(self.der, field.end(), self.tbs.end()));
            }
            None => content.extend_from_slice(slice(self.der, self.issuer.end(), self.tbs.end())),
        }
        let mut out = Vec::with_capacity(content.len() + 6);
        der::write_tlv(TAG_SEQUENCE, &content, &mut out);
        out
    }

    /// Tests whether basicConstraints sets cA to TRUE (RFC 5280 4.2.1.9).
    pub fn is_ca(&self) -> bool {
        const BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];
        let Some(extension) = self.extension(BASIC_CONSTRAINTS) else {
            return false;
        };
        let layer = Layer::Extension(extension.index);
        let mut outer = DerReader::new(
            extension.value.content,
            extension.value.content_offset(),
            layer,
        );
        let Ok(sequence) = outer.expect(TAG_SEQUENCE, "BasicConstraints") else {
            return false;
        };
        let mut r = sequence.reader(layer);
        matches!(r.optional(TAG_BOOLEAN, "cA"), Ok(Some(flag)) if flag.content != [0x00])
    }

    /// Tests whether extKeyUsage names id-kp-precertificateSigning, which
    /// makes this a Precertificate Signing Certificate (RFC 6962 3.1).
    pub fn has_precert_signing_purpose(&self) -> bool {
        let Some(eku) = self.extension(OID_EXTENDED_KEY_USAGE) else {
            return false;
        };
        let layer = Layer::Extension(eku.index);
        let mut outer = DerReader::new(eku.value.content, eku.value.content_offset(), layer);
        let Ok(sequence) = outer.expect(TAG_SEQUENCE, "ExtKeyUsageSyntax") else {
            return false;
        };
        let mut r = sequence.reader(layer);
        while let Ok(oid) = r.expect(TAG_OID, "KeyPurposeId") {
            if oid.content == OID_PRECERT_SIGNING {
                return true;
            }
        }
        false
    }

    /// Returns the outer signatureAlgorithm and the signatureValue bits that
    /// follow the TBSCertificate (RFC 5280 4.1.1.2 and 4.1.1.3).
    pub fn signature_parts(&self) -> Result<(Tlv<'a>, &'a [u8]), DecodeError> {
        let layer = Layer::Certificate;
        let mut r = DerReader::new(
            slice(self.der, self.tbs.end(), self.certificate.end()),
            self.tbs.end(),
            layer,
        );
        let algorithm = r.expect(TAG_SEQUENCE, "signatureAlgorithm")?;
        let bits = r.expect(TAG_BIT_STRING, "signatureValue")?;
        r.finish("Certificate")?;
        match bits.content.split_first() {
            Some((0, signature)) => Ok((algorithm, signature)),
            _ => Err(DecodeError::new(
                layer,
                "signatureValue",
                bits.offset,
                ErrorKind::InvalidValue("BIT STRING has unused bits"),
            )),
        }
    }

    /// notBefore in milliseconds since the epoch, or `None` when the
    /// Validity does not hold a time in a form RFC 5280 4.1.2.5 allows.
    pub fn not_before_ms(&self) -> Option<u64> {
        let mut r = self.validity.reader(Layer::TbsCertificate);
        let not_before = r.any("notBefore").ok()?;
        parse_time(not_before.tag, not_before.content)
    }

    /// notAfter in milliseconds since the epoch, or `None` when the Validity
    /// does not hold two times in the forms RFC 5280 4.1.2.5 allows.
    pub fn not_after_ms(&self) -> Option<u64> {
        let mut r = self.validity.reader(Layer::TbsCertificate);
        r.any("notBefore").ok()?;
        let not_after = r.any("notAfter").ok()?;
        parse_time(not_after.tag, not_after.content)
    }

    /// Returns the DER `SubjectPublicKeyInfo`, header included.
    pub fn spki_der(&self) -> &'a [u8] {
        slice(
            self.der,
            self.subject_public_key_info.offset,
            self.subject_public_key_info.end(),
        )
    }

    /// SHA-256 of the DER SubjectPublicKeyInfo: the `issuer_key_hash` when
    /// this certificate is the issuer (RFC 6962 3.2).
    pub fn key_hash(&self) -> [u8; 32] {
        sha256(self.spki_der())
    }
}

/// Parses UTCTime `YYMMDDHHMMSSZ` (years 1950 to 2049, RFC 5280 4.1.2.5.1)
/// or GeneralizedTime `YYYYMMDDHHMMSSZ` (RFC 5280 4.1.2.5.2) to
/// milliseconds since the epoch.
pub fn parse_time(tag: u8, content: &[u8]) -> Option<u64> {
    const UTC_TIME: u8 = 0x17;
    const GENERALIZED_TIME: u8 = 0x18;
    let text = std::str::from_utf8(content).ok()?;
    let digits = text.strip_suffix('Z')?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number = |range: std::ops::Range<usize>| digits.get(range)?.parse::<u32>().ok();
    let (year, rest) = match (tag, digits.len()) {
        (UTC_TIME, 12) => {
            let yy = number(0..2)?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, 2)
        }
        (GENERALIZED_TIME, 14) => (number(0..4)?, 4),
        _ => return None,
    };
    let month = time::Month::try_from(u8::try_from(number(rest..rest + 2)?).ok()?).ok()?;
    let day = u8::try_from(number(rest + 2..rest + 4)?).ok()?;
    let date = time::Date::from_calendar_date(i32::try_from(year).ok()?, month, day).ok()?;
    let clock = time::Time::from_hms(
        u8::try_from(number(rest + 4..rest + 6)?).ok()?,
        u8::try_from(number(rest + 6..rest + 8)?).ok()?,
        u8::try_from(number(rest + 8..rest + 10)?).ok()?,
    )
    .ok()?;
    let seconds = time::PrimitiveDateTime::new(date, clock)
        .assume_utc()
        .unix_timestamp();
    u64::try_from(seconds).ok()?.checked_mul(1000)
}

pub fn sha256(data: &[u8]) -> [u8; 32] {
    let digest = digest::digest(&digest::SHA256, data);
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

fn slice(data: &[u8], start: usize, end: usize) -> &[u8] {
    data.get(start..end).unwrap_or_default()
}

/// Decodes one Extension. When it runs past the end of the input, returns
/// what is there with the truncation error, for the caller to show first.
fn decode_extension<'a, A: Annotator>(
    list: &mut DerReader<'a>,
    index: usize,
    a: &mut A,
) -> Result<(Extension<'a>, Option<DecodeError>), DecodeError> {
    let layer = Layer::Extension(index);
    let (tlv, truncation) = list.expect_partial(TAG_SEQUENCE, "Extension")?;
    let mut r = tlv.reader(layer);
    let oid_tlv = r.expect(TAG_OID, "extnID")?;
    let critical = r.optional(TAG_BOOLEAN, "critical")?;
    if let Some(c) = critical {
        // X.690 11.1: DER encodes TRUE as 0xFF, and the content is one byte.
        if c.content.len() != 1 {
            return Err(DecodeError::new(
                layer,
                "critical",
                c.offset,
                ErrorKind::InvalidValue("BOOLEAN must be one byte"),
            ));
        }
    }
    let (value, value_truncation) = if truncation.is_some() {
        r.expect_partial(TAG_OCTET_STRING, "extnValue")?
    } else {
        (r.expect(TAG_OCTET_STRING, "extnValue")?, None)
    };
    let truncation = truncation.or(value_truncation);
    if truncation.is_none() {
        r.finish("Extension")?;
    }
    let extension = Extension {
        index,
        tlv,
        oid: oid_tlv.content,
        critical,
        value,
    };

    if !a.enabled() {
        return Ok((extension, truncation));
    }
    let name = extension_name(extension.oid);
    let oid_text = || der::oid_to_string(extension.oid).unwrap_or_else(|| "invalid OID".into());
    let detailed = extension.oid == OID_SCT_LIST || extension.oid == OID_PRECERT_POISON;
    if !detailed {
        a.leaf(
            &format!("Extension #{}", index + 1),
            tlv.offset,
            tlv.header,
            tlv.content,
            || {
                format!(
                    "{} {name}{}",
                    oid_text(),
                    if extension.is_critical() {
                        ", critical"
                    } else {
                        ""
                    }
                )
            },
            SPEC_EXT,
        );
        return Ok((extension, truncation));
    }

    a.open(
        &format!("Extension #{}", index + 1),
        tlv.offset,
        tlv.header,
        || describe_header(&tlv, "SEQUENCE"),
        "RFC 5280 4.1",
    );
    a.leaf(
        "extnID",
        oid_tlv.offset,
        oid_tlv.header,
        oid_tlv.content,
        || format!("{} ({name})", oid_text()),
        "RFC 5280 4.1",
    );
    match critical {
        None => a.leaf(
            "critical",
            value.offset,
            &[],
            &[],
            || "absent, so FALSE: the field is DEFAULT FALSE and DER omits a default value (X.690 11.5)".into(),
            "RFC 5280 4.1",
        ),
        Some(c) => a.leaf(
            "critical",
            c.offset,
            c.header,
            c.content,
            || match c.content {
                [0xff] => "TRUE".into(),
                [0x00] => "FALSE, encoded although DER omits a DEFAULT value (X.690 11.5)".into(),
                _ => "TRUE, but not encoded as 0xFF as DER requires (X.690 11.1)".into(),
            },
            "RFC 5280 4.1",
        ),
    }
    Ok((extension, truncation))
}

/// Unwraps extnValue OCTET STRING { OCTET STRING { SignedCertificateTimestampList } }.
fn decode_sct_list_value<A: Annotator>(
    extension: &Extension<'_>,
    a: &mut A,
) -> Result<SctList, DecodeError> {
    let value = extension.value;
    a.open(
        "extnValue",
        value.offset,
        value.header,
        || describe_header(&value, "OCTET STRING"),
        "RFC 5280 4.1",
    );
    let mut outer = value.reader(Layer::SctListExtension);
    let (inner, truncation) = outer.expect_partial(TAG_OCTET_STRING, "inner OCTET STRING")?;
    a.open(
        "SignedCertificateTimestampList OCTET STRING",
        inner.offset,
        inner.header,
        || describe_header(&inner, "OCTET STRING"),
        "RFC 6962 3.3",
    );
    outer.finish("extnValue")?;
    let decoded = SctList::decode(inner.content, inner.content_offset(), a);
    if let Some(e) = truncation {
        return Err(e);
    }
    let list = decoded?;
    a.close(inner.end());
    a.close(value.end());
    Ok(list)
}

fn annotate_poison<A: Annotator>(extension: &Extension<'_>, a: &mut A) {
    let value = extension.value;
    a.open(
        "extnValue",
        value.offset,
        value.header,
        || describe_header(&value, "OCTET STRING"),
        "RFC 5280 4.1",
    );
    let mut r = value.reader(Layer::Extension(extension.index));
    match r.expect(TAG_NULL, "poison value") {
        Ok(null) if null.content.is_empty() && r.is_empty() => a.leaf(
            "NULL",
            null.offset,
            null.header,
            null.content,
            || "ASN.1 NULL: this is a precertificate. The poison makes it unusable as a certificate; a log signs its TBSCertificate without this extension".into(),
            "RFC 6962 3.1",
        ),
        _ => a.leaf(
            "value",
            value.content_offset(),
            &[],
            value.content,
            || "not exactly 05 00 (ASN.1 NULL), which RFC 6962 3.1 requires".into(),
            "RFC 6962 3.1",
        ),
    }
    a.close(value.end());
}

fn annotate_field<A: Annotator>(a: &mut A, name: &str, tlv: &Tlv<'_>, spec: &'static str) {
    a.leaf(
        name,
        tlv.offset,
        tlv.header,
        tlv.content,
        || describe_header(tlv, tag_name(tlv.tag)),
        spec,
    );
}

/// Describes a DER header: tag, length and how the length is encoded.
pub fn describe_header(tlv: &Tlv<'_>, type_name: &str) -> String {
    let present = tlv.content.len();
    let len = der::parse_header(tlv.header).map_or(present, |(_, declared)| declared);
    let described = describe_length(tlv, type_name, len);
    if len == present {
        described
    } else {
        format!("{described}, but only {present} bytes follow")
    }
}

fn describe_length(tlv: &Tlv<'_>, type_name: &str, len: usize) -> String {
    match tlv.header.get(1..) {
        Some([short]) => format!("{type_name}, length {len} (short form 0x{short:02x})"),
        Some([first, rest @ ..]) => {
            let bytes: Vec<String> = rest.iter().map(|b| format!("0x{b:02x}")).collect();
            format!(
                "{type_name}, length {len} (long form: 0x{first:02x} says {} length byte{} follow{}: {})",
                rest.len(),
                if rest.len() == 1 { "" } else { "s" },
                if rest.len() == 1 { "s" } else { "" },
                bytes.join(" ")
            )
        }
        _ => format!("{type_name}, length {len}"),
    }
}

fn tag_name(tag: u8) -> &'static str {
    match tag {
        TAG_INTEGER => "INTEGER",
        TAG_BIT_STRING => "BIT STRING",
        TAG_OCTET_STRING => "OCTET STRING",
        TAG_SEQUENCE => "SEQUENCE",
        0xa0 => "[0] EXPLICIT",
        0x81 => "[1] IMPLICIT",
        0x82 => "[2] IMPLICIT",
        _ => "element",
    }
}

/// Returns the name of a certificate extension from its OID content bytes.
pub fn extension_name(oid: &[u8]) -> &'static str {
    match oid {
        OID_SCT_LIST => "SignedCertificateTimestampList",
        OID_PRECERT_POISON => "precertificate poison",
        [0x55, 0x1d, n] => match n {
            14 => "subjectKeyIdentifier",
            15 => "keyUsage",
            17 => "subjectAltName",
            18 => "issuerAltName",
            19 => "basicConstraints",
            30 => "nameConstraints",
            31 => "cRLDistributionPoints",
            32 => "certificatePolicies",
            33 => "policyMappings",
            35 => "authorityKeyIdentifier",
            36 => "policyConstraints",
            37 => "extKeyUsage",
            54 => "inhibitAnyPolicy",
            _ => "unknown",
        },
        [0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01] => "authorityInfoAccess",
        [0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x0b] => "subjectInfoAccess",
        [0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x03] => "qcStatements",
        [0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x18] => "TLS Feature",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_time_forms() {
        // 2018-06-27T17:45:07Z is 1530121507 s (date -u -d 2018-06-27T17:45:07Z +%s).
        assert_eq!(parse_time(0x17, b"180627174507Z"), Some(1_530_121_507_000));
        assert_eq!(
            parse_time(0x18, b"20180627174507Z"),
            Some(1_530_121_507_000)
        );
        // UTCTime 50 is 1950 (RFC 5280 4.1.2.5.1).
        assert_eq!(parse_time(0x17, b"500101000000Z"), None, "before the epoch");
        assert_eq!(parse_time(0x17, b"180627174507"), None, "no Z");
        assert_eq!(parse_time(0x17, b"181327174507Z"), None, "month 13");
    }
}
