//! One scan from start to finish: walk → read → decode → detect → locate → remediate → sort.
//!
//! Each worker thread owns a [`FileScanner`] (its own scanner and read buffer); workers share only the
//! detector and a mutex-guarded list that each flushes once when it finishes. An unreadable file becomes an
//! error entry and the scan goes on; the caller turns any error into exit code 2 after the reports are out.

use crate::config::Config;
use crate::detect::{decode, Candidate, Detector, Scanner};
use crate::finding::{self, Finding, FingerprintKey, LineIndex, Suppression};
use crate::rules::RuleSet;
use crate::severity::Severity;
use crate::source::{self, Decoded};
use crate::suppress::{Allowlist, InlineAllow};
pub use crate::tally::{Progress, ProgressSnapshot};
use crate::walk::{self, SkipReason, Visit};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Mutex;

/// What standard input is called in reports.
pub const STDIN_NAME: &str = "stdin";

#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct Skipped {
    pub too_large: u64,
    pub binary: u64,
    pub not_regular_file: u64,
    pub symlink: u64,
}

impl Skipped {
    /// The non-zero counts in words (`3 binary`, `1 symlink`), for the stderr line and the text summary.
    pub fn described(&self) -> Vec<String> {
        [
            (self.binary, "binary"),
            (self.too_large, "too large"),
            (self.not_regular_file, "not a regular file"),
            (self.symlink, "symlink"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, why)| format!("{n} {why}"))
        .collect()
    }
}

#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct SeverityCounts {
    pub critical: u64,
    pub high: u64,
    pub medium: u64,
    pub low: u64,
    pub info: u64,
}

impl SeverityCounts {
    pub fn get(&self, s: Severity) -> u64 {
        match s {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }

    fn add(&mut self, s: Severity) {
        match s {
            Severity::Critical => self.critical += 1,
            Severity::High => self.high += 1,
            Severity::Medium => self.medium += 1,
            Severity::Low => self.low += 1,
            Severity::Info => self.info += 1,
        }
    }
}

/// Counts for the summary and the JSON report. No timings: two runs over one tree give equal stats.
#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct Stats {
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    pub skipped: Skipped,
    pub errors: u64,
    /// Findings per severity, suppressed ones included.
    pub findings: SeverityCounts,
    /// Findings suppressed inline or by the baseline: reported, but they never fail the scan.
    pub suppressed: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileError {
    pub path: String,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct ScanOutcome {
    pub findings: Vec<Finding>,
    pub stats: Stats,
    pub errors: Vec<FileError>,
    /// Every file that was read and scanned, by reported path (for stale baseline entries).
    pub scanned: ScannedPaths,
}

/// The reported paths of the scanned files, kept as 64-bit hashes: only a baseline asks about them
/// (is an entry that matched nothing in a file that was scanned?), and the paths themselves took 11 MiB
/// on a tree of 100,000 files. Two paths share a hash with odds of about one in 10^9 on such a tree, and
/// the only effect would be one stale entry reported as current.
#[derive(Debug, Default)]
pub struct ScannedPaths(std::collections::HashSet<u64>);

impl ScannedPaths {
    fn key(path: &str) -> u64 {
        use std::hash::{Hash, Hasher};
        // Fixed keys: the same path hashes the same in every worker and run.
        let mut h = std::hash::DefaultHasher::new();
        path.hash(&mut h);
        h.finish()
    }

    pub fn insert(&mut self, path: &str) {
        self.0.insert(ScannedPaths::key(path));
    }

    pub fn contains(&self, path: &str) -> bool {
        self.0.contains(&ScannedPaths::key(path))
    }

    fn extend(&mut self, other: ScannedPaths) {
        self.0.extend(other.0);
    }
}

/// The report order: path (byte-wise), then offset, then rule id; findings equal in all three keep
/// their order.
///
/// The findings are not moved by the sort itself: a stable sort borrows scratch space for half of what
/// it sorts, which for 250,000 findings of a few hundred bytes each is tens of megabytes at the scan's
/// peak. Their indices are sorted (stably) instead, and the findings moved into place by following the
/// permutation's cycles.
pub(crate) fn sort_findings(findings: &mut [Finding]) {
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&findings[a], &findings[b]);
        a.path
            .as_bytes()
            .cmp(b.path.as_bytes())
            .then(a.start_offset.cmp(&b.start_offset))
            .then(a.rule_id.cmp(&b.rule_id))
    });
    permute(findings, &mut order);
}

