//! `ctkit lint`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use ctkit::lint::{CATALOGUE, Context, Finding, Severity, compare_precert, lint_certificate};
use ctkit::x509::CertificateLayout;
use serde::Serialize;

use crate::verify_cmd::load_log_list;
use crate::{Format, is_certificate, load_blocks, report};

#[derive(Args)]
pub struct LintArgs {
    /// Certificates to check, DER or PEM. In PEM, the certificate after the
    /// first is taken as its issuer unless --issuer is given.
    #[arg(required_unless_present = "list")]
    pub files: Vec<PathBuf>,
    /// The issuer's certificate, to check every SCT signature.
    #[arg(long)]
    pub issuer: Option<PathBuf>,
    /// A log list (JSON) instead of the compiled-in one, for the unknown-log
    /// and signature checks; repeat to combine several lists.
    #[arg(long = "log-list")]
    pub log_lists: Vec<PathBuf>,
    /// The precertificate of the final certificate given as FILE: their
    /// TBSCertificates are compared field by field.
    #[arg(long)]
    pub precert: Option<PathBuf>,
    /// Print the catalogue of checks and exit.
    #[arg(long, conflicts_with_all = ["files", "precert", "issuer"])]
    pub list: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Serialize)]
struct FileFindings {
    file: String,
    findings: Vec<Finding>,
    /// The reason the file could not be checked at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

pub fn run(args: &LintArgs) -> ExitCode {
    if args.list {
        print_catalogue(args.format);
        return ExitCode::SUCCESS;
    }
    let logs = match load_log_list(&args.log_lists) {
        Ok(logs) => logs,
        Err(e) => {
            report(&e);
            return ExitCode::from(2);
        }
    };
    let issuer = match &args.issuer {
        None => None,
        Some(path) => match load_first_certificate(path).and_then(|der| {
            CertificateLayout::parse(&der)
                .map(|l| l.key_hash())
                .map_err(|e| format!("not a usable certificate: {e}"))
        }) {
            Ok(key_hash) => Some(key_hash),
            Err(e) => {
                report(&format!("--issuer {}: {e}", path.display()));
                return ExitCode::from(2);
            }
        },
    };
    let precert = match &args.precert {
        None => None,
        Some(path) => match load_first_certificate(path) {
            Ok(der) => Some(der),
            Err(e) => {
                report(&format!("--precert {}: {e}", path.display()));
                return ExitCode::from(2);
            }
        },
    };

    // The precertificate is checked like any other certificate, as its own
    // entry before the final certificates it is compared with.
    let mut results = Vec::new();
    for path in args.precert.iter().chain(&args.files) {
        let name = path.display().to_string();
        let blocks = match load_blocks(path) {
            Ok(blocks) => blocks,
            Err(e) => {
                results.push(FileFindings {
                    file: name,
                    findings: Vec::new(),
                    error: Some(e),
                });
                continue;
            }
        };
        let certificates: Vec<&[u8]> = blocks
            .iter()
            .filter(|b| is_certificate(b))
            .map(|b| b.der.as_slice())
            .collect();
        let Some(leaf) = certificates.first() else {
            results.push(FileFindings {
                file: name,
                findings: Vec::new(),
                error: Some("no certificate in the input".into()),
            });
            continue;
        };
        let issuer_key_hash = issuer.or_else(|| {
            certificates
                .get(1)
                .and_then(|der| CertificateLayout::parse(der).ok())
                .map(|l| l.key_hash())
        });
        let context = Context {
            logs: Some(&logs),
            issuer_key_hash,
            now_ms: ctkit::verify::system_time_ms(),
        };
        let mut findings = lint_certificate(leaf, &context);
        let is_final = args.precert.as_ref() != Some(path);
        if let (Some(precert), true) = (&precert, is_final) {
            findings.extend(compare_precert(precert, leaf));
        }
        results.push(FileFindings {
            file: name,
            findings,
            error: None,
        });
    }

    print_results(&results, args.format);
    for r in &results {
        if let Some(e) = &r.error {
            report(&format!("{}: {e}", r.file));
        }
    }
    if results.iter().any(|r| r.error.is_some()) {
        ExitCode::from(2)
    } else if results
        .iter()
        .flat_map(|r| &r.findings)
        .any(|f| f.severity == Severity::Error)
    {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn load_first_certificate(path: &std::path::Path) -> Result<Vec<u8>, String> {
    let blocks = load_blocks(path)?;
    blocks
        .into_iter()
        .find(is_certificate)
        .map(|b| b.der)
        .ok_or_else(|| "no certificate in the input".to_owned())
}

fn print_catalogue(format: Format) {
    match format {
        Format::Json => {
            if let Ok(text) =
                serde_json::to_string_pretty(&serde_json::json!({ "checks": CATALOGUE }))
            {
                outln!("{text}");
            }
        }
        Format::Text => {
            for c in CATALOGUE {
                outln!("{:<30} {:<8} {}", c.id, severity_name(c.severity), c.clause);
                outln!("{:<30} {}", "", c.summary);
            }
        }
    }
}

fn print_results(results: &[FileFindings], format: Format) {
    match format {
        Format::Json => {
            if let Ok(text) = serde_json::to_string_pretty(&serde_json::json!({ "files": results }))
            {
                outln!("{text}");
            }
        }
        Format::Text => {
            for r in results {
                outln!("{}", r.file);
                if let Some(e) = &r.error {
                    outln!("  error: {e}");
                    continue;
                }
                if r.findings.is_empty() {
                    outln!("  no findings");
                }
                for f in &r.findings {
                    outln!(
                        "  {} {} at byte {} ({})",
                        severity_name(f.severity),
                        f.id,
                        f.offset,
                        f.path
                    );
                    outln!("    {} [{}]", f.message, f.clause);
                }
            }
        }
    }
}

fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Notice => "notice",
    }
}
