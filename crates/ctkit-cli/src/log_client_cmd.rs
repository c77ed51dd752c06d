//! `ctkit log get-sth`, `ctkit log get-entries` and `ctkit log prove`: the
//! client side of the RFC 6962 API.
//!
//! Exit status 0 means success. Status 1 means a check failed: an STH
//! signature or inclusion proof that does not verify, a leaf the log does
//! not contain, or a response field or log entry that is not valid.
//! Status 2 means unusable input, or a log that cannot be reached or does
//! not return an RFC 6962 JSON response (an HTTP error status, a body that
//! is not JSON).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use clap::Args;
use ctkit::entry::{ExtraData, MerkleTreeLeaf};
use ctkit::loglist::{LogKey, LogList, SignatureError};
use ctkit::merkle::{Hash, leaf_hash, verify_inclusion};
use ctkit::sct::{LogId, SerializedSct, SignedEntry, format_timestamp};
use ctkit::sth::SignedTreeHead;
use ctkit::x509::{CertificateLayout, sha256};
use ctkit_log::api::AddChainResponse;
use ctkit_log::client::{ClientError, LogClient, RawEntry};
use serde::Serialize;
use x509_parser::prelude::{FromDer as _, TbsCertificate, X509Certificate};

use crate::{Format, is_certificate, load_blocks, report};

#[derive(Args)]
pub struct GetSthArgs {
    /// The log's base URL, such as http://127.0.0.1:6962/.
    pub url: String,
    #[command(flatten)]
    pub key: KeyArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// The sources of the log's public key.
#[derive(Args)]
pub struct KeyArgs {
    /// The log's public key, a PEM (PUBLIC KEY) or DER
    /// SubjectPublicKeyInfo, to verify the STH signature. Without it, the
    /// key of the log whose url is URL in the log lists is used.
    #[arg(long)]
    pub key: Option<PathBuf>,
    /// A v3 log list (JSON) to search for the log's URL in addition to the
    /// compiled-in list. Repeat to add several lists.
    #[arg(long = "log-list")]
    pub log_lists: Vec<PathBuf>,
}

#[derive(Args)]
pub struct GetEntriesArgs {
    /// The log's base URL.
    pub url: String,
    /// First leaf index.
    pub start: u64,
    /// Last leaf index, inclusive.
    pub end: u64,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Args)]
pub struct ProveArgs {
    /// The log's base URL.
    pub url: String,
    /// A certificate or precertificate, DER or PEM. In PEM, the
    /// certificates after the first are its issuer chain unless --issuer
    /// is given.
    pub cert: PathBuf,
    /// The issuer's certificate (DER or PEM). When the issuer is a
    /// Precertificate Signing Certificate, the next certificate in the file
    /// must be the CA that issues the final certificate.
    #[arg(long)]
    pub issuer: Option<PathBuf>,
    /// The log's SCT for the certificate, as the JSON body add-chain or
    /// add-pre-chain returns. It gives the timestamp and extensions of the
    /// leaf.
    #[arg(long, conflicts_with = "timestamp")]
    pub sct: Option<PathBuf>,
    /// The SCT timestamp of the leaf, in milliseconds since the epoch.
    /// Without it or --sct, each SCT embedded in CERT is tried.
    #[arg(long)]
    pub timestamp: Option<u64>,
    #[command(flatten)]
    pub key: KeyArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

// ---------------------------------------------------------------------------
// Shared pieces.

/// A failure that ends a command: the message for standard error and the
/// exit status.
struct Failure {
    message: String,
    code: u8,
}

impl Failure {
    fn input(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: 2,
        }
    }

    fn check(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: 1,
        }
    }

    fn client(error: &ClientError) -> Self {
        Failure {
            message: error.to_string(),
            code: client_exit_code(error),
        }
    }
}

/// Maps a client error to an exit status. A response that is JSON but has
/// an invalid field is a failed check of the log (1). Every other error
/// means the log could not be queried (2).
fn client_exit_code(error: &ClientError) -> u8 {
    match error {
        ClientError::Malformed { .. } => 1,
        _ => 2,
    }
}

fn build_client(url: &str) -> Result<LogClient, Failure> {
    LogClient::new(url).map_err(|e| Failure::input(e.to_string()))
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::input(format!("cannot start the async runtime: {e}")))
}

fn print_json<T: Serialize>(doc: &T) {
    match serde_json::to_string_pretty(doc) {
        Ok(text) => outln!("{text}"),
        Err(e) => report(&format!("cannot encode JSON: {e}")),
    }
}

