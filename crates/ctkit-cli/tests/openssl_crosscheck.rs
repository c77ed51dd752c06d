//! Cross-checks what `ctkit inspect --format json` decodes from real certificates
//! against `openssl x509 -noout -text` for the same files: every field of every
//! embedded SCT (version, log ID, timestamp, extensions, signature algorithm and
//! signature), the serial number and the subject alternative names.
//!
//! OpenSSL is the oracle because it is an independent, widely deployed parser
//! of the same DER, so agreement shows that ctkit reads each field as it does.
//! The tests fail when `openssl` is missing instead of skipping, because CI
//! installs it and a silent skip would hide the check.

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::Value;

const OPENSSL_NOT_FOUND: &str = "openssl not found: install it (apt-get install openssl)";

/// A certificate file with the name that assertion messages show for it.
struct CertFile {
    name: String,
    path: PathBuf,
}

fn testdata_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

/// Lists the leaf certificates of testdata/certs_embedded_sct (every `*.pem`
/// except the `*.issuer.pem` files) plus the seed certificate, sorted by name.
fn certificate_files() -> Vec<CertFile> {
    let dir = testdata_dir().join("certs_embedded_sct");
    let entries =
        std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("failed to read {}: {e}", dir.display()));

    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .unwrap_or_else(|e| panic!("failed to read an entry of {}: {e}", dir.display()))
            .path();
        let file_name = path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or_else(|| panic!("file name is not UTF-8: {}", path.display()))
            .to_owned();
        if file_name.ends_with(".pem") && !file_name.ends_with(".issuer.pem") {
            files.push(CertFile {
                name: format!("testdata/certs_embedded_sct/{file_name}"),
                path,
            });
        }
    }
    assert!(
        !files.is_empty(),
        "no certificate files found in {}",
        dir.display()
    );
    files.sort_by(|a, b| a.name.cmp(&b.name));

    files.push(CertFile {
        name: "testdata/seed/le-2018-5c9a7f.pem".to_owned(),
        path: testdata_dir().join("seed/le-2018-5c9a7f.pem"),
    });
    files
}

/// Runs `ctkit inspect --format json` on the file and returns its single
/// certificate object.
fn ctkit_certificate(file: &CertFile) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_ctkit"))
        .args(["inspect", "--format", "json"])
        .arg(&file.path)
        .output()
        .unwrap_or_else(|e| panic!("{}: failed to run ctkit: {e}", file.name));
    assert!(
        output.status.success(),
        "{}: ctkit inspect failed with {}: {}",
        file.name,
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );

    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{}: ctkit output is not valid JSON: {e}", file.name));
    let objects = report
        .get("objects")
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("{}: ctkit output has no \"objects\" array", file.name));
    let [certificate] = objects.as_slice() else {
        panic!(
            "{}: expected one object in ctkit output, found {}",
            file.name,
            objects.len()
        );
    };
    let certificate = certificate.clone();
    assert_eq!(
        certificate.get("label").and_then(Value::as_str),
        Some("CERTIFICATE"),
        "{}: object label in ctkit output",
        file.name
    );
    assert_eq!(
        certificate.get("error"),
        Some(&Value::Null),
        "{}: ctkit reported an error for the certificate",
        file.name
    );
    certificate
}

/// Runs `openssl x509 -noout -text` on the file and returns its standard output.
fn openssl_text(file: &CertFile) -> String {
    let output = match Command::new("openssl")
        .args(["x509", "-noout", "-text", "-in"])
        .arg(&file.path)
        .output()
    {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!("{OPENSSL_NOT_FOUND}"),
        Err(e) => panic!("{}: failed to run openssl: {e}", file.name),
    };
    assert!(
        output.status.success(),
        "{}: openssl x509 failed with {}: {}",
        file.name,
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap_or_else(|e| panic!("{}: openssl output is not UTF-8: {e}", file.name))
}

// ---------------------------------------------------------------------------
// ctkit JSON tree
// ---------------------------------------------------------------------------

fn children<'a>(node: &'a Value, context: &str) -> &'a [Value] {
    node.get("children")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_else(|| panic!("{context}: node has no \"children\" array"))
}

fn node_name(node: &Value) -> &str {
    node.get("name").and_then(Value::as_str).unwrap_or("")
}