/// Rearranges `items` so that `items[i]` becomes what `items[order[i]]` was. `order` is used up (each
/// entry is set to its own index once its item is in place).
fn permute<T>(items: &mut [T], order: &mut [usize]) {
    for start in 0..items.len() {
        let mut at = start;
        while order[at] != at {
            let from = std::mem::replace(&mut order[at], at);
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

impl ScanOutcome {
    /// Recomputes the finding, suppression and error counts after findings changed.
    pub fn recount(&mut self) {
        self.stats.findings = SeverityCounts::default();
        for f in &self.findings {
            self.stats.findings.add(f.severity);
        }
        self.stats.suppressed = self.findings.iter().filter(|f| f.is_suppressed()).count() as u64;
        self.stats.errors = self.errors.len() as u64;
    }
}

/// What shapes findings besides the rules.
#[derive(Debug, Clone)]
pub struct ScanSettings {
    pub show_secrets: bool,
    pub max_file_size: u64,
    pub inline_allow: InlineAllow,
    pub allowlist: Allowlist,
    /// Findings below this confidence are not reported (`--min-confidence`).
    pub min_confidence: crate::severity::Confidence,
}

impl Default for ScanSettings {
    fn default() -> ScanSettings {
        ScanSettings {
            show_secrets: false,
            max_file_size: 25 << 20,
            inline_allow: InlineAllow {
                enabled: true,
                extra_tokens: Vec::new(),
            },
            allowlist: Allowlist::default(),
            min_confidence: crate::severity::Confidence::Low,
        }
    }
}

impl ScanSettings {
    pub fn from_config(config: &Config) -> ScanSettings {
        ScanSettings {
            show_secrets: config.show_secrets,
            max_file_size: config.max_file_size,
            inline_allow: config.inline_allow.clone(),
            allowlist: config.allowlist.clone(),
            min_confidence: config.min_confidence,
        }
    }
}

/// The result of scanning one file.
#[derive(Debug)]
pub enum FileResult {
    Scanned { bytes: u64, findings: Vec<Finding> },
    Skipped(SkipReason),
    Error(String),
}

/// Per-thread state: a scanner, a reusable read buffer and the settings that shape findings.
pub struct FileScanner<'a> {
    scanner: Scanner<'a>,
    rules: &'a RuleSet,
    key: &'a FingerprintKey,
    settings: &'a ScanSettings,
    buf: Vec<u8>,
    views: Vec<decode::View>,
    chunking: Chunking,
    /// Set while a chunk that starts inside the file is scanned (no JSON paths: the document's start is
    /// not in view).
    partial: bool,
}

/// How long files are cut: chunks of `chunk` bytes, each read with `overlap` bytes either side.
#[derive(Debug, Clone, Copy)]
pub struct Chunking {
    pub chunk: usize,
    pub overlap: usize,
}

impl Default for Chunking {
    /// The overlap covers the widest rule window (8 KiB), the line snapping (1 KiB) and the setting-name
    /// search (4 KiB) many times over.
    fn default() -> Chunking {
        Chunking {
            chunk: 16 << 20,
            overlap: 256 << 10,
        }
    }
}

/// `result` with the snapshot of `bytes`, the whole of what was scanned, on each of its findings (taken
/// only when there are findings: most files have none).
fn stamped(mut result: FileResult, bytes: &[u8]) -> FileResult {
    if let FileResult::Scanned { findings, .. } = &mut result {
        if !findings.is_empty() {
            let snapshot = std::sync::Arc::new(source::Snapshot::of(bytes));
            for f in findings {
                f.scanned = Some(snapshot.clone());
            }
        }
    }
    result
}

/// The largest position at or before `at` that is a character boundary and not between a CR and its LF.
fn cut_point(buf: &[u8], at: usize) -> usize {
    let mut i = at.min(buf.len());
    while i > 0
        && i < buf.len()
        && (buf[i] & 0xC0 == 0x80 || (buf[i] == b'\n' && buf[i - 1] == b'\r'))
    {
        i -= 1;
    }
    i
}

/// How many line ends `bytes` holds (LF, CRLF and a lone CR, as [`LineIndex`] counts them; `bytes` never
/// ends between a CR and its LF), and where the text after the last one starts.
fn line_ends(bytes: &[u8]) -> (usize, Option<usize>) {
    let (mut count, mut after) = (0, None);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                count += 1;
                i += 1;
                after = Some(i + 1);
            }
            b'\n' | b'\r' => {
                count += 1;
                after = Some(i + 1);
            }
            _ => {}
        }
        i += 1;
    }
    (count, after)
}

/// Characters in UTF-8 bytes (every byte that does not continue a character).
fn chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

