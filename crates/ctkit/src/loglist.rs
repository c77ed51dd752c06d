//! CT log lists in the v3 schema (`log_list.json` and `all_logs_list.json`
//! as published for Chrome) and in the older v1 schema, and the log keys
//! they carry.
//!
//! A snapshot of the all-logs list, which includes retired and rejected
//! logs, is compiled in so that old certificates verify without a download.

use std::collections::HashMap;
use std::fmt;

use aws_lc_rs::signature::{self, ParsedPublicKey, VerificationAlgorithm};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Deserialize;

use crate::der::{DerReader, TAG_BIT_STRING, TAG_OID, TAG_SEQUENCE};
use crate::error::{DecodeError, Layer};
use crate::sct::{HashAlgorithm, LogId, SignatureAlgorithm};
use crate::x509::sha256;

/// Google's all-logs list, version 78.2 of 2025-12-13 (247 logs).
const BUNDLED: &[u8] = include_bytes!("../data/all_logs_list.json");

/// An error in a log list.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LogListError {
    #[error("invalid log list JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the log list has no logs")]
    NoLogs,
    #[error("log {description:?}: {field} is not valid base64")]
    Base64 {
        description: String,
        field: &'static str,
    },
    #[error("log {description:?}: log_id must be 32 bytes, got {len}")]
    LogIdLength { description: String, len: usize },
    #[error("log {description:?}: log_id {log_id} is not the SHA-256 of its key ({computed})")]
    LogIdMismatch {
        description: String,
        log_id: String,
        computed: String,
    },
}

/// A v3 list, or a v1 list when the top level has `logs`.
#[derive(Deserialize)]
struct RawList {
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    log_list_timestamp: Option<String>,
    operators: Vec<RawOperator>,
    #[serde(default)]
    logs: Option<Vec<RawLogV1>>,
}

#[derive(Deserialize)]
struct RawOperator {
    name: String,
    /// The operator number that v1 logs refer to in `operated_by`.
    #[serde(default)]
    id: Option<u64>,
    #[serde(default)]
    logs: Vec<RawLog>,
    #[serde(default)]
    tiled_logs: Vec<RawLog>,
}

#[derive(Deserialize)]
struct RawLog {
    #[serde(default)]
    description: String,
    log_id: String,
    key: String,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    submission_url: Option<String>,
    #[serde(default)]
    monitoring_url: Option<String>,
    #[serde(default)]
    mmd: Option<u64>,
    #[serde(default)]
    state: Option<HashMap<String, RawState>>,
    #[serde(default)]
    temporal_interval: Option<RawInterval>,
    #[serde(default)]
    log_type: Option<String>,
}

/// A log of the v1 schema, which has no `log_id` (it is the SHA-256 of
/// the key) and no states but `disqualified_at`.
#[derive(Deserialize)]
struct RawLogV1 {
    #[serde(default)]
    description: String,
    key: String,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    maximum_merge_delay: Option<u64>,
    #[serde(default)]
    operated_by: Vec<u64>,
    /// Seconds since the epoch.
    #[serde(default)]
    disqualified_at: Option<u64>,
}

#[derive(Deserialize)]
struct RawState {
    timestamp: String,
}

#[derive(Deserialize)]
struct RawInterval {
    start_inclusive: String,
    end_exclusive: String,
}

/// A log's state in the list, with the time it was entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogState {
    /// `pending`, `qualified`, `usable`, `readonly`, `retired` or
    /// `rejected`, or `disqualified` from a v1 list.
    pub name: String,
    pub timestamp: String,
    /// `timestamp` in milliseconds since the epoch, when it parses.
    pub timestamp_ms: Option<u64>,
}

/// The period of certificate expiry dates a log accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemporalInterval {
    pub start_inclusive: String,
    pub end_exclusive: String,
    pub start_ms: Option<u64>,
    pub end_ms: Option<u64>,
}

/// A log's public key, parsed once for repeated verification.
pub struct LogKey {
    kind: KeyKind,
    key: ParsedPublicKey,
}

