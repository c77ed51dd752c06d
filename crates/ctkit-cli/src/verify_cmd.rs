//! `ctkit verify`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use ctkit::input::Block;
use ctkit::loglist::{LogList, parse_rfc3339_ms};
use ctkit::summary::{Summary, summarize};
use ctkit::verify::{IssuerCandidate, SctResult, SctStatus, Verifier};
use ctkit::x509::CertificateLayout;
use rayon::prelude::*;
use serde::Serialize;

use crate::{Format, is_certificate, is_stdin, load_blocks, report};

#[derive(Args)]
pub struct VerifyArgs {
    /// Certificates to verify, DER or PEM. In PEM, the certificate after
    /// the first is taken as its issuer unless --issuer is given.
    #[arg(required_unless_present = "connect", conflicts_with = "connect")]
    pub files: Vec<PathBuf>,
    /// Connect to a TLS server (HOST:PORT), ask for SCTs and a stapled OCSP
    /// response in a TLS 1.2 handshake, and verify the SCTs of all three
    /// delivery paths for the certificate it presents.
    #[arg(long, conflicts_with_all = ["tls_scts", "ocsp"])]
    pub connect: Option<String>,
    /// The server name to send (SNI) with --connect; default: HOST.
    #[arg(long, requires = "connect")]
    pub servername: Option<String>,
    /// The issuer's certificate (DER or PEM; the first certificate is used).
    #[arg(long)]
    pub issuer: Option<PathBuf>,
    /// A v3 log list (JSON) to use instead of the compiled-in one; repeat to
    /// combine several lists.
    #[arg(long = "log-list")]
    pub log_lists: Vec<PathBuf>,
    /// Judge SCT timestamps against this time (RFC 3339) instead of the
    /// system clock.
    #[arg(long)]
    pub at: Option<String>,
    /// Output format. With JSON, one file gives one pretty-printed object;
    /// several files give one compact object per line.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Worker threads for many files (default: one per core).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// SCTs from a TLS signed_certificate_timestamp extension: its
    /// extension_data, a SignedCertificateTimestampList (with or without
    /// the extension header). They are x509_entry SCTs over the whole
    /// certificate. Takes one certificate file.
    #[arg(long = "tls-scts")]
    pub tls_scts: Option<PathBuf>,
    /// A stapled OCSP response (DER) whose single response carries SCTs in
    /// extension 1.3.6.1.4.1.11129.2.4.5. Takes one certificate file.
    #[arg(long)]
    pub ocsp: Option<PathBuf>,
    /// Also judge the SCTs under a CT policy, at the --at time or now, by
    /// the rules in force when the certificate was issued: the embedded
    /// ones, and those of --tls-scts, --ocsp or --connect apart. Takes one
    /// certificate file.
    #[arg(long, value_enum)]
    pub policy: Option<crate::issue_cmd::PolicyName>,
}

/// The issuer and the certificate it was read from.
#[derive(Debug, Clone, Serialize)]
pub struct IssuerReport {
    pub source: String,
    pub subject: Option<String>,
    /// Hex SHA-256 of its SubjectPublicKeyInfo.
    pub key_hash: String,
    /// Whether its subject Name is byte for byte the certificate's issuer
    /// Name; when not, it is most likely the wrong certificate.
    pub subject_matches_issuer_name: bool,
}

/// The result for one input file.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub file: String,
    pub certificate: Option<Summary>,
    pub issuer: Option<IssuerReport>,
    pub scts: Vec<SctResult>,
    /// SCTs from a TLS extension, verified as x509_entry SCTs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tls_scts: Vec<SctResult>,
    /// SCTs from an OCSP response, verified as x509_entry SCTs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ocsp_scts: Vec<SctResult>,
    /// The CT policy evaluation of the embedded SCTs, with --policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyReport>,
    /// The CT policy evaluation of the SCTs delivered by TLS or OCSP, with
    /// --policy when there are such SCTs. Either evaluation passing makes
    /// the certificate compliant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_tls_ocsp: Option<PolicyReport>,
    /// A remark on the result, such as a missing SCT list, which exits 1
    /// like any other certificate whose SCTs do not all verify.
    pub note: Option<String>,
    /// The reason the file could not be verified at all.
    pub error: Option<String>,
}

/// The verdict of a CT policy on the embedded SCTs.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyReport {
    pub policy: String,
    pub compliant: bool,
    /// The dated rule set that applied.
    pub rule: String,
    pub required: usize,
    pub counted: usize,
    pub operators: Vec<String>,
    pub reasons: Vec<String>,
    /// Milliseconds since the epoch: the time of check.
    pub at: u64,
}