impl<'a> FileScanner<'a> {
    pub fn new(
        detector: &'a Detector,
        key: &'a FingerprintKey,
        settings: &'a ScanSettings,
    ) -> FileScanner<'a> {
        FileScanner {
            scanner: detector.scanner(),
            rules: &detector.rules,
            key,
            settings,
            buf: Vec::new(),
            views: Vec::new(),
            chunking: Chunking::default(),
            partial: false,
        }
    }

    /// Cuts long files into these chunks instead of the default ones (tests use small chunks to cross
    /// many boundaries).
    pub fn with_chunking(mut self, chunking: Chunking) -> FileScanner<'a> {
        self.chunking = chunking;
        self
    }

    /// Reads `reader` to the end (refusing more than the size limit) and scans what it held.
    ///
    /// A UTF-8 file longer than one chunk (16 MiB) is scanned in overlapping chunks, so memory stays
    /// bounded whatever the file's size (a 1 GiB minified JSON line needs as much as an 18 MiB file): see
    /// [`FileScanner::scan_chunks`]. Binary files are recognised from the first chunk; UTF-16 files,
    /// rare at that size, are read whole.
    ///
    /// A file that changes while it is read is scanned as the bytes the reads returned, one consistent
    /// sequence: line, column, offsets and snippets all come from them, never from a second read. A file
    /// that grows is still read no further than the size limit (then it is skipped as too large), one
    /// that shrinks or is truncated ends where the reads ended. Files are read, not memory-mapped, so a
    /// file truncated under the scan cannot fault it (a shrinking map raises SIGBUS). Each finding
    /// carries the [`source::Snapshot`] of those bytes for whatever reads the file again later.
    pub fn scan_reader(&mut self, display: &str, reader: &mut dyn Read) -> FileResult {
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        let limit = self.settings.max_file_size;
        let first = (self.chunking.chunk + 2 * self.chunking.overlap) as u64;
        let result = match reader.take(first.min(limit) + 1).read_to_end(&mut buf) {
            Err(e) => FileResult::Error(format!("cannot read: {e}")),
            Ok(_) if buf.len() as u64 > limit => FileResult::Skipped(SkipReason::TooLarge),
            Ok(_) if (buf.len() as u64) <= first => stamped(self.scan_bytes(display, &buf), &buf),
            Ok(_) => match source::decode(&buf[..buf.len().min(8192)]) {
                Decoded::Binary => FileResult::Skipped(SkipReason::Binary),
                Decoded::Text(t)
                    if t.encoding == source::Encoding::Utf8
                        || t.encoding == source::Encoding::Utf8Bom =>
                {
                    self.scan_chunks(display, reader, &mut buf)
                }
                Decoded::Text(_) => match reader
                    .take(limit + 1 - buf.len() as u64)
                    .read_to_end(&mut buf)
                {
                    Err(e) => FileResult::Error(format!("cannot read: {e}")),
                    Ok(_) if buf.len() as u64 > limit => FileResult::Skipped(SkipReason::TooLarge),
                    Ok(_) => stamped(self.scan_bytes(display, &buf), &buf),
                },
            },
        };
        // Keep the allocation for the next file unless one huge file would pin it for the whole run.
        if buf.capacity() <= 4 << 20 {
            self.buf = buf;
        }
        result
    }

    /// Scans a long UTF-8 file chunk by chunk. Each chunk is read with `overlap` bytes of the text before
    /// and after it, so every rule's window (at most 8 KiB), the line snapping and the setting-name search
    /// see what they would see in the whole file; a finding belongs to the chunk its secret starts in, and
    /// its line, column and offsets are shifted to the file's. Chunks are cut at a character boundary and
    /// never between the CR and LF of one line end. What a chunk cannot see: a JSON setting's path when the
    /// chunk starts inside the document (the name before the value is used instead).
    fn scan_chunks(
        &mut self,
        display: &str,
        reader: &mut dyn Read,
        buf: &mut Vec<u8>,
    ) -> FileResult {
        let (chunk, overlap) = (self.chunking.chunk, self.chunking.overlap);
        let limit = self.settings.max_file_size;
        let mut base = 0usize; // file offset of buf[0]
        let mut lines_before = 0usize; // line ends before buf[0]
        let mut column_before = 0usize; // characters between the last line end before buf[0] and buf[0]
        let mut own_start = 0usize;
        let mut eof = false;
        let mut findings = Vec::new();
        // Every byte read goes through here once, in order, as it leaves `buf`.
        let mut snapshot = source::SnapshotHasher::default();
        loop {
            while !eof && buf.len() < own_start + chunk + overlap {
                let want = (own_start + chunk + overlap - buf.len()) as u64;
                match reader.take(want).read_to_end(buf) {
                    Ok(0) => eof = true,
                    Ok(_) => {}
                    Err(e) => return FileResult::Error(format!("cannot read: {e}")),
                }
                if (base + buf.len()) as u64 > limit {
                    return FileResult::Skipped(SkipReason::TooLarge);
                }
            }
            let own_end = if eof {
                buf.len()
            } else {
                cut_point(buf, own_start + chunk)
            };
            let text = if base == 0 {
                match source::decode(buf) {
                    Decoded::Text(t) => t,
                    Decoded::Binary => return FileResult::Skipped(SkipReason::Binary),
                }
            } else {
                source::decode_utf8(buf)
            };
            self.partial = base > 0;
            let part = self.scan_text(display, &text);
            self.partial = false;
            drop(text);
            for mut f in part {
                if f.start_offset < own_start || f.start_offset >= own_end {
                    continue;
                }
                if f.line == 1 {
                    f.column += column_before;
                }
                if f.end_line == 1 {
                    f.end_column += column_before;
                }
                f.line += lines_before;
                f.end_line += lines_before;
                f.start_offset += base;
                f.end_offset += base;
                findings.push(f);
            }
            if eof {
                break;
            }
            let keep = cut_point(buf, own_end - overlap);
            snapshot.update(&buf[..keep]);
            let (breaks, tail) = line_ends(&buf[..keep]);
            lines_before += breaks;
            column_before = match tail {
                Some(after_last_break) => chars(&buf[after_last_break..keep]),
                None => column_before + chars(&buf[..keep]),
            };
            buf.drain(..keep);
            base += keep;
            own_start = own_end - keep;
        }
        snapshot.update(buf);
        if !findings.is_empty() {
            let snapshot = std::sync::Arc::new(snapshot.finish());
            for f in &mut findings {
                f.scanned = Some(snapshot.clone());
            }
        }
        FileResult::Scanned {
            bytes: (base + buf.len()) as u64,
            findings,
        }
    }

    pub fn scan_bytes(&mut self, display: &str, bytes: &[u8]) -> FileResult {
        let text = match source::decode(bytes) {
            Decoded::Binary => return FileResult::Skipped(SkipReason::Binary),
            Decoded::Text(t) => t,
        };
        FileResult::Scanned {
            bytes: bytes.len() as u64,
            findings: self.scan_text(display, &text),
        }
    }

    /// The findings of decoded text (a whole file, or a chunk of a long one).
    fn scan_text(&mut self, display: &str, text: &source::Text<'_>) -> Vec<Finding> {
        let mut candidates = self.scanner.scan(display, &text.text);
        self.views.clear();
        decode::views(display, &text.text, &mut self.views);
        for view in &self.views {
            let decoded = self.scanner.scan(display, &view.text);
            if decoded.is_empty() {
                continue;
            }
            // What the decoded value holds is the finding; a rule that matched the encoded text of the
            // same value (a password-named key with a base64 value) would only report the encoding.
            // A mapped view (a notebook cell) replaces only the matches that overlap its own findings.
            let mapped: Vec<std::ops::Range<usize>> = decoded
                .iter()
                .map(|c| view.parent_range(&c.secret))
                .collect();
            if view.map.is_empty() {
                candidates.retain(|c| {
                    c.secret.end <= view.origin.start || c.secret.start >= view.origin.end
                });
            } else {
                candidates.retain(|c| {
                    !mapped
                        .iter()
                        .any(|m| c.secret.start < m.end && m.start < c.secret.end)
                });
            }
            for (mut c, range) in decoded.into_iter().zip(mapped) {
                c.secret = range;
                candidates.push(c);
            }
        }
        if candidates.is_empty() {
            Vec::new()
        } else {
            self.locate(display, text, candidates)
        }
    }

    fn locate(
        &self,
        display: &str,
        text: &source::Text<'_>,
        mut candidates: Vec<Candidate>,
    ) -> Vec<Finding> {
        candidates.retain(|c| !self.settings.allowlist.allows(&c.normalized));
        // Several secrets of one decoded value share its location: keep the highest-priority rule's.
        candidates.sort_by_key(|c| {
            (
                c.secret.start,
                c.secret.end,
                std::cmp::Reverse(self.rules.rules[c.rule].priority),
                c.rule,
            )
        });
        candidates.dedup_by(|a, b| a.secret == b.secret);
        let src = &*text.text;
        let lines = LineIndex::new(src);
        let masks: Vec<_> = candidates
            .iter()
            .map(|c| (c.secret.clone(), finding::preview(&c.normalized)))
            .collect();
        // Findings below --min-confidence are not reported, but their secrets are still masked in the
        // snippets of the findings that are.
        let min = self.settings.min_confidence;
        let shown: Vec<bool> = candidates
            .iter()
            .map(|c| c.confidence_in(self.rules) >= min)
            .collect();
        // Every secret of the file, to keep one out of a setting's name wherever it stands (a JSON path
        // can name a key far above its value).
        let raw_secrets: std::collections::HashSet<&str> = masks
            .iter()
            .map(|(r, _)| &src[r.clone()])
            .filter(|raw| raw.len() >= 6)
            .collect();
        // The masks touching each line, so a line with thousands of secrets (minified JSON) is not
        // re-filtered for every one of them.
        let mut masks_by_line: BTreeMap<usize, Vec<(std::ops::Range<usize>, String)>> =
            BTreeMap::new();
        for m in &masks {
            let first = lines.line_of(m.0.start);
            let last = lines.line_of(m.0.end);
            for l in first..=last {
                masks_by_line.entry(l).or_default().push(m.clone());
            }
        }
        // JSON settings are named by their path, found in one pass over the file for all findings.
        let json_paths: std::collections::HashMap<usize, Option<String>> =
            if !self.partial && display.to_ascii_lowercase().ends_with(".json") {
                let mut starts: Vec<usize> = candidates.iter().map(|c| c.secret.start).collect();
                starts.sort_unstable();
                starts.dedup();
                let mut paths = finding::JsonPaths::new(src);
                starts
                    .into_iter()
                    .map(|at| (at, paths.path_at(at)))
                    .collect()
            } else {
                Default::default()
            };
        let mut columns = ColumnCache::default();
        // One copy of the path for all of the file's findings.
        let path: std::sync::Arc<str> = display.into();
        candidates
            .into_iter()
            .zip(&masks)
            .zip(shown)
            .filter(|(_, shown)| *shown)
            .map(|((c, (_, preview)), _)| {
                let rule = &self.rules.rules[c.rule];
                let confidence = c.confidence_in(self.rules);
                let (line, column) = columns.locate(&lines, src, c.secret.start);
                let (end_line, end_column) = columns.locate(&lines, src, c.secret.end);
                // A capture names the target (account, server, user); one that looks generated is a
                // secret itself (`https://ghp_...:x-oauth-basic@github.com`) and is not kept.
                let mut captures: finding::Captures = c
                    .captures
                    .into_iter()
                    .filter(|(_, v)| !looks_like_a_secret(v))
                    .collect();
                let line_start = lines.line_range(src, line).start;
                // The end of the previous line (a `# keyless:allow` comment, a `name:` above a value),
                // at most NEAR bytes of it.
                let previous = (line > 1).then(|| {
                    let r = lines.line_range(src, line - 1);
                    let from = crate::source::ceil_char_boundary(
                        src,
                        r.end.saturating_sub(NEAR).max(r.start),
                    );
                    &src[from..r.end]
                });
                // The setting's name is near the value: a minified file's one line is not searched
                // whole for every finding on it.
                let near_start = crate::source::floor_char_boundary(
                    src,
                    c.secret.start.saturating_sub(NEAR).max(line_start),
                );
                // A cut line starts after its first separator, so a name never begins inside a secret.
                let near_start = if near_start > line_start {
                    src[near_start..c.secret.start]
                        .find(|ch: char| ch.is_whitespace() || ";,\"'{&".contains(ch))
                        .map_or(c.secret.start, |i| near_start + i + 1)
                } else {
                    near_start
                };
                let prefix = &src[near_start..c.secret.start];
                // In JSON the whole path names the setting (`Stripe:ApiKey`); local.settings.json's
                // `Values` are the app's settings themselves.
                let json_path = json_paths
                    .get(&c.secret.start)
                    .cloned()
                    .flatten()
                    .map(|p| match p.strip_prefix("Values:") {
                        Some(rest) if display.ends_with("local.settings.json") => rest.to_string(),
                        _ => p,
                    });
                let setting = json_path
                    .or_else(|| finding::setting_of(prefix, previous))
                    .map(|s| {
                        // `param adminPassword string = '...'` and a Terraform variable's
                        // `default = "..."`: the word before the value is a type or a keyword, and the
                        // rule's own name for the setting is the right one.
                        match captures.get("key_name") {
                            Some(name) if finding::is_structural_word(&s) => name.clone(),
                            _ => s,
                        }
                    });
                // A "name" that is itself a secret (`ghp_...=sk_live_...`, a token used as a JSON key or
                // as a `name:`) is not kept: it would be printed as the setting.
                let is_secret = |name: &str| {
                    name.split([':', '.'])
                        .chain(name.split("__"))
                        .any(|segment| raw_secrets.contains(segment))
                        || (line.saturating_sub(1)..=line).any(|l| {
                            masks_by_line.get(&l).is_some_and(|ms| {
                                near(ms, c.secret.start.saturating_sub(NEAR), c.secret.end)
                                    .iter()
                                    .any(|(r, _)| {
                                        let raw = &src[r.clone()];
                                        (raw.len() >= 6 && name.contains(raw))
                                            || (name.len() >= 6 && raw.contains(name))
                                    })
                            })
                        })
                };
                if let Some(setting) = setting.filter(|s| !is_secret(s)) {
                    captures.insert_if_absent("setting".to_string(), setting);
                }
                let full_line = lines.line_range(src, line);
                let window = crate::source::floor_char_boundary(
                    src,
                    c.secret.start.saturating_sub(NEAR).max(full_line.start),
                )
                    ..crate::source::ceil_char_boundary(
                        src,
                        (c.secret.end + NEAR).min(full_line.end),
                    );
                let suppression = self
                    .settings
                    .inline_allow
                    .token_for(&src[window.clone()], previous)
                    .map(|token| Suppression::Inline { token });
                let (snippet, snippet_focus) = finding::masked_line(
                    src,
                    window.clone(),
                    masks_by_line
                        .get(&line)
                        .map_or(&[][..], |ms| near(ms, window.start, window.end)),
                    &c.secret,
                );
                Finding {
                    rule_id: rule.id.clone(),
                    title: rule.title.clone(),
                    service: rule.service.clone(),
                    severity: rule.severity,
                    confidence,
                    path: path.clone(),
                    line,
                    column,
                    end_line,
                    end_column,
                    start_offset: text.map.original(c.secret.start),
                    end_offset: text.map.original(c.secret.end),
                    preview: preview.clone(),
                    snippet: snippet.into(),
                    snippet_focus,
                    // Rendered after the scan, once per finding (see `remediation::attach`).
                    remediation: crate::rendered::Rendered::none(),
                    captures,
                    fingerprint: self.key.fingerprint(&c.normalized),
                    history_only_commit: None,
                    history: None,
                    suppression,
                    secret: self.settings.show_secrets.then(|| c.normalized.clone()),
                    rule_index: c.rule,
                    fs_path: None,
                    // Set by scan_reader, which has all of the file's bytes.
                    scanned: None,
                }
            })
            .collect()
    }
}

