//! The text output of `ctkit verify`.

use std::fmt::Write as _;

use ctkit::verify::{Diagnostics, LogInfo, SctResult, SctStatus};

use crate::verify_cmd::FileReport;

/// Renders one file's result: the certificate, the issuer, then each SCT.
pub fn render(r: &FileReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", r.file);
    if let Some(e) = &r.error {
        let _ = writeln!(out, "  error: {e}");
        return out;
    }
    if let Some(c) = &r.certificate
        && !c.subject.is_empty()
    {
        let _ = writeln!(out, "  certificate: {}", c.subject);
        let _ = writeln!(
            out,
            "    issuer {}; serial {}; valid {} to {}",
            c.issuer, c.serial, c.not_before, c.not_after
        );
    }
    if let Some(i) = &r.issuer {
        let _ = writeln!(
            out,
            "  issuer key: {} (from {}), SHA-256 of its SubjectPublicKeyInfo {}",
            i.subject.as_deref().unwrap_or("unparsed certificate"),
            i.source,
            i.key_hash
        );
        if !i.subject_matches_issuer_name {
            let _ = writeln!(
                out,
                "  warning: the issuer certificate's subject is not the certificate's issuer name, so it is probably not the certificate that issued it"
            );
        }
    }
    if let Some(note) = &r.note {
        let _ = writeln!(out, "  {note}");
    }
    if r.scts.is_empty() {
        let _ = writeln!(out, "  no SCTs to verify");
    }
    for s in &r.scts {
        render_sct(&mut out, s);
    }
    for (title, scts) in [
        ("SCTs from the TLS extension (x509_entry)", &r.tls_scts),
        ("SCTs from the OCSP response (x509_entry)", &r.ocsp_scts),
    ] {
        if !scts.is_empty() {
            let _ = writeln!(out, "  {title}:");
            for s in scts {
                render_sct(&mut out, s);
            }
        }
    }
    let total = r.all_scts().count();
    let valid = r
        .all_scts()
        .filter(|s| s.status == SctStatus::Valid)
        .count();
    if total > 0 {
        let _ = writeln!(out, "  result: {valid} of {total} SCTs valid");
    }
    for p in r.policy.iter().chain(&r.policy_tls_ocsp) {
        let verdict = if p.compliant {
            "compliant"
        } else {
            "NOT compliant"
        };
        let _ = writeln!(
            out,
            "  policy: {verdict} with the {} policy ({}): {} of {} required SCTs count, operators: {}",
            p.policy,
            p.rule,
            p.counted,
            p.required,
            if p.operators.is_empty() {
                "none".to_owned()
            } else {
                p.operators.join(", ")
            }
        );
        for reason in &p.reasons {
            let _ = writeln!(out, "    {reason}");
        }
    }
    out
}

fn render_sct(out: &mut String, s: &SctResult) {
    let log = s.log_name.as_deref().unwrap_or("unknown log");
    let operator = s
        .operator
        .as_deref()
        .map(|o| format!(", operated by {o}"))
        .unwrap_or_default();
    let _ = writeln!(out, "  SCT #{}: {}", s.index + 1, s.status.as_str());
    let _ = writeln!(out, "    log: {log}{operator}");
    if let Some(id) = &s.log_id {
        let _ = writeln!(out, "    log ID: {id}");
    }
    if let (Some(ts), Some(time)) = (s.timestamp, &s.time) {
        let _ = writeln!(out, "    timestamp: {time} ({ts} ms)");
    }
    if let (Some(h), Some(a)) = (&s.hash_algorithm, &s.signature_algorithm) {
        let _ = writeln!(out, "    algorithms: hash {h}, signature {a}");
    }
    if let Some(index) = s.leaf_index {
        let _ = writeln!(out, "    leaf index (static-ct-api extension): {index}");
    }
    if let Some(info) = &s.log {
        let _ = writeln!(out, "    log state: {}", describe_log_state(info));
    }
    if let Some(detail) = &s.detail {
        let _ = writeln!(out, "    detail: {detail}");
    }
    if let Some(d) = &s.diagnostics {
        render_diagnostics(out, d);
    }
}

fn describe_log_state(info: &LogInfo) -> String {
    let mut state = match (&info.state, &info.state_since) {
        (Some(state), Some(since)) => format!("{state} since {since}"),
        _ => "no state in the list".to_owned(),
    };
    if let Some(before) = info.issued_before_state {
        state.push_str(if before {
            "; SCT issued before that"
        } else {
            "; SCT issued after that"
        });
    }
    if let Some(inside) = info.in_temporal_interval {
        state.push_str(if inside {
            "; SCT time inside the log's temporal interval"
        } else {
            "; SCT time outside the log's temporal interval"
        });
    }
    if let Some(inside) = info.not_after_in_temporal_interval {
        state.push_str(if inside {
            "; certificate notAfter inside it"
        } else {
            "; certificate notAfter outside it"
        });
    }
    state
}

fn render_diagnostics(out: &mut String, d: &Diagnostics) {
    let _ = writeln!(
        out,
        "    signed data: {} with issuer key hash {}",
        d.entry_type, d.issuer_key_hash
    );
    let _ = writeln!(
        out,
        "    rebuilt TBSCertificate: {} bytes, SHA-256 {}",
        d.tbs_length, d.tbs_sha256
    );
    if d.would_verify_with.is_empty() {
        let _ = writeln!(out, "    no other certificate in the input makes it verify");
    }
    for alt in &d.would_verify_with {
        let _ = writeln!(out, "    would verify with {alt}");
    }
}