fn child<'a>(node: &'a Value, name: &str, context: &str) -> &'a Value {
    children(node, context)
        .iter()
        .find(|c| node_name(c) == name)
        .unwrap_or_else(|| {
            panic!(
                "{context}: node {:?} has no child named {name:?}",
                node_name(node)
            )
        })
}

fn string_field<'a>(node: &'a Value, field: &str, context: &str) -> &'a str {
    node.get(field).and_then(Value::as_str).unwrap_or_else(|| {
        panic!(
            "{context}: node {:?} has no string field {field:?}",
            node_name(node)
        )
    })
}

/// Returns the `bytes` field of a leaf node as lowercase hex, after checking
/// that it is hex.
fn leaf_hex(node: &Value, context: &str) -> String {
    let hex = string_field(node, "bytes", context);
    assert!(
        hex.len().is_multiple_of(2) && hex.chars().all(|c| c.is_ascii_hexdigit()),
        "{context}: bytes of node {:?} are not hex: {hex:?}",
        node_name(node)
    );
    hex.to_ascii_lowercase()
}

/// Finds the `SerializedSCT #k` nodes under the SCT-list extension of the
/// certificate tree, in the order of the list. Returns an empty list when the
/// certificate has no SCT-list extension.
fn ctkit_scts<'a>(certificate: &'a Value, file: &str) -> Vec<&'a Value> {
    let tree = certificate
        .get("tree")
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("{file}: ctkit output has no \"tree\" array"));
    let root = tree
        .iter()
        .find(|node| node_name(node) == "Certificate")
        .unwrap_or_else(|| panic!("{file}: tree has no \"Certificate\" node"));
    let tbs = child(root, "tbsCertificate", file);
    let extensions = child(child(tbs, "extensions", file), "Extensions", file);

    let sct_list_octets = children(extensions, file)
        .iter()
        .filter(|extension| node_name(extension).starts_with("Extension #"))
        .filter_map(|extension| {
            children(extension, file)
                .iter()
                .find(|c| node_name(c) == "extnValue")
        })
        .find_map(|extn_value| {
            children(extn_value, file)
                .iter()
                .find(|c| node_name(c) == "SignedCertificateTimestampList OCTET STRING")
        });
    let Some(sct_list_octets) = sct_list_octets else {
        return Vec::new();
    };
    let sct_list = child(sct_list_octets, "SignedCertificateTimestampList", file);

    let scts: Vec<&Value> = children(sct_list, file)
        .iter()
        .filter(|c| node_name(c).starts_with("SerializedSCT #"))
        .collect();
    for (position, sct) in scts.iter().enumerate() {
        assert_eq!(
            node_name(sct),
            format!("SerializedSCT #{}", position + 1),
            "{file}: SCT nodes are not numbered in list order"
        );
    }
    scts
}

// ---------------------------------------------------------------------------
// openssl text
// ---------------------------------------------------------------------------

