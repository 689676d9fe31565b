//! A user's rule pack: any text is loaded or refused with an error, never a panic or a hang.
#![no_main]

use keyless::rules::RuleSet;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = RuleSet::load_with(false, &[("fuzz.toml".to_string(), text.to_string())], &[], &[]);
});
