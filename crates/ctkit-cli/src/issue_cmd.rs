//! `ctkit issue`, `ctkit precert` and `ctkit embed`: a precertificate, its
//! SCTs from several logs, and the final certificate with the SCTs
//! embedded (RFC 6962 3.1 to 3.3).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, ValueEnum};
use ctkit::build::{CaKey, Issuer, LastExtension, Request, Template, request_from_csr};
use ctkit::chain::check_signed_by;
use ctkit::loglist::LogList;
use ctkit::sct::{SctList, SerializedSct};
use ctkit::x509::CertificateLayout;
use ctkit_log::issuance::{CollectSettings, LogTarget, PrecertEntry, check_sct, collect_scts};

use crate::{is_certificate, load_blocks, read_input, report};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PolicyName {
    Chrome,
    Apple,
}

impl PolicyName {
    pub fn policy(self) -> ctkit::policy::Policy {
        match self {
            PolicyName::Chrome => ctkit::policy::Policy::Chrome,
            PolicyName::Apple => ctkit::policy::Policy::Apple,
        }
    }
}

/// The CA side, shared by `issue` and `precert`.
#[derive(Args)]
pub struct CaArgs {
    /// PEM file: the CA certificate, then the rest of its chain up to a
    /// root that the logs accept.
    #[arg(long)]
    pub ca: PathBuf,
    /// The CA's private key, PEM: PKCS#8, SEC1 or PKCS#1; ECDSA P-256,
    /// P-384 or RSA.
    #[arg(long)]
    pub ca_key: PathBuf,
    /// A Precertificate Signing Certificate (RFC 6962 3.1) issued by the
    /// CA, to sign the precertificate instead of the CA.
    #[arg(long, requires = "precert_signer_key")]
    pub precert_signer: Option<PathBuf>,
    /// The Precertificate Signing Certificate's private key.
    #[arg(long, requires = "precert_signer")]
    pub precert_signer_key: Option<PathBuf>,
    /// A PKCS#10 CSR giving the subject, key and DNS names.
    #[arg(long, conflicts_with = "profile", required_unless_present = "profile")]
    pub csr: Option<PathBuf>,
    /// A JSON profile giving the subject, key file, names, validity, key
    /// usage, extended key usage, AIA and policies.
    #[arg(long)]
    pub profile: Option<PathBuf>,
    /// Validity in days, overriding the CSR default of 90 or the profile.
    #[arg(long)]
    pub days: Option<u32>,
    /// The directory to write into; created when missing.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct IssueArgs {
    #[command(flatten)]
    pub ca: CaArgs,
    /// A v3 log list naming the logs to submit to, with their URLs, keys
    /// and operators; repeat to combine several lists.
    #[arg(long = "log-list", required = true)]
    pub log_lists: Vec<PathBuf>,
    /// The CT policy the embedded SCTs must meet.
    #[arg(long, value_enum, default_value = "chrome")]
    pub policy: PolicyName,
    /// Seconds to wait for one log request.
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
    /// Requests per log, retries included, for failures that may pass.
    #[arg(long, default_value_t = 3)]
    pub attempts: u32,
}

#[derive(Args)]
pub struct EmbedArgs {
    /// PEM file: the precertificate, then its chain as submitted to the
    /// logs (a Precertificate Signing Certificate, if one signed it, then
    /// the CA).
    #[arg(long)]
    pub precert: PathBuf,
    /// An SCT for the precertificate: the JSON a log's add-pre-chain
    /// returned, or a TLS-encoded SCT; repeat for each.
    #[arg(long = "sct", required = true)]
    pub scts: Vec<PathBuf>,
    /// A v3 log list with the keys that verify the SCTs; repeat to
    /// combine several lists.
    #[arg(long = "log-list", required = true)]
    pub log_lists: Vec<PathBuf>,
    /// The CT policy the SCTs must meet.
    #[arg(long, value_enum, default_value = "chrome")]
    pub policy: PolicyName,
    /// PEM file: the CA certificate, then the rest of its chain.
    #[arg(long)]
    pub ca: PathBuf,
    /// The CA's private key; without it, only the final TBSCertificate is
    /// written, for a CA that signs elsewhere.
    #[arg(long)]
    pub ca_key: Option<PathBuf>,
    /// The directory to write into; created when missing.
    #[arg(long)]
    pub out: PathBuf,
}