impl FileReport {
    fn failed(file: &str, error: String) -> Self {
        Self {
            file: file.to_owned(),
            certificate: None,
            issuer: None,
            scts: Vec::new(),
            tls_scts: Vec::new(),
            ocsp_scts: Vec::new(),
            policy: None,
            policy_tls_ocsp: None,
            note: None,
            error: Some(error),
        }
    }

    /// Iterates over the SCTs of every delivery path.
    pub fn all_scts(&self) -> impl Iterator<Item = &SctResult> {
        self.scts
            .iter()
            .chain(&self.tls_scts)
            .chain(&self.ocsp_scts)
    }

    /// 0 when every SCT is valid (and the policy, if asked, is met), 1 when
    /// any is not or there are none, 2 when the input could not be used.
    pub fn exit_class(&self) -> u8 {
        if self.error.is_some() {
            2
        } else if self.all_scts().next().is_none()
            || self.all_scts().any(|s| s.status != SctStatus::Valid)
            || self.policy.as_ref().is_some_and(|p| {
                !p.compliant && !self.policy_tls_ocsp.as_ref().is_some_and(|d| d.compliant)
            })
        {
            1
        } else {
            0
        }
    }
}

/// Loads the log lists named on the command line, or the compiled-in one.
pub fn load_log_list(paths: &[PathBuf]) -> Result<LogList, String> {
    if paths.is_empty() {
        return Ok(LogList::bundled());
    }
    let mut list = LogList::default();
    for path in paths {
        let data = std::fs::read(path)
            .map_err(|e| format!("cannot read log list {}: {e}", path.display()))?;
        let more = LogList::from_json(&data).map_err(|e| format!("{}: {e}", path.display()))?;
        list.extend(more);
    }
    Ok(list)
}

/// Verifies the first certificate of `blocks`; `issuer` overrides the
/// second block as the issuer.
pub fn verify_blocks(
    verifier: &Verifier<'_>,
    name: &str,
    blocks: &[Block],
    issuer: Option<(&str, &[Block])>,
    with_summary: bool,
) -> FileReport {
    let Some(leaf) = blocks.first() else {
        return FileReport::failed(name, "no certificate in input".into());
    };
    if !is_certificate(leaf) {
        return FileReport::failed(name, not_a_certificate("the first PEM block", leaf));
    }
    let layout = match CertificateLayout::parse(&leaf.der) {
        Ok(layout) => layout,
        Err(e) => return FileReport::failed(name, format!("certificate: {e}")),
    };

    let (issuer_source, issuer_block) = match issuer {
        Some((source, issuer_blocks)) => match issuer_blocks.first() {
            Some(block) => (source.to_owned(), block),
            None => return FileReport::failed(name, format!("{source}: no certificate")),
        },
        None => match blocks.get(1) {
            Some(block) => (format!("certificate #2 of {name}"), block),
            None => {
                return FileReport::failed(
                    name,
                    "no issuer: the file holds one certificate; pass the issuer with --issuer or append it to the PEM file".into(),
                );
            }
        },
    };
    if !is_certificate(issuer_block) {
        return FileReport::failed(
            name,
            not_a_certificate(&format!("the issuer ({issuer_source})"), issuer_block),
        );
    }
    let issuer_der = &issuer_block.der;
    let issuer_layout = match CertificateLayout::parse(issuer_der) {
        Ok(layout) => layout,
        Err(e) => return FileReport::failed(name, format!("issuer ({issuer_source}): {e}")),
    };
    let issuer_key_hash = issuer_layout.key_hash();

    let mut scts = verifier.verify_embedded(&layout, issuer_key_hash, &[]);
    if scts.iter().any(|s| s.status == SctStatus::InvalidSignature) {
        let candidates = issuer_candidates(name, blocks, issuer);
        scts = verifier.verify_embedded(&layout, issuer_key_hash, &candidates);
    }
    let (certificate, issuer_subject) = if with_summary {
        (
            summarize(&leaf.der).ok(),
            summarize(issuer_der).ok().map(|s| s.subject),
        )
    } else {
        (None, None)
    };
    let note = layout
        .sct_list
        .is_none()
        .then(|| "the certificate has no SCT list extension (1.3.6.1.4.1.11129.2.4.2)".to_owned());
    FileReport {
        file: name.to_owned(),
        certificate,
        issuer: Some(IssuerReport {
            source: issuer_source,
            subject: issuer_subject,
            key_hash: hex::encode(issuer_key_hash),
            subject_matches_issuer_name: issuer_layout.subject.content == layout.issuer.content,
        }),
        scts,
        tls_scts: Vec::new(),
        ocsp_scts: Vec::new(),
        policy: None,
        policy_tls_ocsp: None,
        note,
        error: None,
    }
}

