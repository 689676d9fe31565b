//! A baseline file: any text is a baseline or an error, never a panic.
#![no_main]

use keyless::baseline::Baseline;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Baseline::parse(text, "baseline.json");
    }
});