/// A failure with its exit status: 1 a check failed, 2 unusable input.
struct Failure {
    message: String,
    code: u8,
}

fn input(message: impl Into<String>) -> Failure {
    Failure {
        message: message.into(),
        code: 2,
    }
}

fn check(message: impl Into<String>) -> Failure {
    Failure {
        message: message.into(),
        code: 1,
    }
}

fn finish(result: Result<(), Failure>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            report(&failure.message);
            ExitCode::from(failure.code)
        }
    }
}

fn certificates(path: &Path) -> Result<Vec<Vec<u8>>, Failure> {
    let blocks = load_blocks(path).map_err(|e| input(format!("{}: {e}", path.display())))?;
    let certs: Vec<Vec<u8>> = blocks
        .into_iter()
        .filter(is_certificate)
        .map(|b| b.der)
        .collect();
    if certs.is_empty() {
        return Err(input(format!("{}: no certificate", path.display())));
    }
    Ok(certs)
}

fn parse<'a>(der: &'a [u8], what: &str) -> Result<CertificateLayout<'a>, Failure> {
    CertificateLayout::parse_lenient(der).map_err(|e| input(format!("{what}: {e}")))
}

fn key(path: &Path) -> Result<CaKey, Failure> {
    let data = read_input(path).map_err(|e| input(format!("{}: {e}", path.display())))?;
    CaKey::from_pem(&data).map_err(|e| input(format!("{}: {e}", path.display())))
}

fn load_log_lists(paths: &[PathBuf]) -> Result<LogList, Failure> {
    let mut list = LogList::default();
    for path in paths {
        let data = read_input(path).map_err(|e| input(format!("{}: {e}", path.display())))?;
        list.extend(
            LogList::from_json(&data).map_err(|e| input(format!("{}: {e}", path.display())))?,
        );
    }
    Ok(list)
}

/// Chooses SCTs under the policy, or explains why none comply.
fn choose(
    policy: PolicyName,
    not_before_ms: u64,
    not_after_ms: u64,
    candidates: &[ctkit::policy::SctCandidate],
    list: &LogList,
) -> Result<Vec<usize>, Failure> {
    let now = ctkit_log::server::now_ms();
    if let Some(chosen) = ctkit::policy::select(
        policy.policy(),
        not_before_ms,
        not_after_ms,
        candidates,
        list,
        now,
    ) {
        return Ok(chosen);
    }
    let evaluation = ctkit::policy::evaluate(
        policy.policy(),
        not_before_ms,
        not_after_ms,
        candidates,
        list,
        now,
    );
    Err(check(format!(
        "the SCTs do not meet the {} policy ({}): {}",
        policy.policy(),
        evaluation.rule,
        evaluation.reasons.join("; ")
    )))
}

/// Writes a new file in `dir`, creating the directory. An existing file is
/// never replaced: a CA keeps every certificate it issued.
fn write(dir: &Path, name: &str, contents: &[u8]) -> Result<PathBuf, Failure> {
    use std::io::Write as _;
    std::fs::create_dir_all(dir).map_err(|e| input(format!("{}: {e}", dir.display())))?;
    let path = dir.join(name);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                input(format!(
                    "{} exists; choose another --out, since issued certificates are never overwritten",
                    path.display()
                ))
            } else {
                input(format!("{}: {e}", path.display()))
            }
        })?;
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .map_err(|e| input(format!("{}: {e}", path.display())))?;
    Ok(path)
}

/// Fails unless `dir` can take the files of an issuance: none of them
/// exists yet, and the directory can be created.
fn check_out_dir(dir: &Path) -> Result<(), Failure> {
    std::fs::create_dir_all(dir).map_err(|e| input(format!("--out {}: {e}", dir.display())))?;
    for name in ["precert.pem", "cert.pem", "final-tbs.der"] {
        if dir.join(name).exists() {
            return Err(input(format!(
                "{} exists; choose another --out, since issued certificates are never overwritten",
                dir.join(name).display()
            )));
        }
    }
    Ok(())
}

