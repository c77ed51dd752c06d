//! Fuzzes the v3 log list JSON parser, the log key (SubjectPublicKeyInfo)
//! parser and the RFC 3339 timestamp parser. Oracle: no panic.
//!
//! `LogList::from_json` rejects a log whose `log_id` is not the SHA-256 of its
//! key, so mutated keys rarely get past it. The key and timestamp parsers are
//! therefore also called on the raw input.

#![no_main]

use ctkit::loglist::{LogKey, LogList, parse_rfc3339_ms};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = LogList::from_json(data);
    let _ = LogKey::from_spki(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_rfc3339_ms(text);
    }
});
