//! The log's directory: its configuration file, keys, roots and database.
//!
//! `ctkit log init` writes `DIR/config.json`; every path in it is relative
//! to DIR unless absolute, so that the directory can be moved whole.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The name of the configuration file inside the log directory.
pub const CONFIG_FILE: &str = "config.json";

/// The log's settings, as stored in `config.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    /// The address `serve` listens on.
    pub listen: SocketAddr,
    /// PEM file of the accepted roots.
    pub roots: PathBuf,
    /// PKCS#8 PEM file of the log's ECDSA P-256 signing key.
    pub private_key: PathBuf,
    /// PEM SubjectPublicKeyInfo of the signing key.
    pub public_key: PathBuf,
    /// SQLite database file.
    pub database: PathBuf,
    /// Maximum merge delay: every entry with an SCT is in a signed tree
    /// within this many seconds (RFC 6962 3).
    pub mmd_seconds: u64,
    /// How often the sequencer integrates new entries and signs a tree head.
    pub sequence_interval_ms: u64,
    /// Maximum request body size, in bytes.
    pub max_request_bytes: usize,
    /// Maximum number of certificates in one submitted chain.
    pub max_chain_length: usize,
    /// Maximum number of entries in one get-entries response.
    pub max_get_entries: u64,
    /// How long one request may take, body upload included, before it
    /// gets 408.
    #[serde(default = "default_request_timeout")]
    pub request_timeout_seconds: u64,
    /// How long a stopping server waits for requests in flight before it
    /// closes their connections.
    #[serde(default = "default_shutdown_grace")]
    pub shutdown_grace_seconds: u64,
    /// The temporal shard: when set, a certificate's notAfter must be at or
    /// after this time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after_start: Option<String>,
    /// The temporal shard: when set, a certificate's notAfter must be
    /// before this time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after_limit: Option<String>,
}

fn default_request_timeout() -> u64 {
    30
}

fn default_shutdown_grace() -> u64 {
    10
}

impl LogConfig {
    /// Returns the settings `init` writes when no option overrides them.
    pub fn with_defaults(listen: SocketAddr) -> LogConfig {
        LogConfig {
            listen,
            roots: "roots.pem".into(),
            private_key: "log.key.pem".into(),
            public_key: "log.pub.pem".into(),
            database: "log.sqlite".into(),
            mmd_seconds: 86_400,
            sequence_interval_ms: 1_000,
            max_request_bytes: 512 * 1024,
            max_chain_length: 10,
            max_get_entries: 1_000,
            request_timeout_seconds: default_request_timeout(),
            shutdown_grace_seconds: default_shutdown_grace(),
            not_after_start: None,
            not_after_limit: None,
        }
    }

    /// Reads `DIR/config.json`.
    pub fn load(dir: &Path) -> Result<LogConfig, ConfigError> {
        let path = dir.join(CONFIG_FILE);
        let text = std::fs::read(&path).map_err(|e| ConfigError::io(&path, e))?;
        let config: LogConfig = serde_json::from_slice(&text)
            .map_err(|e| ConfigError::Invalid(format!("{}: {e}", path.display())))?;
        config.check()?;
        Ok(config)
    }

    /// Rejects settings the server cannot keep its promises with.
    pub fn check(&self) -> Result<(), ConfigError> {
        let invalid = |m: String| Err(ConfigError::Invalid(m));
        if self.mmd_seconds == 0 {
            return invalid("mmd_seconds (init --mmd) must be at least 1".into());
        }
        if self.sequence_interval_ms == 0 {
            return invalid(
                "sequence_interval_ms (init --sequence-interval) must be at least 1".into(),
            );
        }
        if self.sequence_interval_ms.saturating_mul(2) > self.mmd_seconds.saturating_mul(1000) {
            return invalid(format!(
                "sequence_interval_ms (init --sequence-interval) is {} ms, more than half the MMD \
                 of {} s; lower it or raise mmd_seconds (init --mmd)",
                self.sequence_interval_ms, self.mmd_seconds
            ));
        }
        if self.request_timeout_seconds == 0 {
            return invalid("request_timeout_seconds must be at least 1".into());
        }
        if self.max_get_entries == 0 || self.max_chain_length == 0 {
            return invalid("max_get_entries and max_chain_length must be at least 1".into());
        }
        if self.max_request_bytes < 1024 {
            return invalid(format!(
                "max_request_bytes is {}, less than the minimum of 1024",
                self.max_request_bytes
            ));
        }
        let (start, limit) = self.shard()?;
        if let (Some(start), Some(limit)) = (start, limit)
            && start >= limit
        {
            return invalid("not_after_start must be before not_after_limit".into());
        }
        Ok(())
    }

    /// Returns the temporal shard bounds in milliseconds since the epoch.
    pub fn shard(&self) -> Result<(Option<u64>, Option<u64>), ConfigError> {
        let parse = |field: &str, value: &Option<String>| match value {
            None => Ok(None),
            Some(text) => ctkit::loglist::parse_rfc3339_ms(text)
                .map(Some)
                .ok_or_else(|| {
                    ConfigError::Invalid(format!(
                        "{field}: {text:?} is not an RFC 3339 time such as 2026-01-01T00:00:00Z"
                    ))
                }),
        };
        Ok((
            parse("not_after_start", &self.not_after_start)?,
            parse("not_after_limit", &self.not_after_limit)?,
        ))
    }

    /// Resolves a configured path against the log directory.
    pub fn path(dir: &Path, file: &Path) -> PathBuf {
        if file.is_absolute() {
            file.to_path_buf()
        } else {
            dir.join(file)
        }
    }
}

/// A problem with the log directory or its configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

impl ConfigError {
    pub fn io(path: &Path, source: std::io::Error) -> ConfigError {
        ConfigError::Io {
            path: path.display().to_string(),
            source,
        }
    }
}

/// Writes a new file, failing if it exists, with the given Unix mode.
pub fn create_file(path: &Path, contents: &[u8], mode: u32) -> Result<(), ConfigError> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                ConfigError::Invalid(format!("{} exists; not overwriting it", path.display()))
            } else {
                ConfigError::io(path, e)
            }
        })?;
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .map_err(|e| ConfigError::io(path, e))
}

/// Encodes DER as PEM with 64-character lines (RFC 7468).
pub fn pem(label: &str, der: &[u8]) -> String {
    let body = crate::api::encode_b64(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in body.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}