fn pem_chain(certs: &[&[u8]]) -> String {
    certs
        .iter()
        .map(|c| ctkit_log::config::pem("CERTIFICATE", c))
        .collect()
}

/// A precertificate, signed, with the chain to submit.
struct Precert {
    /// precertificate, [Precertificate Signing Certificate], CA chain.
    chain: Vec<Vec<u8>>,
    ca_chain: Vec<Vec<u8>>,
    ca_key: CaKey,
    not_before_ms: u64,
    not_after_ms: u64,
}

fn build_precert(args: &CaArgs) -> Result<Precert, Failure> {
    let ca_chain = certificates(&args.ca)?;
    let ca_der = ca_chain.first().cloned().unwrap_or_default();
    let ca = parse(&ca_der, "the CA certificate")?;
    let ca_key = key(&args.ca_key)?;
    if ca_key.spki() != ca.spki_der() {
        return Err(input(format!(
            "{} is not the key of the certificate in {}",
            args.ca_key.display(),
            args.ca.display()
        )));
    }

    let mut request: Request = match (&args.csr, &args.profile) {
        (Some(csr), _) => {
            let data = read_input(csr).map_err(|e| input(format!("{}: {e}", csr.display())))?;
            request_from_csr(&data).map_err(|e| input(format!("{}: {e}", csr.display())))?
        }
        (None, Some(profile)) => {
            let text =
                read_input(profile).map_err(|e| input(format!("{}: {e}", profile.display())))?;
            let parsed: ctkit::build::Profile = serde_json::from_slice(&text)
                .map_err(|e| input(format!("{}: {e}", profile.display())))?;
            let key_path = profile
                .parent()
                .unwrap_or(Path::new("."))
                .join(&parsed.public_key);
            let key_data =
                read_input(&key_path).map_err(|e| input(format!("{}: {e}", key_path.display())))?;
            parsed
                .to_request(&key_data)
                .map_err(|e| input(format!("{}: {e}", profile.display())))?
        }
        (None, None) => return Err(input("pass --csr or --profile")),
    };
    if let Some(days) = args.days {
        request.validity_days = days;
    }
    let now = i64::try_from(ctkit_log::server::now_ms() / 1000).unwrap_or(i64::MAX);
    let template = Template::new(request, now).map_err(|e| input(e.to_string()))?;

    // The precertificate's issuer: the CA, or a Precertificate Signing
    // Certificate that the CA issued, whose key uses the same algorithm so
    // that the TBSCertificate's signature field fits the final certificate.
    let (issuer, signer_der, signer_key) = match (&args.precert_signer, &args.precert_signer_key) {
        (Some(cert), Some(key_path)) => {
            let signer_der = certificates(cert)?.remove(0);
            let signer = parse(&signer_der, "the Precertificate Signing Certificate")?;
            if !signer.has_precert_signing_purpose() {
                return Err(input(format!(
                    "{}: its extKeyUsage lacks id-kp-precertificateSigning (1.3.6.1.4.1.11129.2.4.4)",
                    cert.display()
                )));
            }
            if !signer.is_ca() {
                return Err(input(format!(
                    "{}: a Precertificate Signing Certificate is a CA certificate (RFC 6962 3.1), \
                     but its basicConstraints lacks cA TRUE",
                    cert.display()
                )));
            }
            check_signed_by(&signer, &ca)
                .map_err(|e| input(format!("{}: not issued by the CA: {e}", cert.display())))?;
            let signer_key = key(key_path)?;
            if signer_key.spki() != signer.spki_der() {
                return Err(input(format!(
                    "{} is not the key of {}",
                    key_path.display(),
                    cert.display()
                )));
            }
            if signer_key.algorithm_identifier() != ca_key.algorithm_identifier() {
                return Err(input(
                    "the Precertificate Signing Certificate's key must sign with the CA's algorithm, \
                     since the final certificate keeps the precertificate's signature field",
                ));
            }
            (
                Issuer::from_certificate(&signer),
                Some(signer_der),
                Some(signer_key),
            )
        }
        _ => (Issuer::from_certificate(&ca), None, None),
    };
    let signing_key = signer_key.as_ref().unwrap_or(&ca_key);
    let tbs = template
        .tbs(
            &issuer,
            &signing_key.algorithm_identifier(),
            LastExtension::Poison,
        )
        .map_err(|e| input(e.to_string()))?;
    let precert =
        ctkit::build::sign_certificate(&tbs, signing_key).map_err(|e| input(e.to_string()))?;

    let mut chain = vec![precert];
    chain.extend(signer_der);
    chain.extend(ca_chain.iter().cloned());
    let to_ms = |s: i64| u64::try_from(s).unwrap_or(0).saturating_mul(1000);
    Ok(Precert {
        chain,
        ca_chain,
        ca_key,
        not_before_ms: to_ms(template.not_before),
        not_after_ms: to_ms(template.not_after),
    })
}

