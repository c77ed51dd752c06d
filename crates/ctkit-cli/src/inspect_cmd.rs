//! `ctkit inspect`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ctkit::input::read_blocks;
use ctkit::inspect::{inspect_certificate, name_logs, render_text};

use crate::verify_cmd::load_log_list;
use crate::{Format, read_input, report};

pub fn run(file: &Path, format: Format, log_lists: &[PathBuf]) -> ExitCode {
    let logs = match load_log_list(log_lists) {
        Ok(logs) => logs,
        Err(e) => {
            report(&e);
            return ExitCode::from(2);
        }
    };
    let data = match read_input(file) {
        Ok(data) => data,
        Err(e) => {
            report(&e);
            return ExitCode::from(2);
        }
    };
    let blocks = match read_blocks(&data) {
        Ok(blocks) => blocks,
        Err(e) => {
            report(&format!("{}: {e}", file.display()));
            return ExitCode::from(2);
        }
    };

    let inspections: Vec<_> = blocks
        .into_iter()
        .enumerate()
        .map(|(i, block)| {
            let mut inspection = inspect_certificate(i + 1, block.label, &block.der);
            name_logs(&mut inspection, &logs);
            inspection
        })
        .collect();
    let failed = inspections.iter().any(|i| i.error.is_some());

    match format {
        Format::Text => {
            for (i, inspection) in inspections.iter().enumerate() {
                if i > 0 {
                    println!();
                }
                print!("{}", render_text(inspection));
            }
        }
        Format::Json => {
            let doc = serde_json::json!({
                "file": file.display().to_string(),
                "objects": inspections,
            });
            match serde_json::to_string_pretty(&doc) {
                Ok(text) => println!("{text}"),
                Err(e) => {
                    report(&format!("cannot encode JSON: {e}"));
                    return ExitCode::from(2);
                }
            }
        }
    }

    for inspection in inspections.iter().filter(|i| i.error.is_some()) {
        if let Some(e) = &inspection.error {
            report(&format!(
                "{}: object #{}: {}",
                file.display(),
                inspection.number,
                e.message
            ));
        }
    }
    if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}
