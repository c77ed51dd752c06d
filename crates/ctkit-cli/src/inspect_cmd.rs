//! `ctkit inspect`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ctkit::inspect::{Inspection, inspect_certificate, name_logs, render_text};

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
        Err(e) => return fail(file, format, &e),
    };

    // Blocks that are not certificates, such as a private key kept in the
    // same PEM file, are listed and skipped.
    let mut inspections = Vec::new();
    let mut skipped = Vec::new();
    for (i, block) in blocks.into_iter().enumerate() {
        if !is_certificate(&block) {
            skipped.push(format!(
                "object #{} is labelled {:?}, not CERTIFICATE: skipped",
                i + 1,
                block.label.unwrap_or_default()
            ));
            continue;
        }
        let mut inspection = inspect_certificate(i + 1, block.label, &block.der);
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
