//! Property tests of the engine (through the library, no process per case): planted secrets are found
//! exactly once at their line and column whatever the encoding and line endings, masking never shows more
//! than four characters of a secret, and no input makes the scanner panic.

use keyless::detect::Detector;
use keyless::finding::FingerprintKey;
use keyless::rules::RuleSet;
use keyless::scan::{FileResult, FileScanner, ScanSettings};
use proptest::prelude::*;
use std::sync::{Arc, OnceLock};

fn detector() -> &'static Detector {
    static DETECTOR: OnceLock<Detector> = OnceLock::new();
    DETECTOR.get_or_init(|| Detector::new(Arc::new(RuleSet::builtin().unwrap())))
}

fn scan(name: &str, bytes: &[u8]) -> FileResult {
    let key = FingerprintKey::from_seed(FingerprintKey::DEFAULT_SEED);
    let settings = ScanSettings::default();
    FileScanner::new(detector(), &key, &settings).scan_bytes(name, bytes)
}

/// Filler words that name no credential and form no keyword, whatever their order.
const WORDS: &[&str] = &[
    "alpha", "beta", "gamma", "delta", "river", "stone", "cloud", "12", "(x)", "-", "#", "=", ":",
    "é", "日本", "\t",
];

#[derive(Debug, Clone, Copy)]
enum Ending {
    Lf,
    CrLf,
    Cr,
}

#[derive(Debug, Clone, Copy)]
enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
}

fn encode(text: &str, encoding: Encoding) -> Vec<u8> {
    let utf16 = |be: bool| {
        let mut out = if be {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for u in text.encode_utf16() {
            out.extend(if be { u.to_be_bytes() } else { u.to_le_bytes() });
        }
        out
    };
    match encoding {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Utf8Bom => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        Encoding::Utf16Le => utf16(false),
        Encoding::Utf16Be => utf16(true),
    }
}

/// A random-looking password: letters of both cases and digits, with enough distinct characters that no
/// rule calls it weak.
fn secret() -> impl Strategy<Value = String> {
    "[A-Z][a-z][0-9][A-Za-z0-9]{13,29}".prop_filter("varied", |s| {
        let mut c: Vec<char> = s.chars().collect();
        c.sort_unstable();
        c.dedup();
        c.len() >= 10
    })
}

/// A line of filler words, possibly empty.
fn filler() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 0..8).prop_map(|w| w.join(" "))
}

/// (the file's lines, and for each planted secret its line index, the secret and its character column).
fn planted() -> impl Strategy<Value = (Vec<String>, Vec<(usize, String, usize)>)> {
    (
        prop::collection::vec(filler(), 1..40),
        prop::collection::vec((any::<prop::sample::Index>(), filler(), secret()), 1..5),
    )
        .prop_map(|(mut lines, plants)| {
            let mut planted = Vec::new();
            for (at, prefix, secret) in plants {
                let line = at.index(lines.len());
                if planted.iter().any(|(l, _, _)| *l == line) {
                    continue;
                }
                // A comment-free prefix that ends in a separator, then the assignment.
                let head = format!("{prefix} ; DB_PASSWORD=");
                let column = head.chars().count() + 1;
                lines[line] = format!("{head}{secret}");
                planted.push((line, secret, column));
            }
            planted.sort();
            (lines, planted)
        })
}

fn ending() -> impl Strategy<Value = Ending> {
    prop_oneof![Just(Ending::Lf), Just(Ending::CrLf), Just(Ending::Cr)]
}

fn encoding() -> impl Strategy<Value = Encoding> {
    prop_oneof![
        Just(Encoding::Utf8),
        Just(Encoding::Utf8Bom),
        Just(Encoding::Utf16Le),
        Just(Encoding::Utf16Be)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Every planted secret is found exactly once, at its line and column, and nothing else is found;
    /// each finding's preview and snippet show at most four of the secret's characters.
    #[test]
    fn planted_secrets_are_found_once_where_they_are(
        (lines, planted) in planted(),
        ending in ending(),
        encoding in encoding(),
    ) {
        let eol = match ending { Ending::Lf => "\n", Ending::CrLf => "\r\n", Ending::Cr => "\r" };
        let text = lines.join(eol) + eol;
        let FileResult::Scanned { findings, .. } = scan("settings.env", &encode(&text, encoding)) else {
            panic!("not scanned");
        };
        let got: Vec<(usize, usize)> = findings.iter().map(|f| (f.line, f.column)).collect();
        let want: Vec<(usize, usize)> = planted.iter().map(|(l, _, c)| (l + 1, *c)).collect();
        prop_assert_eq!(got, want);
        for (f, (_, secret, _)) in findings.iter().zip(&planted) {
            let shown = f.preview.split('…').next().unwrap_or("");
            prop_assert!(shown.chars().count() <= 4, "preview {}", f.preview);
            prop_assert!(secret.starts_with(shown));
            // No five consecutive characters of the secret appear in what a report prints.
            let chars: Vec<char> = secret.chars().collect();
            for piece in chars.windows(5) {
                let piece: String = piece.iter().collect();
                prop_assert!(!f.snippet.contains(&piece), "snippet {}", f.snippet);
                prop_assert!(!f.preview.contains(&piece), "preview {}", f.preview);
            }
        }
    }

    /// Arbitrary bytes, mixed with fragments that steer into every part of the engine (keywords,
    /// separators, quotes, BOMs, line breaks, base64 and PEM headers), never make the scanner panic.
    #[test]
    fn arbitrary_bytes_never_panic(
        chunks in prop::collection::vec(
            prop_oneof![
                prop::collection::vec(any::<u8>(), 0..64),
                prop::sample::select(vec![
                    b"password=".to_vec(), b"AccountKey=".to_vec(), b"\"secret\": \"".to_vec(),
                    b"-----BEGIN RSA PRIVATE KEY-----\n".to_vec(), b"eyJhbGciOi".to_vec(),
                    b"Server=tcp:x.database.windows.net;Password=".to_vec(), b"\r".to_vec(),
                    b"\n".to_vec(), b"\xEF\xBB\xBF".to_vec(), b"\xFF\xFE".to_vec(), b"\\u00".to_vec(),
                    b"://user:".to_vec(), b"@host".to_vec(), b"ghp_".to_vec(), b"=".to_vec(),
                    b"'".to_vec(), b"${".to_vec(), b"base64:".to_vec(), b"\"".to_vec(),
                ]),
            ],
            0..64,
        ),
        name in prop::sample::select(vec![
            "a.env", "appsettings.json", "main.tf", "main.bicep", "values.yaml", "web.config",
            "notebook.ipynb", "Dockerfile", "a.py",
        ]),
    ) {
        let bytes = chunks.concat();
        match scan(name, &bytes) {
            FileResult::Scanned { findings, .. } => {
                for f in findings {
                    prop_assert!(f.line >= 1 && f.column >= 1);
                    prop_assert!(f.start_offset <= f.end_offset && f.end_offset <= bytes.len());
                }
            }
            FileResult::Skipped(_) | FileResult::Error(_) => {}
        }
    }
}