/// Verifies the SCTs of the other delivery paths and judges the policy,
/// for the one certificate of `report`.
fn add_paths_and_policy(
    report: &mut FileReport,
    args: &VerifyArgs,
    verifier: &Verifier<'_>,
    logs: &LogList,
    now_ms: u64,
) -> Result<(), String> {
    if lacks_issuer(report) {
        skip_embedded(
            report,
            "no issuer certificate; pass --issuer or append it to the PEM file",
        );
    }
    let path = args.files.first().ok_or("no certificate file")?;
    let blocks = load_blocks(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let leaf = blocks.first().ok_or("no certificate in input")?;
    let tls = match &args.tls_scts {
        Some(tls) => Some((
            tls.display().to_string(),
            crate::read_input(tls).map_err(|e| format!("{}: {e}", tls.display()))?,
        )),
        None => None,
    };
    let ocsp = match &args.ocsp {
        Some(ocsp) => {
            let data = crate::read_input(ocsp).map_err(|e| format!("{}: {e}", ocsp.display()))?;
            let der = ctkit::input::read_blocks(&data)
                .ok()
                .and_then(|b| b.into_iter().next())
                .map_or(data, |b| b.der);
            Some((ocsp.display().to_string(), der))
        }
        None => None,
    };
    add_paths(
        report,
        &leaf.der,
        tls.as_ref().map(|(n, d)| (n.as_str(), d.as_slice())),
        ocsp.as_ref().map(|(n, d)| (n.as_str(), d.as_slice())),
        args.policy,
        verifier,
        logs,
        now_ms,
    )
}

/// Tests whether verification stopped only for want of an issuer, which
/// the x509_entry SCTs of TLS and OCSP do not need.
fn lacks_issuer(report: &FileReport) -> bool {
    report
        .error
        .as_deref()
        .is_some_and(|e| e.starts_with("no issuer"))
}

/// Goes on without the embedded SCTs, saying why.
fn skip_embedded(report: &mut FileReport, reason: &str) {
    report.error = None;
    report.note = Some(format!("embedded SCTs not verified: {reason}"));
}

/// The maximum size of a server's first flight, certificates included.
const MAX_FLIGHT_BYTES: usize = 1 << 20;

/// Reads a server's TLS 1.2 first flight and verifies its SCTs.
fn verify_connection(
    target: &str,
    args: &VerifyArgs,
    verifier: &Verifier<'_>,
    logs: &LogList,
    now_ms: u64,
) -> FileReport {
    let flight = match fetch_flight(target, args.servername.as_deref()) {
        Ok(flight) => flight,
        Err(e) => return FileReport::failed(target, e),
    };
    let blocks: Vec<Block> = flight
        .certificates
        .iter()
        .map(|der| Block {
            label: None,
            der: der.clone(),
        })
        .collect();
    let issuer = match &args.issuer {
        Some(path) => match load_blocks(path) {
            Ok(blocks) => Some((path.display().to_string(), blocks)),
            Err(e) => {
                return FileReport::failed(target, format!("--issuer {}: {e}", path.display()));
            }
        },
        None => None,
    };
    let mut report = verify_blocks(
        verifier,
        target,
        &blocks,
        issuer.as_ref().map(|(s, b)| (s.as_str(), b.as_slice())),
        true,
    );
    let delivered = flight.sct_list.is_some() || flight.ocsp_response.is_some();
    if lacks_issuer(&report) {
        let reason =
            "the server sent no issuer certificate; pass --issuer to verify the embedded SCTs";
        if delivered {
            skip_embedded(&mut report, reason);
        } else {
            report.error = Some(reason.into());
        }
    }
    if report.error.is_some() {
        return report;
    }
    let Some(leaf) = flight.certificates.first() else {
        return FileReport::failed(target, "the server sent no certificate".into());
    };
    let result = add_paths(
        &mut report,
        leaf,
        flight.sct_list.as_deref().map(|d| ("the TLS extension", d)),
        flight
            .ocsp_response
            .as_deref()
            .map(|d| ("the stapled OCSP response", d)),
        args.policy,
        verifier,
        logs,
        now_ms,
    );
    if let Err(e) = result {
        report.error = Some(e);
    }
    let mut notes = Vec::new();
    if flight.sct_list.is_none() {
        notes.push("the server sent no SCT extension");
    }
    if flight.ocsp_response.is_none() {
        notes.push("the server stapled no OCSP response");
    }
    if !notes.is_empty() {
        let joined = notes.join("; ");
        report.note = Some(match report.note.take() {
            Some(note) => format!("{note}; {joined}"),
            None => joined,
        });
    }
    report
}

/// Sends a ClientHello to `target` and reads until ServerHelloDone.
fn fetch_flight(
    target: &str,
    servername: Option<&str>,
) -> Result<ctkit::tls::ServerFlight, String> {
    use std::io::{Read as _, Write as _};
    use std::net::ToSocketAddrs as _;
    let timeout = std::time::Duration::from_secs(10);
    let address = target
        .to_socket_addrs()
        .map_err(|e| format!("{e}; give HOST:PORT"))?
        .next()
        .ok_or_else(|| "no address for it".to_owned())?;
    let mut stream = std::net::TcpStream::connect_timeout(&address, timeout)
        .map_err(|e| format!("cannot connect to {target}: {e}"))?;
    stream
        .set_read_timeout(Some(timeout))
        .and_then(|()| stream.set_write_timeout(Some(timeout)))
        .map_err(|e| e.to_string())?;
    let host = target.rsplit_once(':').map_or(target, |(host, _)| host);
    let name = servername
        .unwrap_or(host)
        .trim_start_matches('[')
        .trim_end_matches(']');
    if name.is_empty() || name.len() > 253 || !name.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(format!(
            "--servername {name:?} is not a host name (RFC 6066 3)"
        ));
    }
    // The client random needs no secrecy: the handshake is never finished.
    let seed = format!("{:?}{}", std::time::SystemTime::now(), std::process::id());
    let hello = ctkit::tls::client_hello(Some(name), ctkit::x509::sha256(seed.as_bytes()));
    stream
        .write_all(&hello)
        .map_err(|e| format!("cannot send the ClientHello: {e}"))?;
    let mut received = Vec::new();
    let mut buffer = [0u8; 16384];
    let deadline = std::time::Instant::now() + 3 * timeout;
    loop {
        if std::time::Instant::now() > deadline {
            return Err(format!(
                "the server's first flight took longer than {} s",
                3 * timeout.as_secs()
            ));
        }
        let n = stream.read(&mut buffer).map_err(|e| match e.kind() {
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => format!(
                "the server sent nothing for {} s while the handshake was incomplete",
                timeout.as_secs()
            ),
            _ => format!("reading the handshake: {e}"),
        })?;
        if n == 0 {
            return Err("the server closed the connection before ServerHelloDone".into());
        }
        received.extend_from_slice(buffer.get(..n).unwrap_or_default());
        if received.len() > MAX_FLIGHT_BYTES {
            return Err("the server's first flight is over 1 MiB".into());
        }
        match ctkit::tls::read_server_flight(&received) {
            Ok(Some(flight)) => return Ok(flight),
            Ok(None) => {}
            Err(e) => return Err(e.to_string()),
        }
    }
}