/// How far from a secret, in bytes, its line is read for the setting's name, inline allow comments and
/// the snippet. A minified file is one line; reading it whole for each of thousands of findings on it
/// would make a scan quadratic in the file's size.
const NEAR: usize = 4096;

/// A generated-looking string of 20 characters or more that is not a GUID: kept out of captures.
fn looks_like_a_secret(v: &str) -> bool {
    v.len() >= 20
        && !crate::detect::classify::is_guid(v)
        && !v.contains(['.', '/', ':', ' '])
        && crate::detect::classify::looks_generated(v)
}

/// The masks (sorted by start) that may touch `lo..hi`: a binary search, not a filter over the line.
fn near(
    masks: &[(std::ops::Range<usize>, String)],
    lo: usize,
    hi: usize,
) -> &[(std::ops::Range<usize>, String)] {
    // Secrets are at most tens of KiB; a mask starting this far before `lo` cannot reach it.
    let from = masks.partition_point(|(r, _)| r.start + (1 << 16) < lo);
    let to = masks.partition_point(|(r, _)| r.start < hi);
    &masks[from..to.max(from)]
}

/// Line and column of offsets that mostly grow (findings in file order): the column is counted on from
/// the previous offset on the same line instead of from the line's start each time.
#[derive(Default)]
struct ColumnCache {
    last: Option<(usize, usize, usize)>,
}

