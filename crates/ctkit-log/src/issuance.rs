//! Collecting SCTs for a precertificate from several logs at once
//! (RFC 6962 4.2), as an issuing CA does.
//!
//! Every log is asked concurrently, each with its own timeout and a few
//! retries with backoff for failures that may pass (no connection, a 5xx,
//! a 429). Every SCT is verified against the log's key over the entry the
//! log must have signed before it is returned as usable.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ctkit::loglist::{LogKey, LogList};
use ctkit::sct::{LogId, Sct, SignedEntry, Version};
use tokio::task::JoinSet;

use crate::client::{ClientError, LogClient};

/// A log to submit to, from a log list.
#[derive(Debug)]
pub struct LogTarget {
    pub log_id: LogId,
    pub description: String,
    pub operator: String,
    pub url: String,
    key: LogKey,
}

impl LogTarget {
    /// Takes the RFC 6962 logs of a list that can take a certificate with
    /// this notAfter: a URL, a usable key, a state other than rejected,
    /// retired or read-only, and a temporal interval (if any) holding
    /// notAfter. Returns the targets and, for each log left out, why.
    pub fn from_log_list(list: &LogList, not_after_ms: u64) -> (Vec<LogTarget>, Vec<String>) {
        let mut targets = Vec::new();
        let mut skipped = Vec::new();
        for log in list.logs() {
            let name = &log.description;
            if log.tiled {
                skipped.push(format!(
                    "{name}: a static-ct-api log, which has no add-pre-chain"
                ));
                continue;
            }
            let Some(url) = &log.url else {
                skipped.push(format!("{name}: no URL in the log list"));
                continue;
            };
            if let Some(state) = &log.state
                && matches!(state.name.as_str(), "rejected" | "retired" | "readonly")
            {
                skipped.push(format!("{name}: {} since {}", state.name, state.timestamp));
                continue;
            }
            if log.in_temporal_interval(not_after_ms) == Some(false) {
                skipped.push(format!(
                    "{name}: its temporal interval does not hold the certificate's notAfter"
                ));
                continue;
            }
            match LogKey::from_spki(&log.key_der) {
                Ok(key) => targets.push(LogTarget {
                    log_id: log.log_id,
                    description: name.clone(),
                    operator: log.operator.clone(),
                    url: url.clone(),
                    key,
                }),
                Err(e) => skipped.push(format!("{name}: its key cannot be used: {e}")),
            }
        }
        (targets, skipped)
    }
}

/// The timeout and retry settings for each log.
#[derive(Debug, Clone, Copy)]
pub struct CollectSettings {
    /// The limit on one request.
    pub timeout: Duration,
    /// Requests per log, the first included.
    pub attempts: u32,
    /// The wait before the second attempt; it doubles for each next one.
    pub backoff: Duration,
}

impl Default for CollectSettings {
    fn default() -> Self {
        CollectSettings {
            timeout: Duration::from_secs(10),
            attempts: 3,
            backoff: Duration::from_millis(250),
        }
    }
}

/// The entry the logs sign for the precertificate (RFC 6962 3.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrecertEntry {
    pub issuer_key_hash: [u8; 32],
    pub tbs_certificate: Vec<u8>,
}

impl PrecertEntry {
    pub fn signed_entry(&self) -> SignedEntry<'_> {
        SignedEntry::Precert {
            issuer_key_hash: self.issuer_key_hash,
            tbs_certificate: &self.tbs_certificate,
        }
    }
}

/// The outcome of one log: its SCT or the reason there is none.
#[derive(Debug)]
pub struct Collected {
    /// Index into the targets.
    pub target: usize,
    /// A verified SCT, or why there is none.
    pub result: Result<Sct, String>,
    pub attempts: u32,
    pub elapsed: Duration,
}

/// Submits the pre-chain to every target concurrently and verifies what
/// comes back. The result has one element per target, in target order.
pub async fn collect_scts(
    targets: Arc<Vec<LogTarget>>,
    chain: Arc<Vec<Vec<u8>>>,
    entry: Arc<PrecertEntry>,
    settings: CollectSettings,
) -> Vec<Collected> {
    let mut tasks = JoinSet::new();
    for index in 0..targets.len() {
        let (targets, chain, entry) =
            (Arc::clone(&targets), Arc::clone(&chain), Arc::clone(&entry));
        tasks.spawn(async move {
            let started = Instant::now();
            let (result, attempts) = match targets.get(index) {
                Some(target) => submit_one(target, &chain, &entry, settings).await,
                None => (Err("no such log".into()), 0),
            };
            Collected {
                target: index,
                result,
                attempts,
                elapsed: started.elapsed(),
            }
        });
    }
    let mut results = Vec::with_capacity(targets.len());
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(collected) => results.push(collected),
            Err(e) => tracing::error!(error = %e, "an SCT request task failed"),
        }
    }
    results.sort_by_key(|c| c.target);
    results
}

/// Tests whether a failed request may succeed if sent again.
fn may_pass(error: &ClientError) -> bool {
    match error {
        ClientError::Request { .. } | ClientError::Body { .. } => true,
        ClientError::Status { status, .. } => status.is_server_error() || status.as_u16() == 429,
        _ => false,
    }
}

async fn submit_one(
    target: &LogTarget,
    chain: &[Vec<u8>],
    entry: &PrecertEntry,
    settings: CollectSettings,
) -> (Result<Sct, String>, u32) {
    let client = match LogClient::builder(&target.url)
        .timeout(settings.timeout)
        .connect_timeout(settings.timeout)
        .build()
    {
        Ok(client) => client,
        Err(e) => return (Err(e.to_string()), 0),
    };
    let mut wait = settings.backoff;
    let mut attempt = 0;
    loop {
        attempt += 1;
        match client.add_pre_chain(chain).await {
            Ok(sct) => return (check_sct(target, entry, &sct).map(|()| sct), attempt),
            Err(e) if attempt < settings.attempts.max(1) && may_pass(&e) => {
                tracing::info!(log = %target.description, attempt, error = %e, "retrying");
                tokio::time::sleep(wait).await;
                wait = wait.saturating_mul(2);
            }
            Err(e) => return (Err(e.to_string()), attempt),
        }
    }
}

/// Checks that an SCT is a v1 SCT from this log whose signature verifies
/// over the precertificate entry.
pub fn check_sct(target: &LogTarget, entry: &PrecertEntry, sct: &Sct) -> Result<(), String> {
    if sct.version != Version::V1 {
        return Err(format!("the SCT has version {}, not v1", sct.version.0));
    }
    if sct.log_id != target.log_id {
        return Err(format!(
            "the SCT names log {}, not this log's {}",
            sct.log_id.to_base64(),
            target.log_id.to_base64()
        ));
    }
    let data = sct
        .signed_data(&entry.signed_entry())
        .map_err(|e| e.to_string())?;
    target
        .key
        .verify(
            sct.signature.hash,
            sct.signature.signature_algorithm,
            &data,
            &sct.signature.signature,
        )
        .map_err(|e| format!("the SCT's signature does not verify with the log's key: {e}"))
}
