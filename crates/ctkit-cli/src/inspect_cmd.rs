//! `ctkit inspect`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ctkit::inspect::{
    Inspection, inspect_certificate, inspect_ocsp_response, inspect_sct_list, name_logs,
    render_text,
};

use crate::verify_cmd::load_log_list;
use crate::{Format, is_certificate, load_blocks, report};

pub fn run(file: &Path, format: Format, log_lists: &[PathBuf]) -> ExitCode {
    let logs = match load_log_list(log_lists) {
        Ok(logs) => logs,
        Err(e) => {
            report(&e);
            return ExitCode::from(2);
        }
    };
    let blocks = match load_blocks(file) {
        Ok(blocks) => blocks,
        // Bytes that are neither PEM nor DER may be a TLS SCT list; when
        // they do not decode as one either, the PEM and DER error is clearer.
        Err(e) => match crate::read_input(file) {
            Ok(data) if ctkit::sct::SctList::from_tls_extension(&data).is_ok() => {
                vec![ctkit::input::Block {
                    label: None,
                    der: data,
                }]
            }
            _ => return fail(file, format, &e),
        },
    };

    // Blocks that are not certificates, such as a private key kept in the
    // same PEM file, are listed and skipped.
    let mut inspections = Vec::new();
    let mut skipped = Vec::new();
    for (i, block) in blocks.into_iter().enumerate() {
        if !is_certificate(&block) && block.label.as_deref() != Some("OCSP RESPONSE") {
            skipped.push(format!(
                "object #{} is labelled {:?}, not CERTIFICATE: skipped",
                i + 1,
                block.label.unwrap_or_default()
            ));
            continue;
        }
        let mut inspection = match kind_of(&block) {
            Kind::Certificate => inspect_certificate(i + 1, block.label, &block.der),
            Kind::Ocsp => inspect_ocsp_response(i + 1, block.label, &block.der),
            Kind::SctList => inspect_sct_list(i + 1, block.label, &block.der),
        };
        name_logs(&mut inspection, &logs);
        inspections.push(inspection);
    }
    if inspections.is_empty() {
        return fail(file, format, "no certificate in the input");
    }

    print_inspections(file, format, &inspections, &skipped);
    for note in &skipped {
        report(&format!("{}: {note}", file.display()));
    }
    let mut failed = false;
    for inspection in &inspections {
        if let Some(e) = &inspection.error {
            report(&format!(
                "{}: object #{}: {}",
                file.display(),
                inspection.number,
                e.message
            ));
            failed = true;
        }
    }
    if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

enum Kind {
    Certificate,
    Ocsp,
    SctList,
}

/// Tells a certificate from an OCSP response and a TLS SCT list. A PEM
/// label names the kind. DER that parses as a certificate is one, and DER
/// that starts like an OCSPResponse or decodes as one is an OCSP response.
/// Bytes that do not start with a SEQUENCE are taken as an SCT list.
fn kind_of(block: &ctkit::input::Block) -> Kind {
    match block.label.as_deref() {
        Some("OCSP RESPONSE") => return Kind::Ocsp,
        Some(_) => return Kind::Certificate,
        None => {}
    }
    if block.der.first() != Some(&0x30) {
        return Kind::SctList;
    }
    if ctkit::x509::CertificateLayout::parse_lenient(&block.der).is_ok() {
        return Kind::Certificate;
    }
    // An OCSPResponse starts with its ENUMERATED responseStatus, where a
    // certificate has its TBSCertificate SEQUENCE, so a broken response is
    // still shown as one, with its fault located.
    let first_inner = ctkit::der::parse_header(&block.der)
        .ok()
        .and_then(|(header, _)| block.der.get(header).copied());
    if first_inner == Some(0x0a) || ctkit::ocsp::scts_in_response(&block.der).is_ok() {
        return Kind::Ocsp;
    }
    Kind::Certificate
}

fn print_inspections(file: &Path, format: Format, inspections: &[Inspection], skipped: &[String]) {
    match format {
        Format::Text => {
            for (i, inspection) in inspections.iter().enumerate() {
                if i > 0 {
                    outln!();
                }
                out!("{}", render_text(inspection));
            }
        }
        Format::Json => {
            let doc = serde_json::json!({
                "file": file.display().to_string(),
                "objects": inspections,
                "skipped": skipped,
                "error": null,
            });
            print_json(&doc);
        }
    }
}

/// Reports an input that could not be inspected at all, on standard error
/// and, with `--format json`, as a JSON document with an `error` field.
fn fail(file: &Path, format: Format, error: &str) -> ExitCode {
    if format == Format::Json {
        print_json(&serde_json::json!({
            "file": file.display().to_string(),
            "objects": [],
            "skipped": [],
            "error": error,
        }));
    }
    report(&format!("{}: {error}", file.display()));
    ExitCode::from(2)
}

fn print_json(doc: &serde_json::Value) {
    match serde_json::to_string_pretty(doc) {
        Ok(text) => outln!("{text}"),
        Err(e) => report(&format!("cannot encode JSON: {e}")),
    }
}