/// One SCT as `openssl x509 -text` prints it in "CT Precertificate SCTs".
#[derive(Debug, Default)]
struct OpensslSct {
    /// Version as printed, for example "v1 (0x0)".
    version: String,
    /// Lowercase hex without separators.
    log_id: String,
    /// Timestamp as printed, for example "Mar 29 18:45:07.993 2018 GMT".
    timestamp: String,
    /// Lowercase hex without separators, empty for "none".
    extensions: String,
    /// Algorithm name as printed, for example "ecdsa-with-SHA256".
    signature_algorithm: String,
    /// Lowercase hex without separators.
    signature: String,
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Converts openssl's colon-separated hex ("DB:74:AF") to lowercase hex.
fn colon_hex_to_hex(text: &str, context: &str) -> String {
    let mut hex = String::new();
    for byte in text.split(':').map(str::trim).filter(|b| !b.is_empty()) {
        assert!(
            byte.len() == 2 && byte.chars().all(|c| c.is_ascii_hexdigit()),
            "{context}: invalid hex byte {byte:?} in openssl output {text:?}"
        );
        hex.push_str(&byte.to_ascii_lowercase());
    }
    hex
}

/// Parses the "CT Precertificate SCTs" section of `openssl x509 -text` output.
/// Returns an empty list when the section is missing.
///
/// Each SCT starts with "Signed Certificate Timestamp:". Its fields are
/// "Name : value" lines, and openssl wraps long hex values onto more lines
/// indented under the value, which are joined here.
fn openssl_scts(text: &str, file: &str) -> Vec<OpensslSct> {
    const FIELD_NAMES: [&str; 5] = ["Version", "Log ID", "Timestamp", "Extensions", "Signature"];

    let mut lines = text.lines();
    let Some(header) = lines
        .by_ref()
        .find(|line| line.trim() == "CT Precertificate SCTs:")
    else {
        return Vec::new();
    };
    let section_indentation = indentation(header);

    // Each SCT is a list of (field name, value lines).
    let mut blocks: Vec<Vec<(String, Vec<String>)>> = Vec::new();
    for line in lines {
        if line.trim().is_empty() || indentation(line) <= section_indentation {
            break;
        }
        let trimmed = line.trim();
        if trimmed == "Signed Certificate Timestamp:" {
            blocks.push(Vec::new());
            continue;
        }

        let block = blocks
            .last_mut()
            .unwrap_or_else(|| panic!("{file}: openssl SCT line before any SCT: {trimmed:?}"));
        let field = trimmed
            .split_once(':')
            .map(|(name, value)| (name.trim(), value.trim()))
            .filter(|(name, _)| FIELD_NAMES.contains(name));
        match field {
            Some((name, value)) => block.push((name.to_owned(), vec![value.to_owned()])),
            None => block
                .last_mut()
                .unwrap_or_else(|| panic!("{file}: openssl SCT line before any field: {trimmed:?}"))
                .1
                .push(trimmed.to_owned()),
        }
    }

    let mut scts = Vec::new();
    for (position, block) in blocks.iter().enumerate() {
        let context = format!("{file}: openssl SCT #{}", position + 1);
        let field = |name: &str| -> &[String] {
            block
                .iter()
                .find(|(field_name, _)| field_name == name)
                .map(|(_, value_lines)| value_lines.as_slice())
                .unwrap_or_else(|| panic!("{context}: missing field {name:?}"))
        };

        let extensions_lines = field("Extensions");
        let extensions = if extensions_lines.join("") == "none" {
            String::new()
        } else {
            colon_hex_to_hex(&extensions_lines.join(""), &context)
        };

        let signature_lines = field("Signature");
        let (signature_algorithm, signature_hex_lines) = signature_lines
            .split_first()
            .unwrap_or_else(|| panic!("{context}: empty Signature field"));

        scts.push(OpensslSct {
            version: field("Version").join(" "),
            log_id: colon_hex_to_hex(&field("Log ID").join(""), &context),
            timestamp: field("Timestamp").join(" "),
            extensions,
            signature_algorithm: signature_algorithm.clone(),
            signature: colon_hex_to_hex(&signature_hex_lines.join(""), &context),
        });
    }
    scts
}

/// Returns the value printed after "Serial Number:" as hex without leading
/// zeros. openssl prints a short serial as "DECIMAL (0xHEX)" on the same line
/// and a longer one as colon hex on the next line.
fn openssl_serial_hex(text: &str, file: &str) -> String {
    let mut lines = text.lines();
    let rest = lines
        .by_ref()
        .find_map(|line| line.trim().strip_prefix("Serial Number:"))
        .unwrap_or_else(|| panic!("{file}: openssl output has no \"Serial Number:\" line"))
        .trim();

    if rest.is_empty() {
        let next = lines
            .next()
            .unwrap_or_else(|| panic!("{file}: openssl output ends after \"Serial Number:\""));
        return strip_leading_zeros(&colon_hex_to_hex(next, file));
    }

    let decimal = rest
        .split_whitespace()
        .next()
        .unwrap_or_else(|| panic!("{file}: empty serial number in openssl output"));
    let serial: u128 = decimal
        .parse()
        .unwrap_or_else(|e| panic!("{file}: openssl serial {rest:?} is not decimal: {e}"));
    format!("{serial:x}")
}

fn strip_leading_zeros(hex: &str) -> String {
    let stripped = hex.trim_start_matches('0');
    if stripped.is_empty() {
        "0".to_owned()
    } else {
        stripped.to_owned()
    }
}

/// Returns the entries of the Subject Alternative Name extension as openssl
/// prints them, with "IP Address:" renamed to the "IP:" prefix that ctkit uses.
/// Returns an empty list when the extension is missing.
fn openssl_subject_alt_names(text: &str) -> Vec<String> {
    let mut lines = text.lines();
    let header = lines
        .by_ref()
        .find(|line| line.trim().starts_with("X509v3 Subject Alternative Name:"));
    if header.is_none() {
        return Vec::new();
    }
    let Some(names_line) = lines.next() else {
        return Vec::new();
    };
    names_line
        .trim()
        .split(", ")
        .map(|name| match name.strip_prefix("IP Address:") {
            Some(address) => format!("IP:{address}"),
            None => name.to_owned(),
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Timestamps
// ---------------------------------------------------------------------------

fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Counts the days from 1970-01-01 to the given date of the proleptic
/// Gregorian calendar. Dates before 1970 are rejected.
fn days_since_unix_epoch(year: i64, month: i64, day: i64, context: &str) -> i64 {
    const DAYS_BEFORE_MONTH: [i64; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

    assert!(year >= 1970, "{context}: year {year} is before 1970");
    assert!(
        (1..=12).contains(&month),
        "{context}: invalid month {month}"
    );
    assert!((1..=31).contains(&day), "{context}: invalid day {day}");

    let mut days: i64 = (1970..year)
        .map(|y| if is_leap_year(y) { 366 } else { 365 })
        .sum();
    let month_index = usize::try_from(month - 1)
        .unwrap_or_else(|e| panic!("{context}: invalid month {month}: {e}"));
    days += DAYS_BEFORE_MONTH
        .get(month_index)
        .unwrap_or_else(|| panic!("{context}: invalid month {month}"));
    if month > 2 && is_leap_year(year) {
        days += 1;
    }
    days + day - 1
}

fn parse_number(text: &str, description: &str, context: &str) -> i64 {
    text.parse()
        .unwrap_or_else(|e| panic!("{context}: invalid {description} {text:?}: {e}"))
}

/// Parses "HH:MM:SS" with an optional fraction of up to three digits and
/// returns milliseconds since midnight.
fn millis_of_day(time: &str, context: &str) -> i64 {
    let (clock, fraction) = time.split_once('.').unwrap_or((time, ""));
    let parts: Vec<&str> = clock.split(':').collect();
    let [hours, minutes, seconds] = parts.as_slice() else {
        panic!("{context}: invalid time of day {time:?}");
    };
    let hours = parse_number(hours, "hour", context);
    let minutes = parse_number(minutes, "minute", context);
    let seconds = parse_number(seconds, "second", context);

    assert!(
        fraction.len() <= 3,
        "{context}: time {time:?} is more precise than a millisecond"
    );
    let millis = if fraction.is_empty() {
        0
    } else {
        let digits = u32::try_from(fraction.len())
            .unwrap_or_else(|e| panic!("{context}: invalid fraction {fraction:?}: {e}"));
        parse_number(fraction, "fraction of a second", context) * 10_i64.pow(3 - digits)
    };

    ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis
}

/// Parses openssl's SCT timestamp, for example "Mar 29 18:45:07.993 2018 GMT",
/// into milliseconds since the Unix epoch.
fn parse_openssl_timestamp(text: &str, context: &str) -> i64 {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];

    let parts: Vec<&str> = text.split_whitespace().collect();
    let [month_name, day, time, year, "GMT"] = parts.as_slice() else {
        panic!("{context}: unexpected openssl timestamp format {text:?}");
    };
    let month_index = MONTHS
        .iter()
        .position(|name| name == month_name)
        .unwrap_or_else(|| panic!("{context}: invalid month in openssl timestamp {text:?}"));
    let month = i64::try_from(month_index + 1)
        .unwrap_or_else(|e| panic!("{context}: invalid month index {month_index}: {e}"));
    let day = parse_number(day, "day", context);
    let year = parse_number(year, "year", context);

    days_since_unix_epoch(year, month, day, context) * 86_400_000 + millis_of_day(time, context)
}

/// Parses an RFC 3339 UTC time such as "2018-03-29T18:45:07.993Z" into
/// milliseconds since the Unix epoch.
fn parse_rfc3339_utc(text: &str, context: &str) -> i64 {
    let (date, time) = text
        .strip_suffix('Z')
        .and_then(|t| t.split_once('T'))
        .unwrap_or_else(|| panic!("{context}: {text:?} is not an RFC 3339 UTC time"));
    let date_parts: Vec<&str> = date.split('-').collect();
    let [year, month, day] = date_parts.as_slice() else {
        panic!("{context}: invalid date {date:?}");
    };
    let year = parse_number(year, "year", context);
    let month = parse_number(month, "month", context);
    let day = parse_number(day, "day", context);

    days_since_unix_epoch(year, month, day, context) * 86_400_000 + millis_of_day(time, context)
}

// ---------------------------------------------------------------------------
// Comparisons
// ---------------------------------------------------------------------------

/// TLS 1.2 HashAlgorithm and SignatureAlgorithm (RFC 5246 section 7.4.1.4.1)
/// that correspond to a signature algorithm name printed by openssl.
struct TlsSignatureScheme {
    hash_name: &'static str,
    hash_code: u8,
    signature_name: &'static str,
    signature_code: u8,
}

fn tls_scheme_for_openssl_name(name: &str, context: &str) -> TlsSignatureScheme {
    match name {
        "ecdsa-with-SHA256" => TlsSignatureScheme {
            hash_name: "sha256",
            hash_code: 4,
            signature_name: "ecdsa",
            signature_code: 3,
        },
        "sha256WithRSAEncryption" => TlsSignatureScheme {
            hash_name: "sha256",
            hash_code: 4,
            signature_name: "rsa",
            signature_code: 1,
        },
        other => panic!(
            "{context}: openssl printed signature algorithm {other:?}, \
             which this test does not map to a TLS hash and signature pair"
        ),
    }
}

/// Asserts that one SCT decoded by ctkit matches the same SCT printed by openssl.
fn assert_sct_matches(ctkit_sct: &Value, expected: &OpensslSct, context: &str) {
    // Version: openssl prints "v1 (0x0)", ctkit the name "v1" and the byte 00.
    let version = child(ctkit_sct, "version", context);
    assert_eq!(
        expected.version, "v1 (0x0)",
        "{context}: openssl SCT version"
    );
    assert_eq!(
        string_field(version, "value", context),
        "v1",
        "{context}: ctkit SCT version"
    );
    assert_eq!(
        leaf_hex(version, context),
        "00",
        "{context}: ctkit SCT version byte"
    );

    // Log ID: ctkit shows the raw bytes, and their base64 form followed by
    // the log's name after a colon.
    let log_id = child(ctkit_sct, "id", context);
    assert_eq!(
        leaf_hex(log_id, context),
        expected.log_id,
        "{context}: log ID bytes differ from openssl"
    );
    let log_id_value = string_field(log_id, "value", context);
    let log_id_base64 = log_id_value.split(':').next().unwrap_or_default();
    let log_id_from_base64 = BASE64
        .decode(log_id_base64)
        .unwrap_or_else(|e| panic!("{context}: log ID {log_id_base64:?} is not base64: {e}"));
    assert_eq!(
        hex::encode(log_id_from_base64),
        expected.log_id,
        "{context}: base64 log ID differs from openssl"
    );

    // Timestamp: ctkit shows "MILLIS ms = RFC3339" and the raw 8-byte integer.
    let timestamp = child(ctkit_sct, "timestamp", context);
    let expected_millis = parse_openssl_timestamp(&expected.timestamp, context);
    let timestamp_bytes = hex::decode(leaf_hex(timestamp, context))
        .unwrap_or_else(|e| panic!("{context}: invalid timestamp bytes: {e}"));
    let timestamp_array: [u8; 8] = timestamp_bytes
        .as_slice()
        .try_into()
        .unwrap_or_else(|_| panic!("{context}: timestamp is not 8 bytes: {timestamp_bytes:02x?}"));
    assert_eq!(
        i64::try_from(u64::from_be_bytes(timestamp_array)).ok(),
        Some(expected_millis),
        "{context}: timestamp bytes differ from openssl {:?}",
        expected.timestamp
    );

    let timestamp_value = string_field(timestamp, "value", context);
    let (millis_text, rfc3339_text) = timestamp_value
        .split_once(" ms = ")
        .unwrap_or_else(|| panic!("{context}: unexpected timestamp value {timestamp_value:?}"));
    assert_eq!(
        parse_number(millis_text, "timestamp", context),
        expected_millis,
        "{context}: decoded timestamp {timestamp_value:?} differs from openssl {:?}",
        expected.timestamp
    );
    assert_eq!(
        parse_rfc3339_utc(rfc3339_text, context),
        expected_millis,
        "{context}: decoded date {timestamp_value:?} differs from openssl {:?}",
        expected.timestamp
    );

    // Extensions: the bytes after the 2-byte length, empty when there are none.
    let extensions = child(ctkit_sct, "extensions", context);
    assert_eq!(
        leaf_hex(extensions, context),
        expected.extensions,
        "{context}: extensions bytes differ from openssl"
    );

    // Signature: hash and signature algorithm codes, then the signature bytes.
    let digitally_signed = child(ctkit_sct, "signature", context);
    let scheme = tls_scheme_for_openssl_name(&expected.signature_algorithm, context);

    let hash = child(digitally_signed, "hash", context);
    assert_eq!(
        leaf_hex(hash, context),
        format!("{:02x}", scheme.hash_code),
        "{context}: hash algorithm code differs from openssl {:?}",
        expected.signature_algorithm
    );
    assert_eq!(
        string_field(hash, "value", context),
        format!("{} ({})", scheme.hash_name, scheme.hash_code),
        "{context}: hash algorithm name differs from openssl {:?}",
        expected.signature_algorithm
    );

    let algorithm = child(digitally_signed, "signature algorithm", context);
    assert_eq!(
        leaf_hex(algorithm, context),
        format!("{:02x}", scheme.signature_code),
        "{context}: signature algorithm code differs from openssl {:?}",
        expected.signature_algorithm
    );
    assert_eq!(
        string_field(algorithm, "value", context),
        format!("{} ({})", scheme.signature_name, scheme.signature_code),
        "{context}: signature algorithm name differs from openssl {:?}",
        expected.signature_algorithm
    );

    let signature = child(digitally_signed, "signature", context);
    assert_eq!(
        leaf_hex(signature, context),
        expected.signature,
        "{context}: signature bytes differ from openssl"
    );
}

#[test]
fn sct_fields_match_openssl_text() {
    let files = certificate_files();
    let mut sct_total = 0;

    for file in &files {
        let certificate = ctkit_certificate(file);
        let text = openssl_text(file);
        let decoded = ctkit_scts(&certificate, &file.name);
        let expected = openssl_scts(&text, &file.name);

        assert!(
            !expected.is_empty(),
            "{}: openssl printed no \"CT Precertificate SCTs\" section",
            file.name
        );
        assert_eq!(
            decoded.len(),
            expected.len(),
            "{}: SCT count differs from openssl",
            file.name
        );

        for (position, (ctkit_sct, openssl_sct)) in decoded.iter().zip(&expected).enumerate() {
            let context = format!("{}: SCT #{}", file.name, position + 1);
            assert_sct_matches(ctkit_sct, openssl_sct, &context);
        }
        sct_total += expected.len();
    }

    eprintln!(
        "compared {sct_total} SCTs in {} certificates with openssl",
        files.len()
    );
}

#[test]
fn serial_number_matches_openssl_text() {
    for file in &certificate_files() {
        let certificate = ctkit_certificate(file);
        let text = openssl_text(file);

        let serial = certificate
            .get("summary")
            .and_then(|summary| summary.get("serial"))
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("{}: ctkit summary has no serial", file.name));
        assert!(
            serial.chars().all(|c| c.is_ascii_hexdigit()),
            "{}: ctkit serial {serial:?} is not hex",
            file.name
        );

        assert_eq!(
            strip_leading_zeros(&serial.to_ascii_lowercase()),
            openssl_serial_hex(&text, &file.name),
            "{}: serial number differs from openssl",
            file.name
        );
    }
}

#[test]
fn subject_alt_names_match_openssl_text() {
    for file in &certificate_files() {
        let certificate = ctkit_certificate(file);
        let text = openssl_text(file);

        let names: Vec<String> = match certificate
            .get("summary")
            .and_then(|summary| summary.get("subject_alt_names"))
        {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(names)) => names
                .iter()
                .map(|name| {
                    name.as_str()
                        .unwrap_or_else(|| {
                            panic!(
                                "{}: subject alternative name {name} is not a string",
                                file.name
                            )
                        })
                        .to_owned()
                })
                .collect(),
            Some(other) => panic!(
                "{}: ctkit subject_alt_names is not an array: {other}",
                file.name
            ),
        };

        assert_eq!(
            names,
            openssl_subject_alt_names(&text),
            "{}: subject alternative names differ from openssl",
            file.name
        );
    }
}
