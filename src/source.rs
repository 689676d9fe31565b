//! From bytes on disk (or in a git blob) to the text the scanner reads.
//!
//! Owns the decoding decisions: a byte-order mark decides the encoding first (UTF-8, UTF-16 LE/BE); only
//! files without one are sniffed for binary content (a NUL byte in the first 8 KiB), so a UTF-16 web.config
//! is scanned while a PNG is not. Invalid UTF-8 is replaced, never fatal. Findings are located in the
//! decoded text but must report byte offsets into the file as stored, so every decoded text carries an
//! [`OffsetMap`] back to the original bytes.

use std::borrow::Cow;

/// How far into a BOM-less file we look for a NUL byte before calling it binary (the same as git and rg).
pub const BINARY_SNIFF_LEN: usize = 8 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
}

/// Maps a byte offset in the decoded UTF-8 text to the byte offset in the original file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OffsetMap {
    /// Original = decoded + shift (plain UTF-8, possibly after a BOM).
    Shift(usize),
    /// Sorted `(decoded, original)` anchors; between two anchors the mapping is the identity shift of the
    /// earlier one. Used for UTF-16 (an anchor per character) and lossy UTF-8 (an anchor per valid run and
    /// per replacement character). Ends with an anchor at `(text.len(), file.len())`.
    Anchors(Vec<(usize, usize)>),
}

impl OffsetMap {
    pub fn original(&self, decoded: usize) -> usize {
        match self {
            OffsetMap::Shift(s) => decoded + s,
            OffsetMap::Anchors(a) => {
                let i = a.partition_point(|&(d, _)| d <= decoded).saturating_sub(1);
                let (d, o) = a[i];
                o + (decoded - d)
            }
        }
    }
}

#[derive(Debug)]
pub struct Text<'a> {
    pub text: Cow<'a, str>,
    pub map: OffsetMap,
    pub encoding: Encoding,
}

#[derive(Debug)]
pub enum Decoded<'a> {
    Text(Text<'a>),
    Binary,
}

pub fn decode(bytes: &[u8]) -> Decoded<'_> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return Decoded::Text(utf8(rest, 3, Encoding::Utf8Bom));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return Decoded::Text(utf16(rest, false));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return Decoded::Text(utf16(rest, true));
    }
    let sniff = &bytes[..bytes.len().min(BINARY_SNIFF_LEN)];
    if memchr(0, sniff) {
        return Decoded::Binary;
    }
    Decoded::Text(utf8(bytes, 0, Encoding::Utf8))
}

fn memchr(needle: u8, hay: &[u8]) -> bool {
    hay.contains(&needle)
}

/// UTF-8 text without BOM or binary sniffing: a chunk from inside a long file.
pub fn decode_utf8(bytes: &[u8]) -> Text<'_> {
    utf8(bytes, 0, Encoding::Utf8)
}

fn utf8(bytes: &[u8], shift: usize, encoding: Encoding) -> Text<'_> {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Text {
            text: Cow::Borrowed(s),
            map: OffsetMap::Shift(shift),
            encoding,
        };
    }
    let mut text = String::with_capacity(bytes.len() + 16);
    let mut anchors = Vec::new();
    for chunk in bytes.utf8_chunks() {
        let orig = shift + (chunk.valid().as_ptr() as usize - bytes.as_ptr() as usize);
        anchors.push((text.len(), orig));
        text.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            let orig_bad = shift + (chunk.invalid().as_ptr() as usize - bytes.as_ptr() as usize);
            anchors.push((text.len(), orig_bad));
            text.push(char::REPLACEMENT_CHARACTER);
        }
    }
    anchors.push((text.len(), shift + bytes.len()));
    Text {
        text: Cow::Owned(text),
        map: OffsetMap::Anchors(anchors),
        encoding,
    }
}

fn utf16(bytes: &[u8], big_endian: bool) -> Text<'static> {
    let units = bytes.chunks_exact(2).map(|c| {
        if big_endian {
            u16::from_be_bytes([c[0], c[1]])
        } else {
            u16::from_le_bytes([c[0], c[1]])
        }
    });
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut anchors = Vec::with_capacity(bytes.len() / 2 + 1);
    let mut orig = 2; // after the BOM
    for ch in char::decode_utf16(units) {
        anchors.push((text.len(), orig));
        match ch {
            Ok(c) => {
                text.push(c);
                orig += 2 * c.len_utf16();
            }
            Err(_) => {
                text.push(char::REPLACEMENT_CHARACTER);
                orig += 2;
            }
        }
    }
    anchors.push((text.len(), 2 + bytes.len()));
    Text {
        text: Cow::Owned(text),
        map: OffsetMap::Anchors(anchors),
        encoding: if big_endian {
            Encoding::Utf16Be
        } else {
            Encoding::Utf16Le
        },
    }
}