/// Verifies the SCTs of a TLS extension and of an OCSP response (each
/// named for messages) as x509_entry SCTs of `leaf`, and judges the policy
/// on the embedded SCTs.
#[allow(clippy::too_many_arguments, reason = "one call per delivery source")]
fn add_paths(
    report: &mut FileReport,
    leaf: &[u8],
    tls: Option<(&str, &[u8])>,
    ocsp: Option<(&str, &[u8])>,
    policy: Option<crate::issue_cmd::PolicyName>,
    verifier: &Verifier<'_>,
    logs: &LogList,
    now_ms: u64,
) -> Result<(), String> {
    let layout = CertificateLayout::parse(leaf).map_err(|e| format!("certificate: {e}"))?;
    if let Some((name, data)) = tls {
        let list =
            ctkit::sct::SctList::from_tls_extension(data).map_err(|e| format!("{name}: {e}"))?;
        report.tls_scts = verifier.verify_x509_entry(leaf, &list.scts);
    }
    if let Some((name, der)) = ocsp {
        let found = ctkit::ocsp::scts_in_response(der).map_err(|e| format!("{name}: {e}"))?;
        let serial = layout.serial.content;
        match found.iter().find(|f| f.serial == serial) {
            Some(single) => {
                report.ocsp_scts = verifier.verify_x509_entry(leaf, &single.list.scts);
            }
            None => {
                let note = format!(
                    "{name} has no SCTs for serial {}, so it is not this certificate's response",
                    hex::encode(serial)
                );
                report.note = Some(match report.note.take() {
                    Some(earlier) => format!("{earlier}; {note}"),
                    None => note,
                });
            }
        }
    }
    if let Some(policy) = policy {
        let (Some(not_before), Some(not_after)) = (layout.not_before_ms(), layout.not_after_ms())
        else {
            return Err("the certificate's validity cannot be read".into());
        };
        let candidates = |scts: &[&SctResult]| -> Vec<ctkit::policy::SctCandidate> {
            scts.iter()
                .filter(|s| s.status == SctStatus::Valid)
                .filter_map(|s| {
                    let id = ctkit::api::decode_hash("log_id", s.log_id.as_deref()?).ok()?;
                    Some(ctkit::policy::SctCandidate {
                        log_id: ctkit::sct::LogId(id),
                        timestamp_ms: s.timestamp?,
                    })
                })
                .collect()
        };
        let judge = |scts: &[ctkit::policy::SctCandidate], not_after: u64| {
            let evaluation =
                ctkit::policy::evaluate(policy.policy(), not_before, not_after, scts, logs, now_ms);
            PolicyReport {
                policy: policy.policy().to_string(),
                compliant: evaluation.compliant,
                rule: evaluation.rule.to_owned(),
                required: evaluation.required,
                counted: evaluation.counted,
                operators: evaluation.operators,
                reasons: evaluation.reasons,
                at: now_ms,
            }
        };
        let embedded: Vec<&SctResult> = report.scts.iter().collect();
        report.policy = Some(judge(&candidates(&embedded), not_after));
        let delivered: Vec<&SctResult> = report.tls_scts.iter().chain(&report.ocsp_scts).collect();
        if !delivered.is_empty() {
            // SCTs delivered by TLS or OCSP need two, whatever the
            // certificate's lifetime: the count a short lifetime gets, with
            // the same operator, state and RFC 6962 rules.
            // NOTE: both policies state this for TLS and OCSP delivery; the
            // dated rule set is still chosen by the issuance time.
            // Unlike embedded SCTs, these count only from logs Qualified,
            // Usable or ReadOnly at the time of check: a Retired log's SCTs
            // no longer serve in a handshake or a staple.
            let mut excluded = Vec::new();
            let accepted: Vec<ctkit::policy::SctCandidate> = candidates(&delivered)
                .into_iter()
                .filter(|c| {
                    let Some(log) = logs.find(&c.log_id) else {
                        return true;
                    };
                    let state = log.state.as_ref();
                    let over = state.is_some_and(|state| {
                        matches!(state.name.as_str(), "retired" | "rejected" | "pending")
                            && state.timestamp_ms.is_none_or(|t| t <= now_ms)
                    });
                    if over {
                        excluded.push(format!(
                            "the SCT from {} does not count: the log is {} at the time of check, \
                             and SCTs delivered by TLS or OCSP count only from Qualified, Usable \
                             or ReadOnly logs",
                            log.description,
                            state.map_or("", |s| s.name.as_str())
                        ));
                    }
                    !over
                })
                .collect();
            let mut judged = judge(&accepted, not_before.saturating_add(86_400_000));
            judged.rule = format!("{} (SCTs delivered by TLS or OCSP)", judged.rule);
            let (required, counted) = (judged.required, judged.counted);
            for reason in &mut judged.reasons {
                if reason.starts_with("a lifetime of") {
                    *reason = format!(
                        "SCTs delivered by TLS or OCSP need {required} from distinct logs, \
                         whatever the certificate's lifetime, but {counted} count"
                    );
                }
            }
            judged.reasons.extend(excluded);
            report.policy_tls_ocsp = Some(judged);
        }
    }
    Ok(())
}

