//! The layer-by-layer view of a certificate and its SCT list, as a tree with
//! text and JSON renderings.

use std::fmt::Write as _;

use serde::Serialize;

use crate::annotate::{Annotator as _, Node, TreeBuilder};
use crate::error::DecodeError;
use crate::loglist::LogList;
use crate::sct::LogId;
use crate::summary::{Summary, summarize};
use crate::x509::CertificateLayout;

/// A decode error in a form that serializes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorReport {
    pub layer: String,
    pub field: &'static str,
    pub offset: usize,
    pub message: String,
}

impl From<&DecodeError> for ErrorReport {
    fn from(e: &DecodeError) -> Self {
        Self {
            layer: e.layer.to_string(),
            field: e.field,
            offset: e.offset,
            message: e.to_string(),
        }
    }
}

/// Everything `inspect` learned about one DER object.
#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    /// 1-based position of the object in the input.
    pub number: usize,
    /// The PEM label, or `None` for DER input.
    pub label: Option<String>,
    pub summary: Option<Summary>,
    /// The reason the summary is missing.
    pub summary_error: Option<String>,
    /// The decoded layers, up to the first error.
    pub tree: Vec<Node>,
    pub error: Option<ErrorReport>,
}

/// Decodes a DER certificate as far as it goes.
pub fn inspect_certificate(number: usize, label: Option<String>, der: &[u8]) -> Inspection {
    let (summary, summary_error) = match summarize(der) {
        Ok(s) => (Some(s), None),
        Err(e) => (
            None,
            Some(format!("x509-parser could not parse the certificate ({e})")),
        ),
    };
    let mut builder = TreeBuilder::new();
    let result = CertificateLayout::decode(der, &mut builder);
    let error = result.err();
    // Nodes left open by an error end where the input ends.
    let end = der.len();
    Inspection {
        number,
        label,
        summary,
        summary_error,
        tree: builder.finish(end),
        error: error.as_ref().map(ErrorReport::from),
    }
}

/// Decodes an OCSP response down to the SCT lists of its single responses
/// (RFC 6962 3.3), with the same kind of tree as a certificate.
pub fn inspect_ocsp_response(number: usize, label: Option<String>, der: &[u8]) -> Inspection {
    let mut builder = TreeBuilder::new();
    let error = crate::ocsp::decode_response(der, &mut builder).err();
    Inspection {
        number,
        label,
        summary: None,
        summary_error: None,
        tree: builder.finish(der.len()),
        error: error.as_ref().map(ErrorReport::from),
    }
}

/// Decodes a TLS `SignedCertificateTimestampList`, as a TLS server sends
/// it in the signed_certificate_timestamp extension.
pub fn inspect_sct_list(number: usize, label: Option<String>, data: &[u8]) -> Inspection {
    let mut builder = TreeBuilder::new();
    let body = match data {
        [0x00, 0x12, high, low, rest @ ..]
            if usize::from(u16::from_be_bytes([*high, *low])) == rest.len() =>
        {
            builder.leaf(
                "extension header",
                0,
                &[],
                data.get(..4).unwrap_or_default(),
                || "type 18 signed_certificate_timestamp, then extension_data length".into(),
                "RFC 6962 3.3",
            );
            (rest, 4)
        }
        _ => (data, 0),
    };
    let error = crate::sct::SctList::decode(body.0, body.1, &mut builder).err();
    Inspection {
        number,
        label,
        summary: None,
        summary_error: None,
        tree: builder.finish(data.len()),
        error: error.as_ref().map(ErrorReport::from),
    }
}