impl ColumnCache {
    fn locate(&mut self, lines: &LineIndex, text: &str, offset: usize) -> (usize, usize) {
        let line = lines.line_of(offset);
        let column = match self.last {
            Some((l, at, col)) if l == line && at <= offset => {
                col + text[at..offset].chars().count()
            }
            _ => lines.locate(text, offset).1,
        };
        self.last = Some((line, offset, column));
        (line, column)
    }
}

/// Bumps the progress counters for one file's result.
pub(crate) fn count(progress: &Progress, result: &FileResult) {
    if let FileResult::Scanned { bytes, findings } = result {
        progress.add(*bytes, findings.len() as u64);
    }
}

/// Collects per-file results into an outcome.
#[derive(Default)]
pub(crate) struct Collector {
    findings: Vec<Finding>,
    stats: Stats,
    errors: Vec<FileError>,
    scanned: ScannedPaths,
}

impl Collector {
    pub(crate) fn record(&mut self, display: String, result: FileResult) {
        match result {
            FileResult::Scanned { bytes, findings } => {
                self.scanned.insert(&display);
                self.stats.files_scanned += 1;
                self.stats.bytes_scanned += bytes;
                append(&mut self.findings, findings);
            }
            FileResult::Skipped(reason) => self.skip(reason),
            FileResult::Error(message) => self.errors.push(FileError {
                path: display,
                message,
            }),
        }
    }

    pub(crate) fn skip(&mut self, reason: SkipReason) {
        let s = &mut self.stats.skipped;
        match reason {
            SkipReason::TooLarge => s.too_large += 1,
            SkipReason::Binary => s.binary += 1,
            SkipReason::NotRegularFile => s.not_regular_file += 1,
            SkipReason::Symlink => s.symlink += 1,
        }
    }

    pub(crate) fn merge(&mut self, other: Collector) {
        append(&mut self.findings, other.findings);
        self.errors.extend(other.errors);
        self.scanned.extend(other.scanned);
        let (a, b) = (&mut self.stats, other.stats);
        a.files_scanned += b.files_scanned;
        a.bytes_scanned += b.bytes_scanned;
        a.skipped.too_large += b.skipped.too_large;
        a.skipped.binary += b.skipped.binary;
        a.skipped.not_regular_file += b.skipped.not_regular_file;
        a.skipped.symlink += b.skipped.symlink;
    }

    pub(crate) fn finish(mut self) -> ScanOutcome {
        sort_findings(&mut self.findings);
        self.errors.sort();
        let mut outcome = ScanOutcome {
            findings: self.findings,
            stats: self.stats,
            errors: self.errors,
            scanned: self.scanned,
        };
        outcome.recount();
        outcome
    }
}

/// Appends `more` to `findings`, taking `more`'s allocation when `findings` is empty: one file with
/// 250,000 findings, or one worker that found them all, would otherwise exist twice while it is copied.
fn append(findings: &mut Vec<Finding>, more: Vec<Finding>) {
    if findings.is_empty() {
        *findings = more;
    } else {
        findings.extend(more);
    }
}

/// Scans every root of `config` (and standard input if asked) with `detector`.
pub fn run(config: &Config, detector: &Detector, key: &FingerprintKey) -> ScanOutcome {
    let settings = ScanSettings::from_config(config);
    let paths: Vec<PathBuf> = config.roots.iter().flatten().cloned().collect();
    let mut collector = walk_paths(config, detector, key, &settings, &paths);
    if config.roots.iter().any(Option::is_none) {
        let mut fs = FileScanner::new(detector, key, &settings);
        let result = fs.scan_reader(STDIN_NAME, &mut std::io::stdin().lock());
        collector.record(STDIN_NAME.to_string(), result);
    }
    collector.finish()
}

/// Walks `paths` in parallel and scans every file found.
pub(crate) fn walk_paths(
    config: &Config,
    detector: &Detector,
    key: &FingerprintKey,
    settings: &ScanSettings,
    paths: &[PathBuf],
) -> Collector {
    let shared = Mutex::new(Collector::default());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let slots = Slots::new(config.threads.min(cores).max(1), || {
        FileScanner::new(detector, key, settings)
    });
    walk::walk(config, paths, || {
        Worker {
            slots: &slots,
            local: Collector::default(),
            shared: &shared,
            progress: &config.progress,
        }
        .into_visitor()
    });
    shared.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// The file scanners that walker threads take turns with: at most one per core reads and scans a file
/// at a time, whatever `--threads` says. More threads than cores still help walk folders on a slow disk,
/// but what a scanner holds (a file's bytes, up to 4 MiB kept between files, and one lazy-DFA cache per
/// rule regex it ran) would otherwise grow with the thread count: 16 threads on 2 cores took a
/// configuration tree from 47 to 121 MiB.
struct Slots<'a> {
    free: Mutex<Vec<FileScanner<'a>>>,
    returned: std::sync::Condvar,
}

impl<'a> Slots<'a> {
    fn new(n: usize, make: impl Fn() -> FileScanner<'a>) -> Slots<'a> {
        Slots {
            free: Mutex::new((0..n).map(|_| make()).collect()),
            returned: std::sync::Condvar::new(),
        }
    }

    /// Waits for a free scanner; it goes back when the guard is dropped, also on a panic.
    fn take(&self) -> SlotGuard<'_, 'a> {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(scanner) = free.pop() {
                return SlotGuard {
                    slots: self,
                    scanner: Some(scanner),
                };
            }
            free = self.returned.wait(free).unwrap_or_else(|e| e.into_inner());
        }
    }
}

struct SlotGuard<'s, 'a> {
    slots: &'s Slots<'a>,
    scanner: Option<FileScanner<'a>>,
}

impl<'a> std::ops::Deref for SlotGuard<'_, 'a> {
    type Target = FileScanner<'a>;
    fn deref(&self) -> &FileScanner<'a> {
        self.scanner.as_ref().expect("held until drop")
    }
}