/// Computes the log entry of the precertificate as a log does.
fn precert_entry(chain: &[Vec<u8>]) -> Result<PrecertEntry, Failure> {
    let precert = parse(
        chain.first().map_or(&[][..], Vec::as_slice),
        "the precertificate",
    )?;
    let rest: Vec<&[u8]> = chain.iter().skip(1).map(Vec::as_slice).collect();
    let (issuer_key_hash, tbs_certificate) = ctkit::submission::precert_entry(&precert, &rest)
        .map_err(|e| input(format!("the precertificate's chain: {e}")))?;
    Ok(PrecertEntry {
        issuer_key_hash,
        tbs_certificate,
    })
}

pub fn precert(args: &CaArgs) -> ExitCode {
    finish((|| {
        check_out_dir(&args.out)?;
        let built = build_precert(args)?;
        let refs: Vec<&[u8]> = built.chain.iter().map(Vec::as_slice).collect();
        let path = write(&args.out, "precert.pem", pem_chain(&refs).as_bytes())?;
        outln!("precertificate  {}", path.display());
        Ok(())
    })())
}

/// Builds, checks, signs and writes the final certificate.
fn embed_scts(
    chain: &[Vec<u8>],
    scts: &[ctkit::sct::Sct],
    ca_chain: &[Vec<u8>],
    ca_key: Option<&CaKey>,
    out: &Path,
) -> Result<(), Failure> {
    let precert = parse(
        chain.first().map_or(&[][..], Vec::as_slice),
        "the precertificate",
    )?;
    let issuer = parse(
        chain.get(1).map_or(&[][..], Vec::as_slice),
        "the precertificate's issuer",
    )?;
    let preissuer = issuer.has_precert_signing_purpose().then_some(&issuer);
    let list = SctList {
        scts: scts.iter().cloned().map(SerializedSct::V1).collect(),
    }
    .to_tls()
    .map_err(|e| input(e.to_string()))?;
    let final_tbs = precert.final_tbs(preissuer, &list);

    // Check the final TBS as a verifier will read it: without its SCT list
    // it must be the entry every SCT signed.
    let entry = precert_entry(chain)?;
    let unsigned = ctkit::build::assemble(&final_tbs, &[0x30, 0x00], &[]);
    let final_layout = CertificateLayout::parse(&unsigned)
        .map_err(|e| check(format!("the final TBSCertificate does not parse: {e}")))?;
    if final_layout.precert_tbs() != entry.tbs_certificate {
        return Err(check(
            "the final TBSCertificate without its SCT list differs from the precertificate's entry",
        ));
    }

    let ca = parse(
        ca_chain.first().map_or(&[][..], Vec::as_slice),
        "the CA certificate",
    )?;
    let Some(ca_key) = ca_key else {
        let path = write(out, "final-tbs.der", &final_tbs)?;
        outln!(
            "final TBSCertificate  {} (sign it and append the signature)",
            path.display()
        );
        return Ok(());
    };
    let certificate =
        ctkit::build::sign_certificate(&final_tbs, ca_key).map_err(|e| input(e.to_string()))?;
    let signed = parse(&certificate, "the final certificate")?;
    check_signed_by(&signed, &ca)
        .map_err(|e| check(format!("the final certificate's signature: {e}")))?;
    let findings =
        ctkit::lint::compare_precert(chain.first().map_or(&[][..], Vec::as_slice), &certificate);
    if let Some(error) = findings
        .iter()
        .find(|f| f.severity == ctkit::lint::Severity::Error)
    {
        return Err(check(format!(
            "the final certificate does not correspond to its precertificate: {}: {}",
            error.id, error.message
        )));
    }

    let mut refs: Vec<&[u8]> = vec![&certificate];
    refs.extend(ca_chain.iter().map(Vec::as_slice));
    let cert_path = write(out, "cert.pem", pem_chain(&refs).as_bytes())?;
    outln!("certificate     {}", cert_path.display());
    Ok(())
}

