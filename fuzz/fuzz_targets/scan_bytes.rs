//! The whole per-file engine (decode, prefilter, regexes, validation, location, masking, remediation) on
//! arbitrary bytes. The first byte picks the file name, since path globs and remediation depend on it.
#![no_main]

use keyless::detect::Detector;
use keyless::finding::FingerprintKey;
use keyless::rules::RuleSet;
use keyless::scan::{FileResult, FileScanner, ScanSettings};
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};

const NAMES: &[&str] = &[
    "a.env",
    "appsettings.json",
    "main.tf",
    "main.bicep",
    "values.yaml",
    "web.config",
    "notebook.ipynb",
    "Dockerfile",
    "local.settings.json",
    "a.py",
];

fn detector() -> &'static Detector {
    static DETECTOR: OnceLock<Detector> = OnceLock::new();
    DETECTOR.get_or_init(|| Detector::new(Arc::new(RuleSet::builtin().unwrap())))
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let name = NAMES[pick as usize % NAMES.len()];
    let key = FingerprintKey::from_seed(FingerprintKey::DEFAULT_SEED);
    let settings = ScanSettings::default();
    let mut scanner = FileScanner::new(detector(), &key, &settings);
    if let FileResult::Scanned { findings, .. } = scanner.scan_bytes(name, bytes) {
        for f in findings {
            assert!(f.line >= 1 && f.column >= 1);
            assert!(f.start_offset <= f.end_offset && f.end_offset <= bytes.len());
        }
    }
});