impl<'a> std::ops::DerefMut for SlotGuard<'_, 'a> {
    fn deref_mut(&mut self) -> &mut FileScanner<'a> {
        self.scanner.as_mut().expect("held until drop")
    }
}

impl Drop for SlotGuard<'_, '_> {
    fn drop(&mut self) {
        if let Some(scanner) = self.scanner.take() {
            let mut free = self.slots.free.lock().unwrap_or_else(|e| e.into_inner());
            free.push(scanner);
            self.slots.returned.notify_one();
        }
    }
}

struct Worker<'a> {
    slots: &'a Slots<'a>,
    local: Collector,
    shared: &'a Mutex<Collector>,
    progress: &'a Progress,
}

impl<'a> Worker<'a> {
    fn into_visitor(mut self) -> impl FnMut(Visit) + Send + 'a {
        move |visit| self.visit(visit)
    }

    fn visit(&mut self, visit: Visit) {
        match visit {
            Visit::File { fs_path, display } => {
                let mut result = match std::fs::File::open(&fs_path) {
                    Ok(mut file) => self.slots.take().scan_reader(&display, &mut file),
                    Err(e) => FileResult::Error(format!("cannot open: {e}")),
                };
                if let FileResult::Scanned { findings, .. } = &mut result {
                    // One copy of the path for all of the file's findings.
                    let shared: std::sync::Arc<std::path::Path> = fs_path.as_path().into();
                    for f in findings {
                        f.fs_path = Some(shared.clone());
                    }
                }
                count(self.progress, &result);
                self.local.record(display, result);
            }
            Visit::Skipped { reason, .. } => self.local.skip(reason),
            Visit::Error { display, message } => {
                self.local.record(display, FileResult::Error(message))
            }
        }
    }
}

