//! `ctkit log init`: a new log directory.

use std::path::Path;

use serde_json::json;

use crate::config::{CONFIG_FILE, ConfigError, LogConfig, create_file, pem};
use crate::roots::Roots;
use crate::signer::LogSigner;
use crate::store::SqliteStore;

/// The log list `init` writes beside the configuration, for monitors and
/// for `ctkit verify --log-list`.
pub const LOG_LIST_FILE: &str = "log-list.json";

/// The result of `init`.
#[derive(Debug, Clone)]
pub struct Initialized {
    pub log_id: String,
    /// The URL written into the log list.
    pub url: String,
    pub config: LogConfig,
}

/// Creates a log in `dir`: configuration, a new P-256 key (mode 0600), its
/// public key, a copy of the roots, an empty database and a v3 log list
/// naming the log. Rejects a directory that already contains a log.
///
/// `url` is the address clients reach the log at, for the log list; it
/// defaults to `http://` and the listen address. `operator` names the
/// log's operator there (default `ctkit`); CT policies count operators.
pub fn init(
    dir: &Path,
    roots_file: &[u8],
    config: LogConfig,
    url: Option<&str>,
    operator: Option<&str>,
) -> Result<Initialized, ConfigError> {
    config.check()?;
    Roots::from_file_bytes(roots_file).map_err(|e| ConfigError::Invalid(format!("roots: {e}")))?;
    std::fs::create_dir_all(dir).map_err(|e| ConfigError::io(dir, e))?;
    let config_path = dir.join(CONFIG_FILE);
    if config_path.exists() {
        return Err(ConfigError::Invalid(format!(
            "{} exists; a log directory is initialized once",
            config_path.display()
        )));
    }

    let (pkcs8, signer) = LogSigner::generate().map_err(|e| ConfigError::Invalid(e.to_string()))?;
    create_file(
        &LogConfig::path(dir, &config.private_key),
        pem("PRIVATE KEY", &pkcs8).as_bytes(),
        0o600,
    )?;
    create_file(
        &LogConfig::path(dir, &config.public_key),
        pem("PUBLIC KEY", signer.spki()).as_bytes(),
        0o644,
    )?;
    create_file(&LogConfig::path(dir, &config.roots), roots_file, 0o644)?;
    SqliteStore::open(&LogConfig::path(dir, &config.database))
        .map_err(|e| ConfigError::Invalid(e.to_string()))?;

    let log_id = signer.log_id().to_base64();
    let url = url.map_or_else(|| format!("http://{}/", config.listen), str::to_owned);
    let list = log_list(
        &config,
        &url,
        operator.unwrap_or("ctkit"),
        &log_id,
        signer.spki(),
        dir,
    );
    create_file(&dir.join(LOG_LIST_FILE), list.as_bytes(), 0o644)?;

    let mut text =
        serde_json::to_string_pretty(&config).map_err(|e| ConfigError::Invalid(e.to_string()))?;
    text.push('\n');
    create_file(&config_path, text.as_bytes(), 0o644)?;
    Ok(Initialized {
        log_id,
        url,
        config,
    })
}

/// Builds a v3 log list with this one log, usable from the time of
/// writing, with the log's temporal interval when it is a shard.
fn log_list(
    config: &LogConfig,
    url: &str,
    operator: &str,
    log_id: &str,
    spki: &[u8],
    dir: &Path,
) -> String {
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let mut log = json!({
        "description": format!("ctkit log in {}", dir.display()),
        "log_id": log_id,
        "key": crate::api::encode_b64(spki),
        "url": url,
        "mmd": config.mmd_seconds,
        "state": { "usable": { "timestamp": now } }
    });
    if (config.not_after_start.is_some() || config.not_after_limit.is_some())
        && let Some(fields) = log.as_object_mut()
    {
        // A v3 list needs both ends, so an open end is written as the
        // Unix epoch or the latest time RFC 3339 can express.
        fields.insert(
            "temporal_interval".into(),
            json!({
                "start_inclusive": config.not_after_start.as_deref().unwrap_or("1970-01-01T00:00:00Z"),
                "end_exclusive": config.not_after_limit.as_deref().unwrap_or("9999-12-31T23:59:59Z"),
            }),
        );
    }
    let value = json!({
        "version": "1.0",
        "log_list_timestamp": now,
        "operators": [{ "name": operator, "email": [], "logs": [log] }]
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}