/// Encodes `text` back the way `encoding` stored it (a BOM stays, UTF-16 stays UTF-16), for `keyless fix`.
pub fn encode(text: &str, encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Utf8Bom => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        Encoding::Utf16Le => {
            let mut out = vec![0xFF, 0xFE];
            out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            out
        }
        Encoding::Utf16Be => {
            let mut out = vec![0xFE, 0xFF];
            out.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
            out
        }
    }
}

/// The largest char boundary at or before `i` (`str::floor_char_boundary` is not stable yet).
/// 1-based line and column (in characters, as editors count them) of a byte offset: where parse errors
/// of packs, `.keyless.toml` files and baselines point.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..floor_char_boundary(text, offset.min(text.len()))];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

pub fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest char boundary at or after `i`.
pub fn ceil_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The bytes a scan read of one file, as their length and SHA-256.
///
/// A finding's line, column, offsets and snippet are computed from the bytes the scan read, once. Some
/// work after the scan reads the file again (planning the rewrite `keyless fix` would make, finding the
/// resource around a secret in infrastructure code, `keyless fix` itself) and looks at the finding's
/// position in what it read; if the file changed in between, that position points into other text. Such
/// a second read is used only when its snapshot equals the scan's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snapshot {
    len: u64,
    sha256: [u8; 32],
}

impl Snapshot {
    pub fn of(bytes: &[u8]) -> Snapshot {
        let mut h = SnapshotHasher::default();
        h.update(bytes);
        h.finish()
    }
}

/// A [`Snapshot`] of bytes read in pieces (a long file scanned in chunks).
#[derive(Default)]
pub struct SnapshotHasher {
    len: u64,
    sha256: sha2::Sha256,
}

impl SnapshotHasher {
    pub fn update(&mut self, bytes: &[u8]) {
        use sha2::Digest;
        self.len += bytes.len() as u64;
        self.sha256.update(bytes);
    }

    pub fn finish(self) -> Snapshot {
        use sha2::Digest;
        Snapshot {
            len: self.len,
            sha256: self.sha256.finalize().into(),
        }
    }
}

/// Reads and decodes a file whose text is to be rewritten, with its bytes and encoding (to write it back
/// the same way); None for binary files.
pub fn read_text(path: &std::path::Path) -> std::io::Result<Option<(Vec<u8>, String, Encoding)>> {
    let bytes = std::fs::read(path)?;
    let decoded = match decode(&bytes) {
        Decoded::Binary => None,
        Decoded::Text(t) => Some((t.text.into_owned(), t.encoding)),
    };
    Ok(decoded.map(|(text, enc)| (bytes, text, enc)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(d: Decoded<'_>) -> Text<'_> {
        match d {
            Decoded::Text(t) => t,
            Decoded::Binary => panic!("expected text"),
        }
    }

    #[test]
    fn utf8_bom_is_stripped_and_offsets_shifted() {
        let t = text(decode(b"\xEF\xBB\xBFpw=x"));
        assert_eq!(t.text, "pw=x");
        assert_eq!(t.encoding, Encoding::Utf8Bom);
        assert_eq!(t.map.original(3), 6);
    }

    #[test]
    fn utf16le_decodes_and_maps_back_to_file_offsets() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "aé€b".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let t = text(decode(&bytes));
        assert_eq!(t.text, "aé€b");
        // 'b' starts at decoded byte 1 + 2 + 3 = 6 and at file byte 2 + 3*2 = 8.
        assert_eq!(t.map.original(6), 8);
        assert_eq!(t.map.original(t.text.len()), bytes.len());
    }

    #[test]
    fn utf16be_is_decoded_even_though_it_contains_nuls() {
        let mut bytes = vec![0xFE, 0xFF];
        for u in "Password=x".encode_utf16() {
            bytes.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(text(decode(&bytes)).text, "Password=x");
    }

    #[test]
    fn encoding_round_trips() {
        for bytes in [
            b"\xEF\xBB\xBFpw=\xC3\xA9".to_vec(),
            encode("a\r\nb€", Encoding::Utf16Le),
            encode("a\nb€", Encoding::Utf16Be),
        ] {
            let t = text(decode(&bytes));
            assert_eq!(encode(&t.text, t.encoding), bytes);
        }
    }

    #[test]
    fn nul_without_bom_is_binary() {
        assert!(matches!(decode(b"\x89PNG\0\0"), Decoded::Binary));
    }

    #[test]
    fn invalid_utf8_is_replaced_and_offsets_survive() {
        let t = text(decode(b"ab\xFFcd"));
        assert_eq!(t.text, "ab\u{FFFD}cd");
        // 'c' is decoded byte 5 (after a 3-byte replacement char) and file byte 3.
        assert_eq!(t.map.original(5), 3);
        assert_eq!(t.map.original(t.text.len()), 5);
    }
}