/// The algorithm family of a log key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    EcdsaP256,
    EcdsaP384,
    Rsa,
}

impl fmt::Display for KeyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyKind::EcdsaP256 => "ECDSA P-256",
            KeyKind::EcdsaP384 => "ECDSA P-384",
            KeyKind::Rsa => "RSA",
        })
    }
}

impl fmt::Debug for LogKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LogKey")
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// A signature that could not be checked or did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The SCT names an algorithm pair that RFC 6962 does not allow or that
    /// does not match the log's key.
    #[error("{0}")]
    UnsupportedAlgorithm(String),
    /// The signature does not verify.
    #[error("the signature does not verify")]
    Invalid,
}

impl LogKey {
    /// Parses a DER SubjectPublicKeyInfo holding a P-256, P-384 or RSA key.
    pub fn from_spki(spki: &[u8]) -> Result<LogKey, String> {
        const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
        const P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
        const P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
        const RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

        let SpkiParts {
            algorithm,
            parameters,
            key,
        } = split_spki(spki).map_err(|e| e.to_string())?;
        let (kind, verifier): (KeyKind, &'static dyn VerificationAlgorithm) =
            match (algorithm, parameters) {
                (EC_PUBLIC_KEY, Some(P256)) => {
                    (KeyKind::EcdsaP256, &signature::ECDSA_P256_SHA256_ASN1)
                }
                (EC_PUBLIC_KEY, Some(P384)) => {
                    (KeyKind::EcdsaP384, &signature::ECDSA_P384_SHA256_ASN1)
                }
                (EC_PUBLIC_KEY, _) => {
                    return Err("elliptic curve other than P-256 and P-384".into());
                }
                (RSA, _) => (KeyKind::Rsa, &signature::RSA_PKCS1_2048_8192_SHA256),
                _ => return Err("key algorithm other than ECDSA and RSA".into()),
            };
        let key = ParsedPublicKey::new(verifier, key).map_err(|e| format!("key rejected: {e}"))?;
        Ok(LogKey { kind, key })
    }

    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    /// Verifies `signature` over `message` with SHA-256, the only hash RFC
    /// 6962 2.1.4 allows, and the signature algorithm that matches the key.
    pub fn verify(
        &self,
        hash: HashAlgorithm,
        algorithm: SignatureAlgorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        if hash != HashAlgorithm::SHA256 {
            return Err(SignatureError::UnsupportedAlgorithm(format!(
                "hash algorithm {hash}; RFC 6962 allows only sha256"
            )));
        }
        let expected = match self.kind {
            KeyKind::EcdsaP256 | KeyKind::EcdsaP384 => SignatureAlgorithm::ECDSA,
            KeyKind::Rsa => SignatureAlgorithm::RSA,
        };
        if algorithm != expected {
            return Err(SignatureError::UnsupportedAlgorithm(format!(
                "signature algorithm {algorithm} does not match the log's {} key",
                self.kind
            )));
        }
        self.key
            .verify_sig(message, signature)
            .map_err(|_| SignatureError::Invalid)
    }
}

/// The parts of a SubjectPublicKeyInfo that select a verification algorithm.
pub(crate) struct SpkiParts<'a> {
    pub(crate) algorithm: &'a [u8],
    /// The parameters when they are an OID (the curve of an EC key).
    pub(crate) parameters: Option<&'a [u8]>,
    /// The subjectPublicKey bits.
    pub(crate) key: &'a [u8],
}

