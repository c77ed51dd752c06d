//! A readable certificate summary, from x509-parser.

use serde::Serialize;
use x509_parser::der_parser::oid::Oid;
use x509_parser::prelude::*;
use x509_parser::public_key::PublicKey;

/// The fields an engineer looks at first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub subject: String,
    pub issuer: String,
    /// Hex, without leading zero bytes.
    pub serial: String,
    pub not_before: String,
    pub not_after: String,
    pub subject_alt_names: Vec<String>,
    pub public_key: String,
    pub signature_algorithm: String,
    /// Each extension as `name (OID)`, with `, critical` when it is.
    pub extensions: Vec<String>,
    pub is_precertificate: bool,
    /// Hex SHA-256 of the whole DER certificate.
    pub sha256: String,
}

/// Summarizes a DER certificate; the error is x509-parser's message.
pub fn summarize(der: &[u8]) -> Result<Summary, String> {
    let (_, cert) = X509Certificate::from_der(der).map_err(|e| e.to_string())?;
    let tbs = &cert.tbs_certificate;
    let mut subject_alt_names = Vec::new();
    let mut extensions = Vec::new();
    for ext in tbs.extensions() {
        let oid = ext.oid.to_id_string();
        let name = crate::x509::extension_name(ext.oid.as_bytes());
        let name = if name == "unknown" {
            oid_registry()
                .get(&ext.oid)
                .map(|e| e.sn().to_owned())
                .unwrap_or_else(|| "unknown".into())
        } else {
            name.to_owned()
        };
        extensions.push(format!(
            "{name} ({oid}){}",
            if ext.critical { ", critical" } else { "" }
        ));
        if let ParsedExtension::SubjectAlternativeName(san) = ext.parsed_extension() {
            for name in &san.general_names {
                subject_alt_names.push(match name {
                    GeneralName::DNSName(d) => format!("DNS:{d}"),
                    GeneralName::IPAddress(ip) => format!("IP:{}", format_ip(ip)),
                    GeneralName::RFC822Name(e) => format!("email:{e}"),
                    GeneralName::URI(u) => format!("URI:{u}"),
                    other => format!("{other:?}"),
                });
            }
        }
    }
    let is_precertificate = tbs
        .extensions()
        .iter()
        .any(|e| e.oid.as_bytes() == crate::x509::OID_PRECERT_POISON);
    Ok(Summary {
        subject: tbs.subject.to_string(),
        issuer: tbs.issuer.to_string(),
        serial: tbs.raw_serial_as_string().replace(':', ""),
        not_before: rfc3339(tbs.validity.not_before),
        not_after: rfc3339(tbs.validity.not_after),
        subject_alt_names,
        public_key: describe_key(tbs.public_key()),
        signature_algorithm: signature_name(&cert.signature_algorithm.algorithm),
        extensions,
        is_precertificate,
        sha256: hex::encode(crate::x509::sha256(der)),
    })
}

fn rfc3339(t: ASN1Time) -> String {
    let t = t.to_datetime();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn format_ip(bytes: &[u8]) -> String {
    match bytes.len() {
        4 => bytes
            .iter()
            .map(u8::to_string)
            .collect::<Vec<_>>()
            .join("."),
        16 => bytes
            .chunks(2)
            .map(|c| {
                format!(
                    "{:x}",
                    c.iter().fold(0u16, |acc, b| (acc << 8) | u16::from(*b))
                )
            })
            .collect::<Vec<_>>()
            .join(":"),
        _ => hex::encode(bytes),
    }
}

fn describe_key(spki: &SubjectPublicKeyInfo<'_>) -> String {
    match spki.parsed() {
        Ok(PublicKey::RSA(rsa)) => format!("RSA {} bits", rsa.key_size()),
        Ok(PublicKey::EC(point)) => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|oid| match oid.to_id_string().as_str() {
                    "1.2.840.10045.3.1.7" => "P-256".to_owned(),
                    "1.3.132.0.34" => "P-384".to_owned(),
                    "1.3.132.0.35" => "P-521".to_owned(),
                    other => other.to_owned(),
                })
                .unwrap_or_else(|| "unknown curve".into());
            format!("ECDSA {curve} ({} bits)", point.key_size())
        }
        Ok(other) => format!("{other:?}").chars().take(40).collect(),
        Err(e) => format!("unparsed key: {e}"),
    }
}

fn signature_name(oid: &Oid<'_>) -> String {
    oid_registry()
        .get(oid)
        .map(|e| e.sn().to_owned())
        .unwrap_or_else(|| oid.to_id_string())
}
