//! Fuzzes the DER and PEM input splitter. Oracle: no panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = ctkit::input::read_blocks(data);
});