/// Adds the name and operator of each SCT's log, from `logs`, to the value
/// of its `id` node.
pub fn name_logs(inspection: &mut Inspection, logs: &LogList) {
    fn visit(node: &mut Node, logs: &LogList) {
        if node.name == "id" && node.spec == "RFC 6962 3.2" {
            let id = node
                .bytes
                .as_deref()
                .and_then(|h| hex::decode(h).ok())
                .and_then(|b| <[u8; 32]>::try_from(b).ok());
            if let Some(id) = id {
                match logs.find(&LogId(id)) {
                    Some(log) => {
                        node.value = format!(
                            "{}: {}, operated by {}",
                            node.value, log.description, log.operator
                        );
                    }
                    None => node.value = format!("{}: not in the log list", node.value),
                }
            }
        }
        for child in &mut node.children {
            visit(child, logs);
        }
    }
    for node in &mut inspection.tree {
        visit(node, logs);
    }
}

/// Maximum content bytes printed in hex for one node of the text output.
const TEXT_BYTES_MAX: usize = 40;

/// Renders an inspection as indented text.
pub fn render_text(inspection: &Inspection) -> String {
    let mut out = String::new();
    let label = inspection.label.as_deref().unwrap_or("DER");
    let _ = writeln!(out, "Object #{} ({label})", inspection.number);
    match (&inspection.summary, &inspection.summary_error) {
        (Some(s), _) => render_summary(&mut out, s),
        (None, Some(e)) => {
            let _ = writeln!(out, "  summary unavailable: {e}");
        }
        (None, None) => {}
    }
    let _ = writeln!(
        out,
        "\n  Layers (offset: decimal byte offset into the DER; header: tag and length bytes, or TLS length prefix)"
    );
    for node in &inspection.tree {
        render_node(&mut out, node, 1);
    }
    if let Some(e) = &inspection.error {
        let _ = writeln!(out, "\n  error: {}", e.message);
    }
    out
}

fn render_summary(out: &mut String, s: &Summary) {
    let _ = writeln!(out, "  subject:             {}", s.subject);
    let _ = writeln!(out, "  issuer:              {}", s.issuer);
    let _ = writeln!(out, "  serial:              {}", s.serial);
    let _ = writeln!(out, "  not before:          {}", s.not_before);
    let _ = writeln!(out, "  not after:           {}", s.not_after);
    if !s.subject_alt_names.is_empty() {
        let _ = writeln!(
            out,
            "  subject alt names:   {}",
            s.subject_alt_names.join(", ")
        );
    }
    let _ = writeln!(out, "  public key:          {}", s.public_key);
    let _ = writeln!(out, "  signature algorithm: {}", s.signature_algorithm);
    let _ = writeln!(out, "  SHA-256:             {}", s.sha256);
    if s.is_precertificate {
        let _ = writeln!(
            out,
            "  precertificate:      yes (carries the poison extension, RFC 6962 3.1)"
        );
    }
    let _ = writeln!(out, "  extensions:");
    for e in &s.extensions {
        let _ = writeln!(out, "    {e}");
    }
}

fn render_node(out: &mut String, node: &Node, depth: usize) {
    let indent = "  ".repeat(depth);
    let header = if node.header.is_empty() {
        String::new()
    } else {
        format!(" [{}]", spaced_hex(&node.header))
    };
    let _ = writeln!(
        out,
        "{indent}{:>6} {}{header}: {}  ({}; {} byte{})",
        node.offset,
        node.name,
        node.value,
        node.spec,
        node.length,
        if node.length == 1 { "" } else { "s" }
    );
    if let Some(bytes) = &node.bytes
        && node.children.is_empty()
        && !bytes.is_empty()
        && depth > 0
    {
        let shown: String = bytes.chars().take(TEXT_BYTES_MAX * 2).collect();
        let more = if bytes.len() > TEXT_BYTES_MAX * 2 {
            " ..."
        } else {
            ""
        };
        let _ = writeln!(out, "{indent}       = {}{more}", spaced_hex(&shown));
    }
    for child in &node.children {
        render_node(out, child, depth + 1);
    }
}

fn spaced_hex(hex: &str) -> String {
    let mut out = String::with_capacity(hex.len() * 3 / 2);
    for (i, c) in hex.chars().enumerate() {
        if i > 0 && i % 2 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}