/// Splits a SubjectPublicKeyInfo into algorithm OID, parameters OID and key.
pub(crate) fn split_spki(spki: &[u8]) -> Result<SpkiParts<'_>, DecodeError> {
    let layer = Layer::SubjectPublicKeyInfo;
    let mut outer = DerReader::new(spki, 0, layer);
    let seq = outer.expect(TAG_SEQUENCE, "SubjectPublicKeyInfo")?;
    outer.finish("SubjectPublicKeyInfo")?;
    let mut r = seq.reader(layer);
    let algorithm = r.expect(TAG_SEQUENCE, "algorithm")?;
    let mut alg = algorithm.reader(layer);
    let oid = alg.expect(TAG_OID, "algorithm")?;
    let parameters = alg.optional(TAG_OID, "parameters")?.map(|p| p.content);
    let bits = r.expect(TAG_BIT_STRING, "subjectPublicKey")?;
    r.finish("SubjectPublicKeyInfo")?;
    match bits.content.split_first() {
        Some((0, key)) => Ok(SpkiParts {
            algorithm: oid.content,
            parameters,
            key,
        }),
        _ => Err(DecodeError::new(
            layer,
            "subjectPublicKey",
            bits.offset,
            crate::error::ErrorKind::InvalidValue("BIT STRING has unused bits"),
        )),
    }
}

/// One log from a list.
#[derive(Debug)]
pub struct Log {
    pub description: String,
    pub operator: String,
    pub log_id: LogId,
    /// DER SubjectPublicKeyInfo.
    pub key_der: Vec<u8>,
    /// The parsed key, or why it cannot be used (an algorithm other than
    /// ECDSA P-256, P-384 and RSA). Such a log stays in the list so that its
    /// SCTs are reported as unsupported rather than from an unknown log.
    pub key: Result<LogKey, String>,
    /// `url` for RFC 6962 logs, `submission_url` for static-ct-api logs.
    pub url: Option<String>,
    pub monitoring_url: Option<String>,
    /// Maximum merge delay in seconds.
    pub mmd: Option<u64>,
    pub state: Option<LogState>,
    pub temporal_interval: Option<TemporalInterval>,
    /// A static-ct-api (tiled) log.
    pub tiled: bool,
    /// `log_type`, such as `test` or `monitoring_only`, when present.
    pub log_type: Option<String>,
}

impl Log {
    /// Tests whether a time lies in the log's temporal interval; `None`
    /// when the log has none. A sharded log accepts certificates whose notAfter
    /// lies in it.
    pub fn in_temporal_interval(&self, timestamp_ms: u64) -> Option<bool> {
        let interval = self.temporal_interval.as_ref()?;
        let start = interval.start_ms?;
        let end = interval.end_ms?;
        Some(timestamp_ms >= start && timestamp_ms < end)
    }
}

/// Logs indexed by log ID.
#[derive(Debug, Default)]
pub struct LogList {
    pub version: Option<String>,
    pub log_list_timestamp: Option<String>,
    logs: Vec<Log>,
    index: HashMap<LogId, usize>,
}

