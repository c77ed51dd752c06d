//! SCT verification: what is true of each SCT, kept apart from whether the
//! log was trusted at the time, which is a CT policy question.

use serde::Serialize;

use crate::loglist::{Log, LogList, SignatureError};
use crate::sct::{Sct, SerializedSct, SignedEntry, Version, format_timestamp, leaf_index};
use crate::x509::{CertificateLayout, sha256};

/// The verdict on one SCT, about the SCT itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SctStatus {
    Valid,
    InvalidSignature,
    UnknownLog,
    /// An SCT version other than v1, whose signed data is not defined here.
    UnsupportedVersion,
    UnsupportedAlgorithm,
    /// The signature verifies, but the timestamp is later than the
    /// verifier's clock.
    FutureTimestamp,
}

impl SctStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SctStatus::Valid => "valid",
            SctStatus::InvalidSignature => "invalid_signature",
            SctStatus::UnknownLog => "unknown_log",
            SctStatus::UnsupportedVersion => "unsupported_version",
            SctStatus::UnsupportedAlgorithm => "unsupported_algorithm",
            SctStatus::FutureTimestamp => "future_timestamp",
        }
    }
}

/// The log list's record of the log that issued an SCT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogInfo {
    pub description: String,
    pub operator: String,
    /// The log's current state in the list, such as `usable` or `retired`.
    pub state: Option<String>,
    /// When the log entered that state (RFC 3339).
    pub state_since: Option<String>,
    /// Whether the SCT was issued before the log entered a `retired`,
    /// `rejected` or `disqualified` state, when it has one of those.
    pub issued_before_state: Option<bool>,
    /// Whether the SCT time falls in the log's temporal interval, when it
    /// has one.
    pub in_temporal_interval: Option<bool>,
    /// Whether the certificate's notAfter falls in the log's temporal
    /// interval, which is what a sharded log accepts.
    pub not_after_in_temporal_interval: Option<bool>,
    /// A static-ct-api log.
    pub tiled: bool,
}

/// The signed data's inputs, reported when a signature does not verify.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostics {
    pub entry_type: &'static str,
    /// Hex SHA-256 of the issuer's SubjectPublicKeyInfo.
    pub issuer_key_hash: String,
    /// Length of the rebuilt TBSCertificate.
    pub tbs_length: usize,
    /// Hex SHA-256 of the rebuilt TBSCertificate.
    pub tbs_sha256: String,
    /// Other readings under which the signature does verify, such as
    /// another certificate of the input taken as the issuer.
    pub would_verify_with: Vec<String>,
}

/// The result for one SCT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SctResult {
    pub index: usize,
    pub version: u8,
    pub log_id: Option<String>,
    pub log_name: Option<String>,
    pub operator: Option<String>,
    pub timestamp: Option<u64>,
    pub time: Option<String>,
    pub hash_algorithm: Option<String>,
    pub signature_algorithm: Option<String>,
    /// Hex CtExtensions.
    pub extensions: Option<String>,
    /// The static-ct-api `leaf_index` extension, when present.
    pub leaf_index: Option<u64>,
    pub status: SctStatus,
    /// The reason when the status is not `valid`.
    pub detail: Option<String>,
    pub log: Option<LogInfo>,
    pub diagnostics: Option<Diagnostics>,
}

/// Another certificate to try as the issuer when a signature fails.
#[derive(Debug, Clone)]
pub struct IssuerCandidate {
    pub label: String,
    pub key_hash: [u8; 32],
}

/// Verifies SCTs against the logs of a list.
#[derive(Debug)]
pub struct Verifier<'l> {
    logs: &'l LogList,
    now_ms: u64,
}

impl<'l> Verifier<'l> {
    /// Creates a verifier that judges timestamps against `now_ms`,
    /// milliseconds since the epoch.
    pub fn new(logs: &'l LogList, now_ms: u64) -> Self {
        Self { logs, now_ms }
    }

    /// Creates a verifier that reads the system clock.
    pub fn with_system_clock(logs: &'l LogList) -> Self {
        Self::new(logs, system_time_ms())
    }