pub fn issue(args: &IssueArgs) -> ExitCode {
    finish(run_issue(args))
}

fn run_issue(args: &IssueArgs) -> Result<(), Failure> {
    let list = load_log_lists(&args.log_lists)?;
    check_out_dir(&args.ca.out)?;
    let built = build_precert(&args.ca)?;
    let entry = precert_entry(&built.chain)?;
    let (targets, skipped) = LogTarget::from_log_list(&list, built.not_after_ms);
    for reason in &skipped {
        report(&format!("not submitting to {reason}"));
    }
    if targets.is_empty() {
        return Err(check(
            "no log in the log lists can take this precertificate",
        ));
    }
    // A logged precertificate counts as an issued certificate, so
    // everything that can fail without the logs is checked first: could
    // an SCT from every log meet the policy at all?
    let hoped: Vec<ctkit::policy::SctCandidate> = targets
        .iter()
        .map(|t| ctkit::policy::SctCandidate {
            log_id: t.log_id,
            timestamp_ms: ctkit_log::server::now_ms(),
        })
        .collect();
    choose(
        args.policy,
        built.not_before_ms,
        built.not_after_ms,
        &hoped,
        &list,
    )
    .map_err(|f| {
        check(format!(
            "not submitting: even an SCT from every log could not comply: {}",
            f.message
        ))
    })?;
    // Written before any log receives it, so that a failed issuance still
    // leaves the precertificate it logged.
    let refs: Vec<&[u8]> = built.chain.iter().map(Vec::as_slice).collect();
    let saved = write(&args.ca.out, "precert.pem", pem_chain(&refs).as_bytes())?;
    outln!("precertificate  {}", saved.display());
    let targets = Arc::new(targets);
    let settings = CollectSettings {
        timeout: Duration::from_secs(args.timeout.max(1)),
        attempts: args.attempts.max(1),
        backoff: Duration::from_millis(250),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| input(format!("cannot start the runtime: {e}")))?;
    let collected = runtime.block_on(collect_scts(
        Arc::clone(&targets),
        Arc::new(built.chain.clone()),
        Arc::new(entry.clone()),
        settings,
    ));

    let mut good = Vec::new();
    for item in &collected {
        let Some(target) = targets.get(item.target) else {
            continue;
        };
        match &item.result {
            Ok(sct) => {
                outln!(
                    "SCT from {} ({}), {} ms",
                    target.description,
                    target.operator,
                    item.elapsed.as_millis()
                );
                good.push((target, sct.clone()));
            }
            Err(reason) => report(&format!(
                "{} ({}): {reason} (after {} attempt(s))",
                target.description, target.operator, item.attempts
            )),
        }
    }
    // Re-check before use: nothing unverified is ever embedded.
    good.retain(|(target, sct)| check_sct(target, &entry, sct).is_ok());

    let candidates: Vec<ctkit::policy::SctCandidate> = good
        .iter()
        .map(|(_, sct)| ctkit::policy::SctCandidate {
            log_id: sct.log_id,
            timestamp_ms: sct.timestamp,
        })
        .collect();
    let chosen = choose(
        args.policy,
        built.not_before_ms,
        built.not_after_ms,
        &candidates,
        &list,
    )?;
    let scts: Vec<ctkit::sct::Sct> = chosen
        .iter()
        .filter_map(|&i| good.get(i).map(|(_, sct)| sct.clone()))
        .collect();
    embed_scts(
        &built.chain,
        &scts,
        &built.ca_chain,
        Some(&built.ca_key),
        &args.ca.out,
    )?;
    outln!("embedded        {} SCTs", scts.len());
    Ok(())
}