fn not_a_certificate(what: &str, block: &Block) -> String {
    format!(
        "{what} is labelled {:?}, not CERTIFICATE",
        block.label.as_deref().unwrap_or_default()
    )
}

/// Collects every certificate of the input but the first as candidate
/// issuers, for the diagnostics of a signature that does not verify.
fn issuer_candidates(
    name: &str,
    blocks: &[Block],
    issuer: Option<(&str, &[Block])>,
) -> Vec<IssuerCandidate> {
    let mut candidates = Vec::new();
    let all = blocks
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, b)| (format!("certificate #{} of {name}", i + 1), b))
        .chain(issuer.into_iter().flat_map(|(source, bs)| {
            bs.iter()
                .enumerate()
                .map(move |(i, b)| (format!("certificate #{} of {source}", i + 1), b))
        }));
    for (label, block) in all {
        if let Ok(candidate) = CertificateLayout::parse(&block.der) {
            candidates.push(IssuerCandidate {
                label,
                key_hash: candidate.key_hash(),
            });
        }
    }
    candidates
}

pub fn run(args: &VerifyArgs) -> ExitCode {
    let logs = match load_log_list(&args.log_lists) {
        Ok(logs) => logs,
        Err(e) => {
            report(&e);
            return ExitCode::from(2);
        }
    };
    if (args.tls_scts.is_some() || args.ocsp.is_some() || args.policy.is_some())
        && args.connect.is_none()
        && args.files.len() != 1
    {
        report("--tls-scts, --ocsp and --policy take one certificate file");
        return ExitCode::from(2);
    }
    let now_ms = match &args.at {
        None => ctkit::verify::system_time_ms(),
        Some(at) => parse_rfc3339_ms(at).unwrap_or_default(),
    };
    let verifier = match &args.at {
        None => Verifier::with_system_clock(&logs),
        Some(at) => match parse_rfc3339_ms(at) {
            Some(ms) => Verifier::new(&logs, ms),
            None => {
                report(&format!(
                    "--at {at:?}: not an RFC 3339 time such as 2024-01-31T12:00:00Z"
                ));
                return ExitCode::from(2);
            }
        },
    };
    let stdin_uses = args
        .files
        .iter()
        .chain(&args.issuer)
        .filter(|p| is_stdin(p))
        .count();
    if stdin_uses > 1 {
        report("standard input (-) can be read only once: give the other certificates as files");
        return ExitCode::from(2);
    }
    let issuer = match &args.issuer {
        None => None,
        Some(path) => match load_blocks(path) {
            Ok(blocks) => Some((path.display().to_string(), blocks)),
            Err(e) => {
                report(&format!("--issuer {}: {e}", path.display()));
                return ExitCode::from(2);
            }
        },
    };

    let verify_one = |path: &PathBuf| -> FileReport {
        let name = path.display().to_string();
        match load_blocks(path) {
            Ok(blocks) => verify_blocks(
                &verifier,
                &name,
                &blocks,
                issuer.as_ref().map(|(s, b)| (s.as_str(), b.as_slice())),
                true,
            ),
            Err(e) => FileReport::failed(&name, e),
        }
    };
    let reports: Vec<FileReport> = match args.jobs {
        Some(1) => args.files.iter().map(verify_one).collect(),
        jobs => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(jobs.unwrap_or(0))
                .build();
            match pool {
                Ok(pool) => pool.install(|| args.files.par_iter().map(verify_one).collect()),
                Err(_) => args.files.iter().map(verify_one).collect(),
            }
        }
    };

    let mut reports = reports;
    if let Some(target) = &args.connect {
        reports = vec![verify_connection(target, args, &verifier, &logs, now_ms)];
    } else if let Some(first) = reports.first_mut()
        && (first.error.is_none()
            || (lacks_issuer(first) && (args.tls_scts.is_some() || args.ocsp.is_some())))
        && let Err(e) = add_paths_and_policy(first, args, &verifier, &logs, now_ms)
    {
        first.error = Some(e);
    }
    print_reports(&reports, args.format);
    for r in &reports {
        if let Some(e) = &r.error {
            report(&format!("{}: {e}", r.file));
        }
    }
    let worst = reports
        .iter()
        .map(FileReport::exit_class)
        .max()
        .unwrap_or(2);
    ExitCode::from(worst)
}

fn print_reports(reports: &[FileReport], format: Format) {
    match format {
        Format::Json if reports.len() == 1 => {
            if let Some(text) = reports
                .first()
                .and_then(|r| serde_json::to_string_pretty(r).ok())
            {
                outln!("{text}");
            }
        }
        Format::Json => {
            for r in reports {
                if let Ok(text) = serde_json::to_string(r) {
                    outln!("{text}");
                }
            }
        }
        Format::Text => {
            for (i, r) in reports.iter().enumerate() {
                if i > 0 {
                    outln!();
                }
                out!("{}", crate::verify_text::render(r));
            }
        }
    }
}