    /// Checks one SCT over a signed entry.
    pub fn check(&self, sct: &Sct, entry: &SignedEntry<'_>) -> (SctStatus, Option<String>) {
        let Some(log) = self.logs.find(&sct.log_id) else {
            return (
                SctStatus::UnknownLog,
                Some(format!("log ID {} is not in the log list", sct.log_id)),
            );
        };
        self.check_with_log(sct, entry, log)
    }

    fn check_with_log(
        &self,
        sct: &Sct,
        entry: &SignedEntry<'_>,
        log: &Log,
    ) -> (SctStatus, Option<String>) {
        if sct.version != Version::V1 {
            return (
                SctStatus::UnsupportedVersion,
                Some(format!("SCT version {}", sct.version)),
            );
        }
        let key = match &log.key {
            Ok(key) => key,
            Err(reason) => {
                return (
                    SctStatus::UnsupportedAlgorithm,
                    Some(format!("log key: {reason}")),
                );
            }
        };
        let message = match sct.signed_data(entry) {
            Ok(message) => message,
            Err(e) => return (SctStatus::InvalidSignature, Some(e.to_string())),
        };
        let sig = &sct.signature;
        match key.verify(sig.hash, sig.signature_algorithm, &message, &sig.signature) {
            Err(SignatureError::UnsupportedAlgorithm(why)) => {
                (SctStatus::UnsupportedAlgorithm, Some(why))
            }
            Err(SignatureError::Invalid) => (
                SctStatus::InvalidSignature,
                Some("signature does not verify with the log's key".into()),
            ),
            Ok(()) if sct.timestamp > self.now_ms => (
                SctStatus::FutureTimestamp,
                Some(format!(
                    "timestamp {} is after the current time {}",
                    format_timestamp(sct.timestamp),
                    format_timestamp(self.now_ms)
                )),
            ),
            Ok(()) => (SctStatus::Valid, None),
        }
    }

    /// Verifies every SCT embedded in a certificate as a `precert_entry`.
    ///
    /// `issuer_key_hash` is the SHA-256 of the issuer's SubjectPublicKeyInfo.
    /// When a signature fails, each of `candidates` is tried as the issuer
    /// and the certificate is tried as an `x509_entry`, and what verifies is
    /// reported in the diagnostics.
    pub fn verify_embedded(
        &self,
        layout: &CertificateLayout<'_>,
        issuer_key_hash: [u8; 32],
        candidates: &[IssuerCandidate],
    ) -> Vec<SctResult> {
        let Some(list) = &layout.sct_list else {
            return Vec::new();
        };
        let tbs = layout.precert_tbs();
        let entry = SignedEntry::Precert {
            issuer_key_hash,
            tbs_certificate: &tbs,
        };
        let not_after = layout.not_after_ms();
        list.scts
            .iter()
            .enumerate()
            .map(|(index, serialized)| {
                let mut result = self.result_for(index, serialized, &entry, not_after);
                if let (SctStatus::InvalidSignature, SerializedSct::V1(sct)) =
                    (result.status, serialized)
                {
                    result.diagnostics =
                        Some(self.diagnose(sct, layout, &tbs, issuer_key_hash, candidates));
                }
                result
            })
            .collect()
    }

    /// Verifies SCTs delivered outside the certificate (TLS extension or
    /// OCSP), which sign the whole certificate as an `x509_entry`.
    pub fn verify_x509_entry(&self, certificate: &[u8], scts: &[SerializedSct]) -> Vec<SctResult> {
        let entry = SignedEntry::X509 { certificate };
        let not_after = CertificateLayout::parse(certificate)
            .ok()
            .and_then(|l| l.not_after_ms());
        scts.iter()
            .enumerate()
            .map(|(index, sct)| self.result_for(index, sct, &entry, not_after))
            .collect()
    }