/// Reports a failure that left nothing to print, also as a JSON document
/// with `--format json` so that a consumer always gets one.
fn fail(url: &str, format: Format, failure: &Failure) -> ExitCode {
    if format == Format::Json {
        print_json(&serde_json::json!({ "url": url, "error": failure.message }));
    }
    report(&failure.message);
    ExitCode::from(failure.code)
}

/// A log key and where it came from.
struct KnownKey {
    key: LogKey,
    log_id: LogId,
    /// "KEY.pem (--key)" or "Google 'Argon2025h2' log (log list)".
    source: String,
}

/// Finds the key for the STH signature: `--key`, else the log in the log
/// lists whose url is the client's base URL, else the log whose ID is one
/// of `log_ids` (from the SCTs of the certificate being proved).
/// `Ok(Err(reason))` means no key is known, which the caller reports.
fn resolve_key(
    args: &KeyArgs,
    client: &LogClient,
    log_ids: &[LogId],
) -> Result<Result<KnownKey, String>, Failure> {
    if let Some(path) = &args.key {
        return read_key(path).map(Ok);
    }
    let mut list = LogList::bundled();
    for path in &args.log_lists {
        let data = std::fs::read(path)
            .map_err(|e| Failure::input(format!("cannot read log list {}: {e}", path.display())))?;
        let more = LogList::from_json(&data)
            .map_err(|e| Failure::input(format!("{}: {e}", path.display())))?;
        list.extend(more);
    }
    let by_url = list.logs().iter().find(|log| {
        log.url
            .as_deref()
            .is_some_and(|url| client.is_base_url(url))
    });
    let by_id = || list.logs().iter().find(|log| log_ids.contains(&log.log_id));
    let Some(log) = by_url.or_else(by_id) else {
        let lists = match args.log_lists.len() {
            0 => "the compiled-in log list".to_owned(),
            n => format!("the compiled-in log list and {n} --log-list file(s)"),
        };
        return Ok(Err(format!(
            "no log in {lists} has the URL {}; pass --key with the log's public key, \
             or a --log-list whose log has this URL",
            client.base_url()
        )));
    };
    match LogKey::from_spki(&log.key_der) {
        Ok(key) => Ok(Ok(KnownKey {
            key,
            log_id: log.log_id,
            source: format!("{} (log list)", log.description),
        })),
        Err(e) => Ok(Err(format!(
            "the key of {} in the log list cannot be used: {e}",
            log.description
        ))),
    }
}