pub fn embed(args: &EmbedArgs) -> ExitCode {
    finish(run_embed(args))
}

fn run_embed(args: &EmbedArgs) -> Result<(), Failure> {
    let list = load_log_lists(&args.log_lists)?;
    check_out_dir(&args.out)?;
    let chain = certificates(&args.precert)?;
    let ca_chain = certificates(&args.ca)?;
    let ca_key = args.ca_key.as_deref().map(key).transpose()?;
    if let (Some(ca_key), Some(ca_der)) = (&ca_key, ca_chain.first())
        && ca_key.spki() != parse(ca_der, "the CA certificate")?.spki_der()
    {
        return Err(input("--ca-key is not the key of the --ca certificate"));
    }
    let entry = precert_entry(&chain)?;
    let not_after = parse(
        chain.first().map_or(&[][..], Vec::as_slice),
        "the precertificate",
    )?
    .not_after_ms()
    .unwrap_or_default();
    let (targets, _) = LogTarget::from_log_list(&list, not_after);
    let mut scts = Vec::new();
    for path in &args.scts {
        let data = read_input(path).map_err(|e| input(format!("{}: {e}", path.display())))?;
        let sct = match serde_json::from_slice::<ctkit::api::AddChainResponse>(&data) {
            Ok(response) => response
                .to_sct()
                .map_err(|e| input(format!("{}: {e}", path.display())))?,
            Err(_) => ctkit::sct::Sct::from_bytes(&data).map_err(|e| {
                input(format!(
                    "{}: neither add-chain JSON nor a TLS SCT: {e}",
                    path.display()
                ))
            })?,
        };
        let target = targets
            .iter()
            .find(|t| t.log_id == sct.log_id)
            .ok_or_else(|| {
                check(format!(
                    "{}: log {} is not in the log list",
                    path.display(),
                    sct.log_id.to_base64()
                ))
            })?;
        check_sct(target, &entry, &sct).map_err(|e| {
            check(format!(
                "{}: {e}; is it an SCT for this precertificate?",
                path.display()
            ))
        })?;
        if scts
            .iter()
            .any(|s: &ctkit::sct::Sct| s.log_id == sct.log_id)
        {
            return Err(input(format!(
                "{}: a second SCT from {}; embed one SCT per log",
                path.display(),
                target.description
            )));
        }
        scts.push(sct);
    }
    let precert_layout = parse(
        chain.first().map_or(&[][..], Vec::as_slice),
        "the precertificate",
    )?;
    let (Some(not_before), Some(not_after)) = (
        precert_layout.not_before_ms(),
        precert_layout.not_after_ms(),
    ) else {
        return Err(input("the precertificate's validity cannot be read"));
    };
    let candidates: Vec<ctkit::policy::SctCandidate> = scts
        .iter()
        .map(|s| ctkit::policy::SctCandidate {
            log_id: s.log_id,
            timestamp_ms: s.timestamp,
        })
        .collect();
    let chosen = choose(args.policy, not_before, not_after, &candidates, &list)?;
    let chosen: Vec<ctkit::sct::Sct> = chosen
        .iter()
        .filter_map(|&i| scts.get(i).cloned())
        .collect();
    // The CA named by --ca must be the one that issued the precertificate
    // (or its Precertificate Signing Certificate): checked before signing.
    let ca_der = ca_chain.first().map_or(&[][..], Vec::as_slice);
    let ca = parse(ca_der, "the CA certificate")?;
    let issuer = parse(
        chain.get(1).map_or(&[][..], Vec::as_slice),
        "the precertificate's issuer",
    )?;
    let final_issuer_name = if issuer.has_precert_signing_purpose() {
        issuer.issuer.content
    } else {
        precert_layout.issuer.content
    };
    if final_issuer_name != ca.subject.content {
        return Err(input(format!(
            "{} is not the CA that issued the precertificate",
            args.ca.display()
        )));
    }
    embed_scts(&chain, &chosen, &ca_chain, ca_key.as_ref(), &args.out)
}