    fn result_for(
        &self,
        index: usize,
        serialized: &SerializedSct,
        entry: &SignedEntry<'_>,
        not_after_ms: Option<u64>,
    ) -> SctResult {
        let sct = match serialized {
            SerializedSct::V1(sct) => sct,
            SerializedSct::Unknown { version, .. } => {
                return SctResult {
                    index,
                    version: version.0,
                    log_id: None,
                    log_name: None,
                    operator: None,
                    timestamp: None,
                    time: None,
                    hash_algorithm: None,
                    signature_algorithm: None,
                    extensions: None,
                    leaf_index: None,
                    status: SctStatus::UnsupportedVersion,
                    detail: Some(format!(
                        "SCT version {version} has no layout defined in RFC 6962; the rest of the SCT is not decoded"
                    )),
                    log: None,
                    diagnostics: None,
                };
            }
        };
        let log = self.logs.find(&sct.log_id);
        let (status, detail) = match log {
            Some(log) => self.check_with_log(sct, entry, log),
            None => (
                SctStatus::UnknownLog,
                Some(format!("log ID {} is not in the log list", sct.log_id)),
            ),
        };
        SctResult {
            index,
            version: sct.version.0,
            log_id: Some(sct.log_id.to_base64()),
            log_name: log.map(|l| l.description.clone()),
            operator: log.map(|l| l.operator.clone()),
            timestamp: Some(sct.timestamp),
            time: Some(format_timestamp(sct.timestamp)),
            hash_algorithm: Some(sct.signature.hash.to_string()),
            signature_algorithm: Some(sct.signature.signature_algorithm.to_string()),
            extensions: Some(hex::encode(&sct.extensions)),
            leaf_index: leaf_index(&sct.extensions),
            status,
            detail,
            log: log.map(|l| log_info(l, sct.timestamp, not_after_ms)),
            diagnostics: None,
        }
    }

    fn diagnose(
        &self,
        sct: &Sct,
        layout: &CertificateLayout<'_>,
        tbs: &[u8],
        issuer_key_hash: [u8; 32],
        candidates: &[IssuerCandidate],
    ) -> Diagnostics {
        let mut would_verify_with = Vec::new();
        for candidate in candidates.iter().filter(|c| c.key_hash != issuer_key_hash) {
            let entry = SignedEntry::Precert {
                issuer_key_hash: candidate.key_hash,
                tbs_certificate: tbs,
            };
            if matches!(
                self.check(sct, &entry).0,
                SctStatus::Valid | SctStatus::FutureTimestamp
            ) {
                would_verify_with.push(format!("{} as the issuer", candidate.label));
            }
        }
        let whole = SignedEntry::X509 {
            certificate: layout.der,
        };
        if matches!(
            self.check(sct, &whole).0,
            SctStatus::Valid | SctStatus::FutureTimestamp
        ) {
            would_verify_with.push("the whole certificate as an x509_entry (an SCT for TLS or OCSP delivery, not for embedding)".into());
        }
        let unchanged = layout.tbs_der();
        if unchanged != tbs {
            let entry = SignedEntry::Precert {
                issuer_key_hash,
                tbs_certificate: unchanged,
            };
            if matches!(
                self.check(sct, &entry).0,
                SctStatus::Valid | SctStatus::FutureTimestamp
            ) {
                would_verify_with.push("the TBSCertificate with the SCT list left in".into());
            }
        }
        Diagnostics {
            entry_type: "precert_entry",
            issuer_key_hash: hex::encode(issuer_key_hash),
            tbs_length: tbs.len(),
            tbs_sha256: hex::encode(sha256(tbs)),
            would_verify_with,
        }
    }
}

/// Returns the system clock in milliseconds since the epoch.
pub fn system_time_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or_default()
}

fn log_info(log: &Log, timestamp: u64, not_after_ms: Option<u64>) -> LogInfo {
    let state = log.state.as_ref();
    let issued_before_state = state.and_then(|s| match s.name.as_str() {
        "retired" | "rejected" | "disqualified" => s.timestamp_ms.map(|at| timestamp < at),
        _ => None,
    });
    LogInfo {
        description: log.description.clone(),
        operator: log.operator.clone(),
        state: state.map(|s| s.name.clone()),
        state_since: state.map(|s| s.timestamp.clone()),
        issued_before_state,
        in_temporal_interval: log.in_temporal_interval(timestamp),
        not_after_in_temporal_interval: not_after_ms.and_then(|t| log.in_temporal_interval(t)),
        tiled: log.tiled,
    }
}