impl LogList {
    /// Parses a v3 log list and checks every log's ID against its key.
    pub fn from_json(json: &[u8]) -> Result<LogList, LogListError> {
        let raw: RawList = serde_json::from_slice(json)?;
        let mut list = LogList {
            version: raw.version,
            log_list_timestamp: raw.log_list_timestamp,
            ..LogList::default()
        };
        if let Some(v1_logs) = raw.logs {
            for v1 in v1_logs {
                let operator = v1
                    .operated_by
                    .iter()
                    .filter_map(|id| raw.operators.iter().find(|o| o.id == Some(*id)))
                    .map(|o| o.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                list.push(convert(from_v1(v1)?, &operator, false)?);
            }
            if list.is_empty() {
                return Err(LogListError::NoLogs);
            }
            return Ok(list);
        }
        for operator in raw.operators {
            for (raw_log, tiled) in operator
                .logs
                .into_iter()
                .map(|l| (l, false))
                .chain(operator.tiled_logs.into_iter().map(|l| (l, true)))
            {
                list.push(convert(raw_log, &operator.name, tiled)?);
            }
        }
        if list.is_empty() {
            return Err(LogListError::NoLogs);
        }
        Ok(list)
    }

    /// Parses the log list compiled into the library.
    pub fn bundled() -> LogList {
        // The snapshot is checked by a test, so a failure here means a
        // broken build; fall back to an empty list rather than panic.
        LogList::from_json(BUNDLED).unwrap_or_default()
    }

    /// Adds the logs of `other`; a log ID already present is replaced.
    pub fn extend(&mut self, other: LogList) {
        for log in other.logs {
            self.push(log);
        }
    }

    fn push(&mut self, log: Log) {
        match self.index.get(&log.log_id) {
            Some(&i) => {
                if let Some(slot) = self.logs.get_mut(i) {
                    *slot = log;
                }
            }
            None => {
                self.index.insert(log.log_id, self.logs.len());
                self.logs.push(log);
            }
        }
    }

    pub fn find(&self, log_id: &LogId) -> Option<&Log> {
        self.index.get(log_id).and_then(|&i| self.logs.get(i))
    }

    pub fn logs(&self) -> &[Log] {
        &self.logs
    }

    pub fn len(&self) -> usize {
        self.logs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.logs.is_empty()
    }
}

/// Restates a v1 log in v3 terms: the log ID from the key, and
/// `disqualified_at` as a state.
fn from_v1(v1: RawLogV1) -> Result<RawLog, LogListError> {
    let key = BASE64
        .decode(v1.key.trim())
        .map_err(|_| LogListError::Base64 {
            description: v1.description.clone(),
            field: "key",
        })?;
    let state = v1.disqualified_at.map(|seconds| {
        let timestamp = i64::try_from(seconds)
            .ok()
            .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_default();
        HashMap::from([("disqualified".to_owned(), RawState { timestamp })])
    });
    Ok(RawLog {
        description: v1.description,
        log_id: BASE64.encode(sha256(&key)),
        key: v1.key,
        url: v1.url,
        submission_url: None,
        monitoring_url: None,
        mmd: v1.maximum_merge_delay,
        state,
        temporal_interval: None,
        log_type: None,
    })
}

fn convert(raw: RawLog, operator: &str, tiled: bool) -> Result<Log, LogListError> {
    let description = raw.description;
    let log_id_bytes = BASE64
        .decode(raw.log_id.trim())
        .map_err(|_| LogListError::Base64 {
            description: description.clone(),
            field: "log_id",
        })?;
    let key_der = BASE64
        .decode(raw.key.trim())
        .map_err(|_| LogListError::Base64 {
            description: description.clone(),
            field: "key",
        })?;
    let log_id: [u8; 32] =
        log_id_bytes
            .as_slice()
            .try_into()
            .map_err(|_| LogListError::LogIdLength {
                description: description.clone(),
                len: log_id_bytes.len(),
            })?;
    let computed = sha256(&key_der);
    if computed != log_id {
        return Err(LogListError::LogIdMismatch {
            description,
            log_id: raw.log_id,
            computed: BASE64.encode(computed),
        });
    }
    let key = LogKey::from_spki(&key_der);

    let state = raw.state.and_then(|states| {
        states.into_iter().next().map(|(name, s)| LogState {
            name,
            timestamp_ms: parse_rfc3339_ms(&s.timestamp),
            timestamp: s.timestamp,
        })
    });
    let temporal_interval = raw.temporal_interval.map(|t| TemporalInterval {
        start_ms: parse_rfc3339_ms(&t.start_inclusive),
        end_ms: parse_rfc3339_ms(&t.end_exclusive),
        start_inclusive: t.start_inclusive,
        end_exclusive: t.end_exclusive,
    });
    Ok(Log {
        description,
        operator: operator.to_owned(),
        log_id: LogId(log_id),
        key_der,
        key,
        url: raw.url.or(raw.submission_url),
        monitoring_url: raw.monitoring_url,
        mmd: raw.mmd,
        state,
        temporal_interval,
        tiled,
        log_type: raw.log_type,
    })
}

/// Parses an RFC 3339 time to milliseconds since the epoch.
pub fn parse_rfc3339_ms(text: &str) -> Option<u64> {
    let t =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    u64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}