impl Drop for Worker<'_> {
    fn drop(&mut self) {
        let local = std::mem::take(&mut self.local);
        let mut shared = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        shared.merge(local);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scanned paths answer by path across workers' merged sets; a path never recorded is not there.
    #[test]
    fn scanned_paths_are_remembered_across_merges() {
        let mut a = ScannedPaths::default();
        a.insert("src/app.env");
        let mut b = ScannedPaths::default();
        b.insert("deploy/values.yaml");
        a.extend(b);
        assert!(a.contains("src/app.env") && a.contains("deploy/values.yaml"));
        assert!(!a.contains("src/app.env.bak") && !a.contains("deploy"));
    }
    use crate::rules::RuleSet;
    use std::sync::Arc;

    /// Moving items by a permutation's cycles puts each where a plain gather would, for the identity,
    /// a reversal, single cycles and a shuffled order with fixed points.
    #[test]
    fn permute_puts_every_item_where_its_index_says() {
        let n = 50;
        let mut shuffled: Vec<usize> = (0..n).collect();
        let mut state = 7u64;
        for i in (1..n).rev() {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            shuffled.swap(i, (state >> 33) as usize % (i + 1));
        }
        let orders = [
            (0..n).collect::<Vec<_>>(),
            (0..n).rev().collect(),
            (1..n).chain([0]).collect(),
            shuffled,
        ];
        for order in orders {
            let items: Vec<String> = (0..n).map(|i| format!("item{i}")).collect();
            let expected: Vec<String> = order.iter().map(|&i| items[i].clone()).collect();
            let (mut moved, mut order) = (items, order);
            permute(&mut moved, &mut order);
            assert_eq!(moved, expected);
        }
    }

    /// A reader that hands out some bytes and then fails, as a file on a failing disk or a network
    /// mount does.
    struct Failing(usize);

    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0 == 0 {
                return Err(std::io::Error::other("device went away"));
            }
            let n = self.0.min(buf.len());
            buf[..n].fill(b'a');
            self.0 -= n;
            Ok(n)
        }
    }

    /// A read that fails halfway, and a file that vanished between listing and opening, are recorded as
    /// errors with their reason; the worker goes on and the next file's findings are kept.
    #[test]
    fn failed_reads_and_vanished_files_are_errors_and_the_scan_goes_on() {
        let detector = Detector::new(Arc::new(RuleSet::builtin().unwrap()));
        let key = FingerprintKey::from_seed(FingerprintKey::DEFAULT_SEED);
        let settings = ScanSettings::default();
        let mut scanner = FileScanner::new(&detector, &key, &settings);
        match scanner.scan_reader("broken.env", &mut Failing(10_000)) {
            FileResult::Error(message) => {
                assert!(message.contains("device went away"), "{message}")
            }
            other => panic!("{other:?}"),
        }

        let dir = tempfile::tempdir().unwrap();
        let present = dir.path().join("present.env");
        std::fs::write(&present, "DB_PASSWORD=Vq8wLzT3rPk2Nd6s\n").unwrap();
        let shared = Mutex::new(Collector::default());
        let progress = Progress::default();
        let slots = Slots::new(1, || FileScanner::new(&detector, &key, &settings));
        {
            let mut worker = Worker {
                slots: &slots,
                local: Collector::default(),
                shared: &shared,
                progress: &progress,
            };
            worker.visit(Visit::File {
                fs_path: dir.path().join("vanished.env"),
                display: "vanished.env".into(),
            });
            worker.visit(Visit::File {
                fs_path: present,
                display: "present.env".into(),
            });
        }
        let collected = shared.into_inner().unwrap();
        // The progress counters saw what the collector saw.
        assert_eq!(
            progress.snapshot(),
            ProgressSnapshot {
                files: collected.stats.files_scanned,
                bytes: collected.stats.bytes_scanned,
                findings: collected.findings.len() as u64,
            }
        );
        assert_eq!(collected.errors.len(), 1);
        assert_eq!(collected.errors[0].path, "vanished.env");
        assert!(collected.errors[0].message.starts_with("cannot open"));
        assert_eq!(collected.stats.files_scanned, 1);
        assert_eq!(collected.findings.len(), 1);
        assert_eq!(&*collected.findings[0].path, "present.env");
    }

    /// A long file scanned in chunks gives exactly the findings of the whole file: secrets on both sides
    /// of every boundary, on a long line that crosses several chunks (columns after the cut), after
    /// multi-byte characters and across CRLF, LF and lone-CR line ends.
    #[test]
    fn chunked_scans_find_what_whole_scans_find() {
        let detector = Detector::new(Arc::new(RuleSet::builtin().unwrap()));
        let key = FingerprintKey::from_seed(FingerprintKey::DEFAULT_SEED);
        let settings = ScanSettings {
            max_file_size: 1 << 30,
            ..ScanSettings::default()
        };
        let mut text = String::new();
        for i in 0..3000 {
            let end = ["\n", "\r\n", "\r"][i % 3];
            match i % 7 {
                0 => text.push_str(&format!("DB_PASSWORD=Vq8wLzT3rPk2Nd{i:04}{end}")),
                1 => text.push_str(&format!("# déjà vu {i} 日本語 filler line{end}")),
                2 => text.push_str(&format!(
                    "STORAGE=DefaultEndpointsProtocol=https;AccountName=acct{i};AccountKey={}{:04}==;EndpointSuffix=core.windows.net{end}",
                    "QmFzZTY0S2V5Rm9yVGVzdGluZ09ubHlOb3RBUmVhbEtleUFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6MDEy".get(..82).unwrap(),
                    i
                )),
                3 if i % 50 == 3 => {
                    // A long line of JSON-ish objects that crosses chunk boundaries.
                    for j in 0..600 {
                        text.push_str(&format!("{{\"name\":\"é{j}\",\"password\":\"Zx9{i}q{j}Lm2vB8kT\"}},"));
                    }
                    text.push_str(end);
                }
                _ => text.push_str(&format!("GREETING=hello world {i}{end}")),
            }
        }
        let bytes = text.as_bytes();
        let whole = match FileScanner::new(&detector, &key, &settings).scan_bytes("big.env", bytes)
        {
            FileResult::Scanned { findings, .. } => findings,
            other => panic!("{other:?}"),
        };
        assert!(whole.len() > 1000, "{}", whole.len());
        let chunking = Chunking {
            chunk: 24_000,
            overlap: 16_384,
        };
        let mut chunked = FileScanner::new(&detector, &key, &settings).with_chunking(chunking);
        let parts = match chunked.scan_reader("big.env", &mut &bytes[..]) {
            FileResult::Scanned { findings, bytes: n } => {
                assert_eq!(n, bytes.len() as u64);
                findings
            }
            other => panic!("{other:?}"),
        };
        assert!(bytes.len() > 10 * chunking.chunk);
        let json = |f: &[Finding]| serde_json::to_string_pretty(f).unwrap();
        assert_eq!(parts.len(), whole.len());
        for (a, b) in parts.iter().zip(&whole) {
            assert_eq!(json(std::slice::from_ref(a)), json(std::slice::from_ref(b)));
        }
    }

    /// A file that changes between two reads of one scan, as a reader: the first `switch_at` bytes
    /// come from `before`, the rest from `after` at the same offset (the file rewritten, extended or
    /// truncated in place), each read seeing one version. `delivered` is what the reads returned.
    struct Changing {
        before: Vec<u8>,
        after: Vec<u8>,
        switch_at: usize,
        pos: usize,
        delivered: Vec<u8>,
    }

    impl Changing {
        fn new(before: &[u8], after: &[u8], switch_at: usize) -> Changing {
            assert!(switch_at <= before.len());
            Changing {
                before: before.to_vec(),
                after: after.to_vec(),
                switch_at,
                pos: 0,
                delivered: Vec::new(),
            }
        }
    }

    impl Read for Changing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let (source, end) = if self.pos < self.switch_at {
                (&self.before, self.switch_at)
            } else {
                (&self.after, self.after.len())
            };
            let n = buf.len().min(end.saturating_sub(self.pos));
            if n == 0 {
                return Ok(0);
            }
            buf[..n].copy_from_slice(&source[self.pos..self.pos + n]);
            self.delivered.extend_from_slice(&buf[..n]);
            self.pos += n;
            Ok(n)
        }
    }

    /// `lines` lines of settings with a generated password on every seventh, numbered from `tag` so that
    /// two versions of a file hold different secrets and line lengths.
    fn settings_file(lines: usize, tag: usize) -> Vec<u8> {
        let mut text = String::new();
        for i in 0..lines {
            if i % 7 == 3 {
                text.push_str(&format!("DB_PASSWORD_{i}=Vq8wLzT3rPk2Nd{:06}\n", tag + i));
            } else {
                text.push_str(&format!(
                    "GREETING_{i}=hello world {}\n",
                    "x".repeat((tag + i) % 13)
                ));
            }
        }
        text.into_bytes()
    }

    /// A file that grows, shrinks, is truncated or is rewritten while it is read is scanned as exactly
    /// the bytes the reads returned: the findings are those of a scan of that byte sequence, their
    /// offsets point at their secrets in it, and their snapshot is its digest. Whole reads and chunked
    /// reads (the change falling between two chunks) alike.
    #[test]
    fn a_file_that_changes_while_it_is_read_is_scanned_as_the_bytes_read() {
        let detector = Detector::new(Arc::new(RuleSet::builtin().unwrap()));
        let key = FingerprintKey::from_seed(FingerprintKey::DEFAULT_SEED);
        let scan_settings = ScanSettings::default();
        let v1 = settings_file(8000, 0);
        let v2 = settings_file(8000, 500_000);
        let mut grown = v1.clone();
        grown.extend_from_slice(b"API_PASSWORD=Hq7rTz2Lm9vKx4Wp\n");
        let middle = v1.len() / 2;
        let cases: [(&str, Changing); 4] = [
            ("grows", Changing::new(&v1, &grown, v1.len())),
            ("shrinks", Changing::new(&v1, &v1[..middle + 777], middle)),
            ("is truncated", Changing::new(&v1, b"", middle)),
            ("is rewritten", Changing::new(&v1, &v2, middle)),
        ];
        let chunked = Chunking {
            chunk: 24_000,
            overlap: 16_384,
        };
        assert!(v1.len() > 3 * (chunked.chunk + 2 * chunked.overlap));
        for (what, case) in cases {
            for chunking in [Chunking::default(), chunked] {
                let mut reader = Changing::new(&case.before, &case.after, case.switch_at);
                let mut scanner =
                    FileScanner::new(&detector, &key, &scan_settings).with_chunking(chunking);
                let (bytes, findings) = match scanner.scan_reader("app.env", &mut reader) {
                    FileResult::Scanned { bytes, findings } => (bytes, findings),
                    other => panic!("{what}: {other:?}"),
                };
                let delivered = reader.delivered;
                assert_eq!(bytes, delivered.len() as u64, "{what}");
                let expected = match FileScanner::new(&detector, &key, &scan_settings)
                    .scan_bytes("app.env", &delivered)
                {
                    FileResult::Scanned { findings, .. } => findings,
                    other => panic!("{what}: {other:?}"),
                };
                assert!(expected.len() > 100, "{what}: {}", expected.len());
                let json = |f: &[Finding]| serde_json::to_string(f).unwrap();
                assert_eq!(json(&findings), json(&expected), "{what}");
                let snapshot = source::Snapshot::of(&delivered);
                for f in &findings {
                    assert_eq!(f.scanned.as_deref(), Some(&snapshot), "{what}");
                    // The preview starts with the secret's first characters, which are at its offset.
                    let first: String = f.preview.chars().take(4).collect();
                    assert_eq!(
                        &delivered[f.start_offset..f.start_offset + 4],
                        first.as_bytes(),
                        "{what}: {}:{}",
                        f.line,
                        f.column
                    );
                }
            }
        }
    }

    /// A file that keeps growing while it is read (a log being written) is read no further than the
    /// size limit and skipped as too large, through whole reads and chunked ones.
    #[test]
    fn a_file_that_grows_without_end_is_skipped_at_the_size_limit() {
        let detector = Detector::new(Arc::new(RuleSet::builtin().unwrap()));
        let key = FingerprintKey::from_seed(FingerprintKey::DEFAULT_SEED);
        let settings = ScanSettings {
            max_file_size: 300_000,
            ..ScanSettings::default()
        };
        let chunked = Chunking {
            chunk: 24_000,
            overlap: 16_384,
        };
        for chunking in [Chunking::default(), chunked] {
            let mut scanner = FileScanner::new(&detector, &key, &settings).with_chunking(chunking);
            let mut endless = std::io::repeat(b'a');
            assert!(matches!(
                scanner.scan_reader("growing.log", &mut endless),
                FileResult::Skipped(SkipReason::TooLarge)
            ));
        }
    }

    /// A file on disk truncated or extended after it was opened (between the walk's metadata and the
    /// read) is scanned as it is when read: no error, nothing from beyond its end, its new lines found.
    /// Reading rather than memory-mapping is what makes the truncation harmless.
    #[test]
    fn a_file_truncated_or_extended_after_opening_is_scanned_as_read() {
        let detector = Detector::new(Arc::new(RuleSet::builtin().unwrap()));
        let key = FingerprintKey::from_seed(FingerprintKey::DEFAULT_SEED);
        let settings = ScanSettings::default();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.env");
        let text = settings_file(300, 0);
        let scan = |file: &mut std::fs::File| match FileScanner::new(&detector, &key, &settings)
            .scan_reader("app.env", file)
        {
            FileResult::Scanned { bytes, findings } => (bytes, findings),
            other => panic!("{other:?}"),
        };

        std::fs::write(&path, &text).unwrap();
        let mut opened = std::fs::File::open(&path).unwrap();
        let half = text.len() / 2;
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(half as u64)
            .unwrap();
        let (bytes, findings) = scan(&mut opened);
        assert_eq!(bytes, half as u64);
        assert!(!findings.is_empty());
        assert!(findings.iter().all(|f| f.end_offset <= half));

        std::fs::write(&path, &text).unwrap();
        let mut opened = std::fs::File::open(&path).unwrap();
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(0)
            .unwrap();
        let (bytes, findings) = scan(&mut opened);
        assert_eq!(bytes, 0);
        assert!(findings.is_empty());

        std::fs::write(&path, &text).unwrap();
        let mut opened = std::fs::File::open(&path).unwrap();
        let mut appended = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        std::io::Write::write_all(&mut appended, b"LATE_PASSWORD=Hq7rTz2Lm9vKx4Wp\n").unwrap();
        let (bytes, findings) = scan(&mut opened);
        assert_eq!(bytes, text.len() as u64 + 31);
        let last = findings.last().unwrap();
        assert_eq!(last.line, text.iter().filter(|&&b| b == b'\n').count() + 1);
    }

    /// What is worked out after the scan from a second read of a file (the resource around a secret in
    /// Terraform, the rewrite `keyless fix` would make) comes from that read only if it holds the bytes
    /// the scan read. A file changed in between keeps its findings, located in what was scanned, but
    /// they describe nothing of the new text; the same bytes written again count as unchanged.
    #[test]
    fn remediation_reads_nothing_from_a_file_that_changed_after_the_scan() {
        let detector = Detector::new(Arc::new(RuleSet::builtin().unwrap()));
        let key = FingerprintKey::from_seed(FingerprintKey::DEFAULT_SEED);
        let settings = ScanSettings::default();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("main.tf");
        let terraform = |name: &str| {
            format!(
                "resource \"azurerm_mssql_server\" \"{name}\" {{\n  name                         = \"sql-prod\"\n  administrator_login          = \"sqladmin\"\n  administrator_login_password = \"Zx9#qLm2vB8kT4pW\"\n}}\n"
            )
        };
        let ctx = crate::remediation::Context {
            top: Some(dir.path().to_path_buf()),
            plan_fixes: true,
            roots: vec![dir.path().to_path_buf()],
            ..Default::default()
        };
        let scan_then_attach = |written_after_scan: Option<String>| {
            std::fs::write(&path, terraform("db")).unwrap();
            let mut file = std::fs::File::open(&path).unwrap();
            let mut findings = match FileScanner::new(&detector, &key, &settings)
                .scan_reader("main.tf", &mut file)
            {
                FileResult::Scanned { findings, .. } => findings,
                other => panic!("{other:?}"),
            };
            for f in &mut findings {
                f.fs_path = Some(path.as_path().into());
            }
            if let Some(text) = written_after_scan {
                std::fs::write(&path, text).unwrap();
            }
            crate::remediation::attach(&detector.rules, &mut findings, &ctx);
            assert_eq!(findings.len(), 1);
            findings.remove(0)
        };

        let unchanged = scan_then_attach(None);
        let site = unchanged.remediation.infrastructure.as_deref().unwrap();
        assert_eq!(site.resource.as_deref(), Some("azurerm_mssql_server.db"));
        assert!(unchanged.remediation.fix.is_some());

        let renamed = scan_then_attach(Some(terraform("renamed")));
        assert_eq!(
            (renamed.line, renamed.column, &renamed.snippet),
            (unchanged.line, unchanged.column, &unchanged.snippet)
        );
        assert_eq!(renamed.remediation.infrastructure, None);
        assert_eq!(renamed.remediation.fix, None);

        let same_again = scan_then_attach(Some(terraform("db")));
        assert_eq!(same_again.remediation, unchanged.remediation);
    }
}
