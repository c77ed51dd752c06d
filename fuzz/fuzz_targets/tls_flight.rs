//! Fuzzes the reader of a TLS server's first flight, which `verify
//! --connect` feeds with whatever a server sends.
//!
//! Oracle: no panic, and a flight that is complete stays complete and
//! equal when more bytes follow it.

#![no_main]

use ctkit::tls::read_server_flight;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(Some(flight)) = read_server_flight(data) {
        let mut longer = data.to_vec();
        longer.extend_from_slice(&[22, 3, 3, 0, 0]);
        assert_eq!(read_server_flight(&longer).ok().flatten(), Some(flight));
    }
});
