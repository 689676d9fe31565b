//! `keyless fix`: applies the rewrites that `remediation::rewrite` planned to a file's text, shows the diff
//! with its secrets masked, and writes the file back. Files are written atomically, keeping their permissions, encoding
//! (a BOM stays, UTF-16 stays UTF-16) and line endings; a file that changes between planning and writing,
//! or that does not decode losslessly, is refused.

use crate::atomic::write_atomically;
use crate::finding::{Finding, LineIndex};
use crate::remediation::rewrite::Rewrite;
use crate::source::{self, Encoding};
use anyhow::{Context, Result};
use std::ops::Range;
use std::path::Path;

/// Applies the rewrites that `force` allows, skipping any that overlap one already applied.
pub fn apply(text: &str, rewrites: &[Rewrite], force: bool) -> (String, usize) {
    let mut edits: Vec<&(Range<usize>, String)> = rewrites
        .iter()
        .filter(|r| r.applies(force))
        .map(|r| &r.edit)
        .collect();
    edits.sort_by_key(|e| e.0.start);
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    let mut applied = 0;
    for (range, replacement) in edits {
        if range.start < pos || range.start > range.end || range.end > text.len() {
            continue;
        }
        out.push_str(&text[pos..range.start]);
        out.push_str(replacement);
        pos = range.end;
        applied += 1;
    }
    out.push_str(&text[pos..]);
    (out, applied)
}

/// The unified diff of a rewrite of the file shown as `shown`, with the secrets of `secrets` masked: the
/// removed lines hold them, and a context line may too, so they are masked as every report masks them.
pub fn masked_diff<'f>(
    text: &str,
    new_text: &str,
    shown: &str,
    secrets: impl Iterator<Item = &'f Finding>,
) -> String {
    let diff = similar::TextDiff::from_lines(text, new_text);
    let mut shown = diff
        .unified_diff()
        .header(&format!("a/{shown}"), &format!("b/{shown}"))
        .to_string();
    // A secret that spans lines (a PEM key) never stands whole in a diff, whose every line has a prefix:
    // each of its lines is masked on its own.
    for f in secrets {
        let raw = secret_text(text, f);
        if raw.is_empty() {
            continue;
        }
        shown = shown.replace(raw, &f.preview);
        if raw.contains(['\n', '\r']) {
            for piece in raw.split(['\n', '\r']) {
                if piece.len() >= 4 {
                    shown = shown.replace(piece, "…");
                }
            }
        }
    }
    shown
}

/// Writes the rewritten text back in the file's own encoding, atomically, unless the file no longer holds
/// `scanned` (the bytes the rewrite was planned from): false then, and nothing is written.
pub fn write_if_unchanged(
    path: &Path,
    scanned: &[u8],
    new_text: &str,
    encoding: Encoding,
) -> Result<bool> {
    let now = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    if now != scanned {
        return Ok(false);
    }
    write_atomically(path, &source::encode(new_text, encoding))?;
    Ok(true)
}

/// The finding's secret as it stands in `text` (for masking it in a diff).
pub fn secret_text<'t>(text: &'t str, f: &Finding) -> &'t str {
    let lines = LineIndex::new(text);
    if f.line == 0 || f.end_line > lines.count() {
        return "";
    }
    let start = lines.offset(text, f.line, f.column);
    let end = lines.offset(text, f.end_line, f.end_column).max(start);
    &text[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remediation::rewrite::Check;

    #[test]
    fn overlapping_edits_are_applied_once() {
        let r = |range: Range<usize>, s: &str| Rewrite {
            line: 1,
            rule_id: "x".into(),
            description: String::new(),
            edit: (range, s.into()),
            checks: vec![Check::Passed(String::new())],
        };
        let (out, n) = apply("abcdef", &[r(1..3, "X"), r(2..4, "Y"), r(4..5, "Z")], false);
        assert_eq!((out.as_str(), n), ("aXdZf", 2));
    }

    /// A file is written back only if it still holds the bytes its rewrite was planned from: one that
    /// another writer changed in between is left as that writer left it, and the caller is told.
    #[test]
    fn a_file_changed_since_it_was_read_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("appsettings.json");
        std::fs::write(&path, "{\"Db\": \"old\"}\n").unwrap();
        let planned_from = std::fs::read(&path).unwrap();
        std::fs::write(&path, "{\"Db\": \"someone else's\"}\n").unwrap();
        let written =
            write_if_unchanged(&path, &planned_from, "{\"Db\": \"new\"}\n", Encoding::Utf8)
                .unwrap();
        assert!(!written);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "{\"Db\": \"someone else's\"}\n"
        );

        let planned_from = std::fs::read(&path).unwrap();
        let written =
            write_if_unchanged(&path, &planned_from, "{\"Db\": \"new\"}\n", Encoding::Utf8)
                .unwrap();
        assert!(written);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "{\"Db\": \"new\"}\n"
        );
    }
}