fn read_key(path: &Path) -> Result<KnownKey, Failure> {
    let at = |e: String| Failure::input(format!("{}: {e}", path.display()));
    let blocks = load_blocks(path).map_err(at)?;
    let Some(block) = blocks.first() else {
        return Err(at("no public key in the file".into()));
    };
    if let Some(label) = block.label.as_deref().filter(|l| *l != "PUBLIC KEY") {
        return Err(at(format!(
            "the PEM block is labelled {label:?}, not PUBLIC KEY"
        )));
    }
    let key = LogKey::from_spki(&block.der).map_err(|e| at(format!("invalid public key: {e}")))?;
    Ok(KnownKey {
        key,
        log_id: LogId(sha256(&block.der)),
        source: format!("{} (--key)", path.display()),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum SignatureStatus {
    Valid,
    Invalid,
    /// No key was known.
    NotChecked,
}

/// The outcome of checking an STH signature.
#[derive(Debug, Clone, Serialize)]
struct SignatureReport {
    status: SignatureStatus,
    hash_algorithm: String,
    signature_algorithm: String,
    /// The key used, when one was known.
    key: Option<String>,
    /// The log ID (SHA-256 of the key), when a key was known.
    log_id: Option<String>,
    /// The reason the signature is not valid or was not checked.
    detail: Option<String>,
}

fn check_signature(sth: &SignedTreeHead, key: &Result<KnownKey, String>) -> SignatureReport {
    let mut result = SignatureReport {
        status: SignatureStatus::NotChecked,
        hash_algorithm: sth.signature.hash.to_string(),
        signature_algorithm: sth.signature.signature_algorithm.to_string(),
        key: None,
        log_id: None,
        detail: None,
    };
    let known = match key {
        Ok(known) => known,
        Err(reason) => {
            result.detail = Some(reason.clone());
            return result;
        }
    };
    result.key = Some(known.source.clone());
    result.log_id = Some(known.log_id.to_base64());
    match sth.verify(&known.key) {
        Ok(()) => result.status = SignatureStatus::Valid,
        Err(SignatureError::Invalid) => {
            result.status = SignatureStatus::Invalid;
            result.detail = Some("the signature does not verify with the key".into());
        }
        Err(SignatureError::UnsupportedAlgorithm(reason)) => {
            result.status = SignatureStatus::Invalid;
            result.detail = Some(reason);
        }
    }
    result
}

fn describe_signature(signature: &SignatureReport) -> String {
    let algorithms = format!(
        "{}, {}",
        signature.signature_algorithm, signature.hash_algorithm
    );
    let key = signature.key.as_deref().unwrap_or_default();
    let detail = signature.detail.as_deref().unwrap_or_default();
    match signature.status {
        SignatureStatus::Valid => format!("valid ({algorithms}; key of {key})"),
        SignatureStatus::Invalid => format!("INVALID: {detail} ({algorithms}; key of {key})"),
        SignatureStatus::NotChecked => format!("not checked: {detail}"),
    }
}

/// The signed fields of an STH, for output.
#[derive(Debug, Clone, Serialize)]
struct SthReport {
    tree_size: u64,
    /// Milliseconds since the epoch.
    timestamp: u64,
    timestamp_utc: String,
    /// Base64, as the API carries it.
    sha256_root_hash: String,
    root_hash_hex: String,
    signature: SignatureReport,
}

impl SthReport {
    fn new(sth: &SignedTreeHead, signature: SignatureReport) -> Self {
        SthReport {
            tree_size: sth.head.tree_size,
            timestamp: sth.head.timestamp,
            timestamp_utc: format_timestamp(sth.head.timestamp),
            sha256_root_hash: BASE64.encode(sth.head.root_hash),
            root_hash_hex: hex::encode(sth.head.root_hash),
            signature,
        }
    }
}

/// Fetches the STH and checks its signature when a key is known.
async fn fetch_sth(
    client: &LogClient,
    key: &Result<KnownKey, String>,
) -> Result<(SignedTreeHead, SthReport), Failure> {
    let sth = client.get_sth().await.map_err(|e| Failure::client(&e))?;
    let report = SthReport::new(&sth, check_signature(&sth, key));
    Ok((sth, report))
}

// ---------------------------------------------------------------------------
// get-sth

#[derive(Serialize)]
struct GetSthReport {
    url: String,
    #[serde(flatten)]
    sth: SthReport,
}

pub fn get_sth(args: &GetSthArgs) -> ExitCode {
    run_get_sth(args).unwrap_or_else(|failure| fail(&args.url, args.format, &failure))
}

fn run_get_sth(args: &GetSthArgs) -> Result<ExitCode, Failure> {
    let client = build_client(&args.url)?;
    let key = resolve_key(&args.key, &client, &[])?;
    let (_, sth) = runtime()?.block_on(fetch_sth(&client, &key))?;
    let doc = GetSthReport {
        url: client.base_url().to_string(),
        sth,
    };
    match args.format {
        Format::Json => print_json(&doc),
        Format::Text => {
            outln!("log:        {}", doc.url);
            print_sth_text(&doc.sth);
        }
    }
    let detail = doc.sth.signature.detail.as_deref().unwrap_or_default();
    match doc.sth.signature.status {
        SignatureStatus::Valid => Ok(ExitCode::SUCCESS),
        SignatureStatus::Invalid => {
            report(&format!(
                "{}: the STH signature is not valid: {detail}",
                doc.url
            ));
            Ok(ExitCode::from(1))
        }
        // An unchecked tree head could come from anyone.
        SignatureStatus::NotChecked => {
            report(&format!(
                "{}: the STH signature was not checked: {detail}",
                doc.url
            ));
            Ok(ExitCode::from(1))
        }
    }
}

fn print_sth_text(sth: &SthReport) {
    outln!("tree size:  {}", sth.tree_size);
    outln!("timestamp:  {} ms = {}", sth.timestamp, sth.timestamp_utc);
    outln!("root hash:  {} (base64)", sth.sha256_root_hash);
    outln!("            {} (hex)", sth.root_hash_hex);
    outln!("signature:  {}", describe_signature(&sth.signature));
}

// ---------------------------------------------------------------------------
// get-entries

/// One decoded log entry. Fields stay empty when the bytes they come from
/// do not decode, and `errors` then gives the reason.
#[derive(Debug, Clone, Serialize)]
struct EntryReport {
    index: u64,
    /// Base64 Merkle leaf hash of `leaf_input`.
    leaf_hash: String,
    /// `x509_entry` or `precert_entry`.
    entry_type: Option<&'static str>,
    timestamp: Option<u64>,
    timestamp_utc: Option<String>,
    subject: Option<String>,
    /// The reason the subject could not be read. It does not fail the
    /// command, since logs contain certificates that x509-parser rejects.
    subject_error: Option<String>,
    /// Hex SHA-256 of the issuer's key, for a precert_entry.
    issuer_key_hash: Option<String>,
    /// The certificates in extra_data after the entry's own certificate.
    chain_length: Option<usize>,
    /// Decode errors in leaf_input or extra_data, with layer, field and
    /// byte offset.
    errors: Vec<String>,
}

fn decode_entry(index: u64, entry: &RawEntry) -> EntryReport {
    let mut report = EntryReport {
        index,
        leaf_hash: BASE64.encode(leaf_hash(&entry.leaf_input)),
        entry_type: None,
        timestamp: None,
        timestamp_utc: None,
        subject: None,
        subject_error: None,
        issuer_key_hash: None,
        chain_length: None,
        errors: Vec::new(),
    };
    let leaf = match MerkleTreeLeaf::decode(&entry.leaf_input) {
        Ok(leaf) => leaf,
        Err(e) => {
            report.errors.push(format!("leaf_input: {e}"));
            return report;
        }
    };
    report.timestamp = Some(leaf.timestamp);
    report.timestamp_utc = Some(format_timestamp(leaf.timestamp));
    let subject = match leaf.entry {
        SignedEntry::X509 { certificate } => {
            report.entry_type = Some("x509_entry");
            X509Certificate::from_der(certificate)
                .map(|(_, cert)| cert.tbs_certificate.subject.to_string())
        }
        SignedEntry::Precert {
            issuer_key_hash,
            tbs_certificate,
        } => {
            report.entry_type = Some("precert_entry");
            report.issuer_key_hash = Some(hex::encode(issuer_key_hash));
            TbsCertificate::from_der(tbs_certificate).map(|(_, tbs)| tbs.subject.to_string())
        }
    };
    match subject {
        Ok(subject) => report.subject = Some(subject),
        Err(e) => report.subject_error = Some(e.to_string()),
    }
    let precert = matches!(leaf.entry, SignedEntry::Precert { .. });
    match ExtraData::decode(precert, &entry.extra_data) {
        Ok(extra) => report.chain_length = Some(extra.chain().len()),
        Err(e) => report.errors.push(format!("extra_data: {e}")),
    }
    report
}

fn print_entry_text(entry: &EntryReport) {
    outln!("entry {}", entry.index);
    if let Some(entry_type) = entry.entry_type {
        outln!("  type:            {entry_type}");
    }
    if let (Some(ms), Some(utc)) = (entry.timestamp, &entry.timestamp_utc) {
        outln!("  timestamp:       {ms} ms = {utc}");
    }
    match (&entry.subject, &entry.subject_error) {
        (Some(subject), _) => outln!("  subject:         {subject}"),
        (None, Some(error)) => outln!("  subject:         unreadable ({error})"),
        (None, None) => {}
    }
    if let Some(hash) = &entry.issuer_key_hash {
        outln!("  issuer key hash: {hash}");
    }
    if let Some(length) = entry.chain_length {
        let noun = if length == 1 {
            "certificate"
        } else {
            "certificates"
        };
        outln!("  chain:           {length} {noun} in extra_data");
    }
    outln!("  leaf hash:       {}", entry.leaf_hash);
    for error in &entry.errors {
        outln!("  error:           {error}");
    }
}

#[derive(Serialize)]
struct GetEntriesReport {
    url: String,
    start: u64,
    end: u64,
    entries: Vec<EntryReport>,
    /// The error that stopped fetching before `end`.
    error: Option<String>,
}

pub fn get_entries(args: &GetEntriesArgs) -> ExitCode {
    run_get_entries(args).unwrap_or_else(|failure| fail(&args.url, args.format, &failure))
}

fn run_get_entries(args: &GetEntriesArgs) -> Result<ExitCode, Failure> {
    if args.start > args.end {
        return Err(Failure::input(format!(
            "START {} is after END {}; both are inclusive leaf indices",
            args.start, args.end
        )));
    }
    let client = build_client(&args.url)?;
    let runtime = runtime()?;
    // A log answers a range that starts past its tree with an error, and
    // one that ends past it with fewer entries, so the range is fitted to
    // the current tree first. Without a tree head the range is fetched as
    // given.
    let mut end = args.end;
    match runtime.block_on(client.get_sth()) {
        Ok(sth) => {
            let size = sth.head.tree_size;
            if args.start >= size {
                return Err(Failure::input(format!(
                    "START {} is not below the tree size {size}",
                    args.start
                )));
            }
            end = end.min(size - 1);
            if end < args.end {
                report(&format!(
                    "the tree has {size} entries; fetching up to entry {end}"
                ));
            }
        }
        Err(e) => report(&format!("{e}; fetching the range as given")),
    }
    let mut doc = GetEntriesReport {
        url: client.base_url().to_string(),
        start: args.start,
        end,
        entries: Vec::new(),
        error: None,
    };
    let mut fetch_failure = None;
    let mut malformed = 0usize;
    runtime.block_on(async {
        let mut pages = client.entry_pages(args.start, end);
        let mut index = args.start;
        loop {
            let Some(page) = pages.next_page().await else {
                break;
            };
            let page = match page {
                Ok(page) => page,
                Err(e) => {
                    fetch_failure = Some(Failure::client(&e));
                    break;
                }
            };
            for entry in &page {
                let decoded = decode_entry(index, entry);
                if !decoded.errors.is_empty() {
                    malformed += 1;
                }
                if args.format == Format::Text {
                    if index > args.start {
                        outln!();
                    }
                    print_entry_text(&decoded);
                }
                doc.entries.push(decoded);
                index = index.saturating_add(1);
            }
        }
    });

    doc.error = fetch_failure.as_ref().map(|f| f.message.clone());
    if args.format == Format::Json {
        print_json(&doc);
    }
    if malformed > 0 {
        report(&format!(
            "{}: {malformed} of {} entries do not decode",
            doc.url,
            doc.entries.len()
        ));
    }
    if let Some(failure) = fetch_failure {
        report(&format!(
            "{} (entries fetched: {})",
            failure.message,
            doc.entries.len()
        ));
        return Ok(ExitCode::from(failure.code.max(u8::from(malformed > 0))));
    }
    Ok(if malformed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

// ---------------------------------------------------------------------------
// prove

/// A leaf the certificate may have in the log.
#[derive(Debug, Clone)]
struct Candidate {
    entry_type: &'static str,
    /// The origin of the timestamp, such as `--timestamp`.
    source: String,
    timestamp: u64,
    log_id: Option<LogId>,
    hash: Hash,
}

/// The SCT timestamp and extensions of a leaf, which its hash covers.
struct Stamp {
    timestamp: u64,
    extensions: Vec<u8>,
    source: String,
    log_id: Option<LogId>,
}

fn leaf_candidate(
    entry: SignedEntry<'_>,
    stamp: &Stamp,
    entry_type: &'static str,
) -> Result<Candidate, Failure> {
    let leaf = MerkleTreeLeaf {
        timestamp: stamp.timestamp,
        entry,
        extensions: &stamp.extensions,
    };
    let hash = leaf
        .hash()
        .map_err(|e| Failure::input(format!("cannot encode the {entry_type} leaf: {e}")))?;
    Ok(Candidate {
        entry_type,
        source: stamp.source.clone(),
        timestamp: stamp.timestamp,
        log_id: stamp.log_id,
        hash,
    })
}

fn read_sct_stamp(path: &Path) -> Result<Stamp, Failure> {
    let at = |e: String| Failure::input(format!("{}: {e}", path.display()));
    let data = std::fs::read(path).map_err(|e| at(format!("cannot read the file: {e}")))?;
    let response: AddChainResponse = serde_json::from_slice(&data)
        .map_err(|e| at(format!("not an add-chain response (RFC 6962 4.1): {e}")))?;
    let sct = response.to_sct().map_err(|e| at(e.to_string()))?;
    Ok(Stamp {
        timestamp: sct.timestamp,
        extensions: sct.extensions,
        source: format!("SCT in {}", path.display()),
        log_id: Some(sct.log_id),
    })
}

/// Builds the TBSCertificate and issuer key hash of a precertificate's log
/// entry. With a Precertificate Signing Certificate as issuer, the entry
/// names the CA after it (RFC 6962 3.1).
fn precert_parts(
    layout: &CertificateLayout<'_>,
    chain: &[(String, Vec<u8>)],
) -> Result<(Vec<u8>, [u8; 32]), Failure> {
    let Some((issuer_name, issuer_der)) = chain.first() else {
        return Err(Failure::input(
            "a precertificate's log entry contains its issuer's key hash: pass --issuer or append the issuer to CERT",
        ));
    };
    let issuer = CertificateLayout::parse(issuer_der)
        .map_err(|e| Failure::input(format!("issuer ({issuer_name}): {e}")))?;
    if !issuer.has_precert_signing_purpose() {
        return Ok((layout.precert_tbs(), issuer.key_hash()));
    }
    let Some((final_name, final_der)) = chain.get(1) else {
        return Err(Failure::input(format!(
            "the issuer ({issuer_name}) is a Precertificate Signing Certificate, so the log entry names the CA that signed it; append that CA after the issuer"
        )));
    };
    let final_issuer = CertificateLayout::parse(final_der)
        .map_err(|e| Failure::input(format!("final issuer ({final_name}): {e}")))?;
    Ok((
        layout.precert_tbs_with_preissuer(&issuer),
        final_issuer.key_hash(),
    ))
}

/// Lists the leaves to look for, most likely first.
fn build_candidates(args: &ProveArgs, known_log: Option<LogId>) -> Result<Vec<Candidate>, Failure> {
    let cert_name = args.cert.display().to_string();
    let blocks =
        load_blocks(&args.cert).map_err(|e| Failure::input(format!("{cert_name}: {e}")))?;
    let mut chain: Vec<(String, Vec<u8>)> = Vec::new();
    let rest = match &args.issuer {
        Some(path) => {
            let issuer_blocks = load_blocks(path)
                .map_err(|e| Failure::input(format!("{}: {e}", path.display())))?;
            issuer_blocks
                .into_iter()
                .enumerate()
                .map(|(i, b)| (format!("certificate #{} of {}", i + 1, path.display()), b))
                .collect::<Vec<_>>()
        }
        None => blocks
            .iter()
            .enumerate()
            .skip(1)
            .map(|(i, b)| (format!("certificate #{} of {cert_name}", i + 1), b.clone()))
            .collect(),
    };
    for (name, block) in rest {
        if !is_certificate(&block) {
            return Err(Failure::input(format!(
                "{name} is labelled {:?}, not CERTIFICATE",
                block.label.as_deref().unwrap_or_default()
            )));
        }
        chain.push((name, block.der));
    }
    let Some(leaf) = blocks.first().filter(|b| is_certificate(b)) else {
        return Err(Failure::input(format!(
            "{cert_name}: the first block is not a certificate"
        )));
    };
    let layout = CertificateLayout::parse(&leaf.der)
        .map_err(|e| Failure::input(format!("{cert_name}: {e}")))?;

    let explicit_stamp = match (&args.sct, args.timestamp) {
        (Some(path), _) => {
            let stamp = read_sct_stamp(path)?;
            if let (Some(expected), Some(actual)) = (known_log, stamp.log_id)
                && expected != actual
            {
                report(&format!(
                    "warning: the SCT in {} is from log ID {actual}, but the key is of log ID {expected}",
                    path.display()
                ));
            }
            Some(stamp)
        }
        (None, Some(timestamp)) => Some(Stamp {
            timestamp,
            extensions: Vec::new(),
            source: "--timestamp".into(),
            log_id: None,
        }),
        (None, None) => None,
    };

    if layout.is_precertificate() {
        let Some(stamp) = explicit_stamp else {
            return Err(Failure::input(format!(
                "{cert_name} is a precertificate and holds no SCT; pass --timestamp MS or --sct FILE, because the leaf hash covers the SCT timestamp"
            )));
        };
        let (tbs, issuer_key_hash) = precert_parts(&layout, &chain)?;
        let entry = SignedEntry::Precert {
            issuer_key_hash,
            tbs_certificate: &tbs,
        };
        return Ok(vec![leaf_candidate(entry, &stamp, "precert_entry")?]);
    }

    let issuer_key_hash = match chain.first() {
        Some((name, der)) => Some(
            CertificateLayout::parse(der)
                .map_err(|e| Failure::input(format!("issuer ({name}): {e}")))?
                .key_hash(),
        ),
        None => None,
    };
    // A final certificate's precert entry has the certificate's TBS without
    // the SCT list, whether or not a Precertificate Signing Certificate
    // signed the precertificate (RFC 6962 3.1).
    let tbs = layout.precert_tbs();

    if let Some(stamp) = explicit_stamp {
        let mut candidates = vec![leaf_candidate(
            SignedEntry::X509 {
                certificate: &leaf.der,
            },
            &stamp,
            "x509_entry",
        )?];
        if let (Some(issuer_key_hash), true) = (issuer_key_hash, layout.sct_list.is_some()) {
            let entry = SignedEntry::Precert {
                issuer_key_hash,
                tbs_certificate: &tbs,
            };
            candidates.push(leaf_candidate(entry, &stamp, "precert_entry")?);
        }
        return Ok(candidates);
    }

    let scts: Vec<_> = layout
        .sct_list
        .iter()
        .flat_map(|list| list.scts.iter())
        .enumerate()
        .filter_map(|(i, sct)| match sct {
            SerializedSct::V1(sct) => Some((i, sct)),
            SerializedSct::Unknown { .. } => None,
        })
        .collect();
    if scts.is_empty() {
        return Err(Failure::input(format!(
            "{cert_name} has no embedded v1 SCT; pass --timestamp MS or --sct FILE, because the leaf hash covers the SCT timestamp"
        )));
    }
    let Some(issuer_key_hash) = issuer_key_hash else {
        return Err(Failure::input(format!(
            "{cert_name} has embedded SCTs, whose precert entries contain the issuer's key hash: pass --issuer or append the issuer to CERT"
        )));
    };
    let entry = SignedEntry::Precert {
        issuer_key_hash,
        tbs_certificate: &tbs,
    };
    let mut candidates = Vec::new();
    for (i, sct) in scts {
        let stamp = Stamp {
            timestamp: sct.timestamp,
            extensions: sct.extensions.clone(),
            source: format!("embedded SCT #{} (log ID {})", i + 1, sct.log_id),
            log_id: Some(sct.log_id),
        };
        candidates.push(leaf_candidate(entry, &stamp, "precert_entry")?);
    }
    // The SCTs of the log being asked are the ones it can contain.
    candidates.sort_by_key(|c| known_log.is_some_and(|id| c.log_id != Some(id)));
    Ok(candidates)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum AttemptResult {
    Found,
    NotFound,
    /// The request failed, which ended the search.
    Error,
}

#[derive(Debug, Clone, Serialize)]
struct Attempt {
    entry_type: &'static str,
    source: String,
    timestamp: u64,
    timestamp_utc: String,
    /// Base64 Merkle leaf hash.
    leaf_hash: String,
    result: AttemptResult,
    /// The log's message when it does not contain the leaf.
    message: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Inclusion {
    Verified,
    /// The log returned a proof that does not verify.
    Failed,
    /// The log contains none of the leaves tried.
    NotFound,
    /// The search ended before a proof, for example on an invalid STH.
    NotChecked,
}

#[derive(Serialize)]
struct ProveReport {
    url: String,
    certificate: String,
    sth: Option<SthReport>,
    attempts: Vec<Attempt>,
    leaf_index: Option<u64>,
    inclusion: Inclusion,
    /// The reason the proof failed or was not checked.
    error: Option<String>,
}

pub fn prove(args: &ProveArgs) -> ExitCode {
    run_prove(args).unwrap_or_else(|failure| fail(&args.url, args.format, &failure))
}

fn run_prove(args: &ProveArgs) -> Result<ExitCode, Failure> {
    let client = build_client(&args.url)?;
    let mut key = resolve_key(&args.key, &client, &[])?;
    let known_log = key.as_ref().ok().map(|k| k.log_id);
    let candidates = build_candidates(args, known_log)?;
    if key.is_err() {
        let log_ids: Vec<LogId> = candidates.iter().filter_map(|c| c.log_id).collect();
        if let Ok(found) = resolve_key(&args.key, &client, &log_ids)? {
            key = Ok(found);
        }
    }
    let mut doc = ProveReport {
        url: client.base_url().to_string(),
        certificate: args.cert.display().to_string(),
        sth: None,
        attempts: Vec::new(),
        leaf_index: None,
        inclusion: Inclusion::NotChecked,
        error: None,
    };
    let outcome = runtime()?.block_on(search(&client, &key, &candidates, &mut doc));
    if let Err(failure) = &outcome {
        doc.error = Some(failure.message.clone());
    }
    match args.format {
        Format::Json => print_json(&doc),
        Format::Text => print_prove_text(&doc),
    }
    match outcome {
        Ok(()) => {
            // A proof against an unchecked tree head proves nothing about
            // the log the URL names.
            if let Some(sth) = doc.sth.as_ref()
                && sth.signature.status == SignatureStatus::NotChecked
            {
                report(&format!(
                    "{}: the inclusion proof verifies, but the STH signature was not checked: {}",
                    doc.url,
                    sth.signature.detail.as_deref().unwrap_or_default()
                ));
                return Ok(ExitCode::from(1));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(failure) => {
            report(&failure.message);
            Ok(ExitCode::from(failure.code))
        }
    }
}

/// Fetches a fresh STH, looks each candidate up, and verifies the audit
/// path of the first one the log contains. Progress goes into `doc`, so
/// that a failure still prints what was learned.
async fn search(
    client: &LogClient,
    key: &Result<KnownKey, String>,
    candidates: &[Candidate],
    doc: &mut ProveReport,
) -> Result<(), Failure> {
    let (sth, sth_report) = fetch_sth(client, key).await?;
    let signature_status = sth_report.signature.status;
    let signature_detail = sth_report.signature.detail.clone();
    doc.sth = Some(sth_report);
    if signature_status == SignatureStatus::Invalid {
        return Err(Failure::check(format!(
            "{}: the STH signature is not valid: {}",
            doc.url,
            signature_detail.unwrap_or_default()
        )));
    }
    let size = sth.head.tree_size;
    for candidate in candidates {
        let mut attempt = Attempt {
            entry_type: candidate.entry_type,
            source: candidate.source.clone(),
            timestamp: candidate.timestamp,
            timestamp_utc: format_timestamp(candidate.timestamp),
            leaf_hash: BASE64.encode(candidate.hash),
            result: AttemptResult::NotFound,
            message: None,
        };
        if size == 0 {
            attempt.message = Some("the tree is empty".into());
            doc.attempts.push(attempt);
            continue;
        }
        let proof = match client.get_proof_by_hash(&candidate.hash, size).await {
            Ok(proof) => proof,
            Err(e) if e.status().is_some_and(|s| means_not_found(s.as_u16())) => {
                attempt.message = Some(e.to_string());
                doc.attempts.push(attempt);
                continue;
            }
            Err(e) => {
                attempt.result = AttemptResult::Error;
                attempt.message = Some(e.to_string());
                doc.attempts.push(attempt);
                return Err(Failure::client(&e));
            }
        };
        attempt.result = AttemptResult::Found;
        doc.attempts.push(attempt);
        doc.leaf_index = Some(proof.leaf_index);
        return match verify_inclusion(
            &candidate.hash,
            proof.leaf_index,
            size,
            &proof.audit_path,
            &sth.head.root_hash,
        ) {
            Ok(()) => {
                doc.inclusion = Inclusion::Verified;
                Ok(())
            }
            Err(e) => {
                doc.inclusion = Inclusion::Failed;
                Err(Failure::check(format!(
                    "{}: the inclusion proof for leaf index {} at tree size {size} does not verify: {e}",
                    doc.url, proof.leaf_index
                )))
            }
        };
    }
    doc.inclusion = Inclusion::NotFound;
    let tried = match candidates.len() {
        1 => "1 leaf hash tried".to_owned(),
        n => format!("{n} leaf hashes tried"),
    };
    Err(Failure::check(format!(
        "{}: the log does not contain {} at tree size {size} ({tried})",
        doc.url, doc.certificate
    )))
}

/// Tests whether a get-proof-by-hash status means the log does not contain
/// the leaf. RFC 6962 names no status for it, and logs return 400 or 404.
/// A 408 or 429 is about the request rate, so it ends the search instead.
fn means_not_found(status: u16) -> bool {
    (400..500).contains(&status) && status != 408 && status != 429
}

fn print_prove_text(doc: &ProveReport) {
    outln!("log:        {}", doc.url);
    if let Some(sth) = &doc.sth {
        outln!(
            "STH:        tree size {}, {}, root hash {}",
            sth.tree_size,
            sth.timestamp_utc,
            sth.sha256_root_hash
        );
        outln!("signature:  {}", describe_signature(&sth.signature));
    }
    for attempt in &doc.attempts {
        outln!(
            "leaf:       {}, timestamp {} ms = {}, from {}",
            attempt.entry_type,
            attempt.timestamp,
            attempt.timestamp_utc,
            attempt.source
        );
        outln!("leaf hash:  {}", attempt.leaf_hash);
        let message = attempt.message.as_deref().unwrap_or_default();
        match attempt.result {
            AttemptResult::Found => {}
            AttemptResult::NotFound => outln!("            not in the log: {message}"),
            AttemptResult::Error => outln!("            lookup failed: {message}"),
        }
    }
    if let (Some(index), Some(sth)) = (doc.leaf_index, &doc.sth) {
        outln!(
            "found:      leaf index {index}, tree size {}",
            sth.tree_size
        );
    }
    match doc.inclusion {
        Inclusion::Verified => outln!("inclusion:  verified"),
        Inclusion::Failed => outln!("inclusion:  FAILED"),
        Inclusion::NotFound => outln!("inclusion:  not found"),
        Inclusion::NotChecked => {}
    }
}
