//! Decoders present hidden content to the rules as derived texts ("views") and say where in the original
//! text a finding in the view must be reported.
//!
//! - Kubernetes `Secret` manifests, whose `data:` values are base64: a password there is invisible to every
//!   regex until it is decoded. A finding inside a decoded value is reported at the encoded value's
//!   location, and fingerprinted by the decoded secret, so the same password committed in plain text
//!   elsewhere has the same fingerprint.
//! - Lines with escaped punctuation (`\u002B`, `\:`, `\=`), presented plain.
//! - Jupyter notebooks: each cell's source is a JSON array of escaped strings (`api_key=\"...\"`), so
//!   the code a rule expects exists only after decoding. The cell is presented as the code it holds, with
//!   an exact map back to the notebook's bytes, so a finding keeps its own line and column.
//! - A file named for a password, secret or token that holds one word (a Compose secret's file).
//! - Markdown tables: a column headed "Password" (or 密码, secret, token) names every cell below it, but
//!   no cell says so on its own line (`| Grafana | admin | Kestrel-2024 |`). Each such cell is presented
//!   as `password: <cell>`, mapped to the cell's bytes.

use base64::Engine as _;
use std::ops::Range;

/// A derived text. Any secret found in `text` is reported at `origin`, a byte range of the parent text,
/// unless `map` is given: then `map[i]` is the parent range of the view's byte `i` (a decoded `"` came
/// from the two bytes `\"`), and a secret is reported exactly where its escaped form stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub text: String,
    pub origin: Range<usize>,
    pub map: Vec<Range<usize>>,
}

impl View {
    /// Where a range of the view lies in the parent text.
    pub fn parent_range(&self, r: &Range<usize>) -> Range<usize> {
        if r.start >= r.end {
            return self.origin.clone();
        }
        match (self.map.get(r.start), self.map.get(r.end - 1)) {
            (Some(s), Some(e)) => s.start..e.end,
            _ => self.origin.clone(),
        }
    }
}

/// Appends the decoded views of `text`, the content of the file at `path`, to `out`.
pub fn views(path: &str, text: &str, out: &mut Vec<View>) {
    if let Some(view) = secret_file(path, text) {
        out.push(view);
    }
    if is_kubernetes_secret(text) {
        kubernetes_secret_data(text, out);
    }
    if text.contains("\\u00") || text.contains("\\:") || text.contains("\\=") {
        escaped_lines(text, out);
    }
    if text.contains("\"cell_type\"") && text.contains("\"source\"") {
        notebook_cells(text, out);
    }
    if holds_a_table_separator(text) {
        markdown_tables(text, out);
    }
}

/// The credential a table column's header names, as the rules spell it: `Password`, `**密码**`,
/// `API token`. `None` for any other header (a `Key` column lists settings' names, not keys).
fn credential_header(cell: &str) -> Option<&'static str> {
    let h = cell
        .trim()
        .trim_matches(['*', '`', '_', ' '])
        .to_lowercase();
    if h.len() > 32 {
        return None;
    }
    if h.contains("password")
        || h.contains("passwd")
        || h == "pwd"
        || h == "pass"
        || ["密码", "口令", "パスワード", "비밀번호"]
            .iter()
            .any(|w| h.contains(w))
    {
        Some("password")
    } else if h.ends_with("secret") {
        Some("secret")
    } else if h.ends_with("token") {
        Some("token")
    } else if NAMED_KEYS.contains(&h.replace([' ', '_', '-'], "").as_str()) {
        Some("api_key")
    } else {
        None
    }
}

/// Headers and labels that name a key credential (`AppKey`, `API key`, `Access Key`); a bare `Key`
/// names settings.
const NAMED_KEYS: &[&str] = &[
    "apikey",
    "appkey",
    "accesskey",
    "secretkey",
    "privatekey",
    "accountkey",
    "subscriptionkey",
    "masterkey",
    "adminkey",
    "sharedkey",
    "encryptionkey",
    "signingkey",
    "storagekey",
    "nwkkey",
    "nwkskey",
    "appskey",
];

/// The label of a row of a two-column `| Name | Value |` table, as [`credential_header`] reads a
/// header: `| Client Secret | ... |`, `| Verification Token (deprecated) | ... |`.
fn credential_label(cell: &str) -> Option<&'static str> {
    credential_header(cell.split('(').next().unwrap_or(cell))
}

/// A header row whose second cell heads values (`| Setting | Value |`), so that each row's first cell
/// names the value beside it.
fn heads_values(header: &str, cells: &[Range<usize>]) -> bool {
    cells.len() == 2
        && matches!(
            header[cells[1].clone()]
                .trim_matches(['*', '`', '_', ' '])
                .to_lowercase()
                .as_str(),
            "value" | "values" | "wert" | "valor" | "valeur" | "值"
        )
}

/// A file whose name says what it holds and that holds one word: `secrets/db_password.txt` (a Compose
/// secret), `admin_password`, `api_token.txt`, `rsync.password`. The word is presented as
/// `password: <word>`, reported at the word. Templates (`db_password.txt.example`) end in another
/// extension and are not such files.
fn secret_file(path: &str, text: &str) -> Option<View> {
    let file = path.rsplit(['/', '\\']).next()?.to_ascii_lowercase();
    let stem = file.strip_suffix(".txt").unwrap_or(&file);
    // `rsync.password`, `db.pass`, `ci.token`: the extension says what the file holds.
    let extension = stem.rsplit_once('.').map(|(_, e)| e);
    let stem = match extension {
        Some("pass" | "password" | "passwd" | "pwd") => "password",
        Some("secret") => "secret",
        Some("token") => "token",
        Some(_) => return None,
        None => stem,
    };
    if text.len() > 512 {
        return None;
    }
    let word = if stem.contains("password") || stem.contains("passwd") {
        "password"
    } else if stem.ends_with("secret") {
        "secret"
    } else if stem.ends_with("token") {
        "token"
    } else if stem.ends_with("api_key") || stem.ends_with("apikey") || stem.ends_with("api-key") {
        "api_key"
    } else {
        return None;
    };
    let value = text.trim();
    if value.is_empty() || value.len() > 256 || value.contains(char::is_whitespace) {
        return None;
    }
    let at = text.find(value)?;
    Some(View {
        text: format!("{word}: {value}\n"),
        origin: at..at + value.len(),
        map: Vec::new(),
    })
}

/// A table row's cells with their byte ranges in `line` (outer pipes dropped, cells trimmed).
fn table_cells(line: &str) -> Vec<Range<usize>> {
    let mut cells = Vec::new();
    let mut start = 0;
    for (i, c) in line
        .char_indices()
        .chain(std::iter::once((line.len(), '|')))
    {
        if c == '|' {
            let raw = &line[start..i];
            let lead = raw.len() - raw.trim_start().len();
            cells.push(start + lead..start + lead + raw.trim().len());
            start = i + 1;
        }
    }
    // `| a | b |`: the empty cells before the first and after the last pipe are not columns.
    if line.trim_end().ends_with('|') {
        cells.pop();
    }
    if line.trim_start().starts_with('|') && !cells.is_empty() {
        cells.remove(0);
    }
    cells
}

/// A line like `|---|:---:|` somewhere in `text`, found with one search for `---` (every file is asked);
/// each line is looked at once, however many `---` it holds.
fn holds_a_table_separator(text: &str) -> bool {
    let mut checked = 0;
    text.match_indices("---").any(|(at, _)| {
        if at < checked {
            return false;
        }
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        checked = end;
        is_separator_row(&text[start..end])
    })
}

fn is_separator_row(line: &str) -> bool {
    let t = line.trim();
    t.contains("---") && t.contains('|') && t.bytes().all(|b| b"|-: \t".contains(&b))
}

/// Each cell under a credential's column of a Markdown table becomes the view `password: <cell>`.
fn markdown_tables(text: &str, out: &mut Vec<View>) {
    let mut lines = Vec::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        lines.push((offset, raw.trim_end_matches(['\n', '\r'])));
        offset += raw.len();
    }
    let mut i = 0;
    while i + 1 < lines.len() {
        let (_, header) = lines[i];
        if !header.contains('|') || !is_separator_row(lines[i + 1].1) {
            i += 1;
            continue;
        }
        let header_cells = table_cells(header);
        let labelled_rows = heads_values(header, &header_cells);
        let columns: Vec<(usize, &str)> = header_cells
            .into_iter()
            .enumerate()
            .filter_map(|(c, r)| credential_header(&header[r]).map(|w| (c, w)))
            .collect();
        i += 2;
        // One view per table, a line per cell (`password: <cell>`): a view is scanned as a whole text,
        // and 200,000 one-line views cost a minute where one view costs a second.
        let mut view = View {
            text: String::new(),
            origin: 0..0,
            map: Vec::new(),
        };
        while i < lines.len() && lines[i].1.contains('|') {
            let (start, row) = lines[i];
            let cells = table_cells(row);
            let label = labelled_rows
                .then(|| {
                    cells
                        .first()
                        .and_then(|c| credential_label(&row[c.clone()]))
                })
                .flatten()
                .map(|w| (1, w));
            for &(column, word) in columns.iter().chain(label.iter()) {
                let Some(cell) = cells.get(column) else {
                    continue;
                };
                let value = row[cell.clone()].trim_matches('`');
                // A sentence in another script (`操作员密码在老板手机上`, "the operator's password is on
                // the owner's phone") says where the password is, not what.
                if value.is_empty() || value.len() > 256 || !value.is_ascii() {
                    continue;
                }
                // Notes, not values: `(open)`, `*(empty)*`, `_none_`, `-`, `N/A`.
                if value.starts_with(['(', '*', '_', '<', '['])
                    || matches!(
                        value.to_ascii_lowercase().as_str(),
                        "-" | "--" | "n/a" | "none"
                    )
                {
                    continue;
                }
                let at = start + cell.start + row[cell.clone()].find(value).unwrap_or(0);
                if view.text.is_empty() {
                    view.origin = at..at + value.len();
                }
                view.origin.end = at + value.len();
                let whole = at..at + value.len();
                // Quoted, so that a `#` or `;` inside the cell (`Yf@Root#2019`) is read as part of the
                // value, not as a comment after it.
                let quote = if value.contains('"') { "" } else { "\"" };
                view.text.push_str(word);
                view.text.push_str(": ");
                view.text.push_str(quote);
                view.map.extend(std::iter::repeat_n(
                    whole.clone(),
                    word.len() + 2 + quote.len(),
                ));
                view.text.push_str(value);
                view.map
                    .extend((0..value.len()).map(|b| at + b..at + b + 1));
                view.text.push_str(quote);
                view.map
                    .extend(std::iter::repeat_n(whole.end..whole.end, quote.len()));
                view.text.push('\n');
                view.map.push(whole.end..whole.end);
            }
            i += 1;
        }
        if !view.text.is_empty() {
            out.push(view);
        }
    }
}

/// Each `"source"` of a notebook cell (an array of JSON strings, or one string) becomes a view holding the
/// decoded code, mapped byte for byte to the escaped text.
fn notebook_cells(text: &str, out: &mut Vec<View>) {
    const KEY: &str = "\"source\"";
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = text[from..].find(KEY) {
        let mut p = from + i + KEY.len();
        from = p;
        p = skip_ws(bytes, p);
        if bytes.get(p) != Some(&b':') {
            continue;
        }
        p = skip_ws(bytes, p + 1);
        let (mut code, mut map) = (String::new(), Vec::new());
        let start = p;
        let single = bytes.get(p) == Some(&b'"');
        if !single {
            if bytes.get(p) != Some(&b'[') {
                continue;
            }
            p += 1;
        }
        loop {
            p = skip_ws(bytes, p);
            if bytes.get(p) != Some(&b'"') {
                break;
            }
            match json_string(text, p + 1, &mut code, &mut map) {
                Some(end) => p = end,
                None => break,
            }
            if single {
                break;
            }
            p = skip_ws(bytes, p);
            if bytes.get(p) == Some(&b',') {
                p += 1;
            }
        }
        if code.is_empty() || code.len() > 1 << 20 {
            continue;
        }
        out.push(View {
            text: code,
            origin: start..p,
            map,
        });
        from = p.max(from);
    }
}

fn skip_ws(bytes: &[u8], mut p: usize) -> usize {
    while bytes.get(p).is_some_and(|b| b.is_ascii_whitespace()) {
        p += 1;
    }
    p
}

/// Decodes the JSON string whose content starts at `p` into `out`, recording each decoded byte's offset
/// in `map`; returns the offset after the closing quote.
fn json_string(
    text: &str,
    mut p: usize,
    out: &mut String,
    map: &mut Vec<Range<usize>>,
) -> Option<usize> {
    let bytes = text.as_bytes();
    loop {
        let at = p;
        let c = text.get(p..)?.chars().next()?;
        let (decoded, next) = match c {
            '"' => return Some(p + 1),
            '\\' => {
                let e = *bytes.get(p + 1)?;
                let simple = match e {
                    b'"' => Some('"'),
                    b'\\' => Some('\\'),
                    b'/' => Some('/'),
                    b'n' => Some('\n'),
                    b't' => Some('\t'),
                    b'r' => Some('\r'),
                    b'b' => Some('\u{8}'),
                    b'f' => Some('\u{c}'),
                    _ => None,
                };
                match simple {
                    Some(ch) => (ch, p + 2),
                    None if e == b'u' => {
                        let hex = text.get(p + 2..p + 6)?;
                        let unit = u32::from_str_radix(hex, 16).ok()?;
                        (char::from_u32(unit).unwrap_or('\u{fffd}'), p + 6)
                    }
                    None => return None,
                }
            }
            ch => (ch, p + ch.len_utf8()),
        };
        for _ in 0..decoded.len_utf8() {
            map.push(at..next);
        }
        out.push(decoded);
        p = next;
    }
}

/// Lines whose punctuation is escaped: `\u002B` from System.Text.Json, `jdbc\:sqlserver\://...;password\=`
/// from Java properties files. A rule's regex expects the plain characters, so the line is presented
/// unescaped; a finding in it is reported at the line.
fn escaped_lines(text: &str, out: &mut Vec<View>) {
    let mut offset = 0;
    for raw_line in text.split_inclusive('\n') {
        let start = offset;
        offset += raw_line.len();
        let line = raw_line.trim_end_matches(['\n', '\r']);
        if line.len() > 16 * 1024
            || !(line.contains("\\u00") || line.contains("\\:") || line.contains("\\="))
        {
            continue;
        }
        let plain = unescape_punctuation(line);
        if plain != line {
            out.push(View {
                text: plain,
                origin: start..start + line.len(),
                map: Vec::new(),
            });
        }
    }
}

fn unescape_punctuation(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(hex) = after.strip_prefix('u').and_then(|h| h.get(..4)) {
            if let Some(c) = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                if !c.is_control() && c != '"' && c != '\\' {
                    out.push(c);
                    rest = &after[5..];
                    continue;
                }
            }
        }
        match after.chars().next() {
            Some(c @ (':' | '=')) => {
                out.push(c);
                rest = &after[1..];
            }
            _ => {
                out.push('\\');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_kubernetes_secret(text: &str) -> bool {
    // Only lines that start with `kind:`, found by substring search: going line by line through every
    // YAML file was a twentieth of a scan.
    text.match_indices("kind:").any(|(at, _)| {
        (at == 0 || text.as_bytes()[at - 1] == b'\n') && {
            let rest = &text[at + "kind:".len()..];
            let line = rest.split('\n').next().unwrap_or(rest);
            line.trim().trim_matches(|c| c == '"' || c == '\'') == "Secret"
        }
    })
}

/// Each `key: <base64>` entry under a top-level `data:` map becomes the view `key: <decoded>`.
fn kubernetes_secret_data(text: &str, out: &mut Vec<View>) {
    let mut data_indent: Option<usize> = None;
    let mut offset = 0;
    for raw_line in text.split_inclusive('\n') {
        let line_start = offset;
        offset += raw_line.len();
        let line = raw_line.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        if trimmed == "---" {
            data_indent = None;
            continue;
        }
        if let Some(di) = data_indent {
            if indent <= di {
                data_indent = None;
            } else if let Some((key, value, value_start)) = key_value(trimmed) {
                if let Some(decoded) = decode_base64_text(value) {
                    let start = line_start + indent + value_start;
                    out.push(View {
                        text: format!("{key}: {decoded}"),
                        origin: start..start + value.len(),
                        map: Vec::new(),
                    });
                }
                continue;
            }
        }
        if trimmed.trim_end() == "data:" {
            data_indent = Some(indent);
        }
    }
}

/// `key: value` with the value's byte offset inside `line`; quotes around the value are dropped.
fn key_value(line: &str) -> Option<(&str, &str, usize)> {
    let colon = line.find(':')?;
    let key = line[..colon].trim().trim_matches(|c| c == '"' || c == '\'');
    let after = &line[colon + 1..];
    let lead = after.len() - after.trim_start().len();
    let mut value = after.trim();
    let mut start = colon + 1 + lead;
    if value.len() >= 2
        && (value.starts_with('"') && value.ends_with('"')
            || value.starts_with('\'') && value.ends_with('\''))
    {
        value = &value[1..value.len() - 1];
        start += 1;
    }
    if key.is_empty() || value.is_empty() {
        return None;
    }
    Some((key, value, start))
}

fn decode_base64_text(value: &str) -> Option<String> {
    if value.len() < 4
        || !value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
    {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(value)
        .ok()?;
    let s = String::from_utf8(bytes).ok()?;
    (!s.contains('\0')).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_data_values_are_decoded_with_their_origin() {
        let text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  DB_PASSWORD: U3VwM3JTM2NyZXQh\n  empty: \"\"\ntype: Opaque\n";
        let mut out = Vec::new();
        views("notes.md", text, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].text, "DB_PASSWORD: Sup3rS3cret!");
        assert_eq!(&text[out[0].origin.clone()], "U3VwM3JTM2NyZXQh");
    }

    #[test]
    fn escaped_punctuation_is_presented_plain() {
        let text = "a=1\n  \"AccountKey\": \"ab\\u002Bcd\\u003D\"\nurl=jdbc\\:sqlserver\\://h;password\\=x\n";
        let mut out = Vec::new();
        views("notes.md", text, &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].text, "  \"AccountKey\": \"ab+cd=\"");
        assert_eq!(
            &text[out[0].origin.clone()],
            "  \"AccountKey\": \"ab\\u002Bcd\\u003D\""
        );
        assert_eq!(out[1].text, "url=jdbc:sqlserver://h;password=x");
    }

    #[test]
    fn a_secret_ending_a_source_string_ends_inside_it() {
        let text = "{\"cell_type\": \"code\", \"source\": [\"%env T=abcd\", \"x = 1\"]}";
        let mut out = Vec::new();
        views("notes.md", text, &mut out);
        let at = out[0].text.find("abcd").unwrap();
        assert_eq!(&text[out[0].parent_range(&(at..at + 4))], "abcd");
    }

    #[test]
    fn notebook_cells_are_presented_as_code_mapped_to_their_escaped_bytes() {
        let text = "{\"cells\": [{\"cell_type\": \"code\", \"source\": [\n    \"client = C(\\n\",\n    \"    key=\\\"abc\\\",\\n\",\n    \")\"\n]}]}\n";
        let mut out = Vec::new();
        views("notes.md", text, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].text, "client = C(\n    key=\"abc\",\n)");
        let at = out[0].text.find("abc").unwrap();
        let r = out[0].parent_range(&(at..at + 3));
        assert_eq!(&text[r], "abc");
        // The quote before it is escaped in the notebook: two bytes for one.
        let q = out[0].parent_range(&(at - 1..at));
        assert_eq!(&text[q], "\\\"");
    }

    #[test]
    fn a_credential_column_names_each_cell_of_a_markdown_table() {
        let text = "| Service | User | Password |\n|---|---|:---:|\n| Grafana | admin | `Kestrel-2024` |\n| Vault | - | |\n| MinIO | ops | Quarry-88 |\n\nafter | the table\n";
        let mut out = Vec::new();
        views("notes.md", text, &mut out);
        // One view for the table, a line per non-empty cell of the column.
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].text,
            "password: \"Kestrel-2024\"\npassword: \"Quarry-88\"\n"
        );
        for value in ["Kestrel-2024", "Quarry-88"] {
            let at = out[0].text.find(value).unwrap();
            let r = out[0].parent_range(&(at..at + value.len()));
            assert_eq!(&text[r], value);
        }
        // A `| Name | Value |` table: each row's label names its value; a key named for what it is
        // (`AppKey`) is a credential's column too.
        let mut rows = Vec::new();
        views(
"notes.md", "| credential | value |\n| --- | --- |\n| Client ID | `5931408` |\n| Client Secret | `ddb21eab8f2c` |\n| Verification Token (old) | `RyhKH19w` |\n\n| dev | AppKey |\n|---|---|\n| ft-01 | `69C5D209DA23` |\n",
            &mut rows,
        );
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0].text,
            "secret: \"ddb21eab8f2c\"\ntoken: \"RyhKH19w\"\n"
        );
        assert_eq!(rows[1].text, "api_key: \"69C5D209DA23\"\n");
        // A table without such a column gives nothing.
        let mut none = Vec::new();
        views(
            "notes.md",
            "| Key | Description |\n| --- | --- |\n| password | the admin's |\n",
            &mut none,
        );
        assert!(none.is_empty());
    }

    #[test]
    fn a_file_named_for_a_password_presents_its_one_word() {
        let text = "WXW5abVrRh16q2vKCOG8\n";
        let mut out = Vec::new();
        views("homelab/grafana/admin_password.txt", text, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].text, "password: WXW5abVrRh16q2vKCOG8\n");
        assert_eq!(&text[out[0].origin.clone()], "WXW5abVrRh16q2vKCOG8");
        let mut ext = Vec::new();
        views(
            "ops/rsync/rsync.password",
            "rsync_backup:Rsync@bk2019\n",
            &mut ext,
        );
        assert_eq!(ext[0].text, "password: rsync_backup:Rsync@bk2019\n");
        // Templates, other files and files of sentences are left alone.
        for (path, text) in [
            ("secrets/db_password.txt.example", "WXW5abVrRh16q2vKCOG8\n"),
            ("src/password.rs", "WXW5abVrRh16q2vKCOG8\n"),
            ("docs/passwords.md", "WXW5abVrRh16q2vKCOG8\n"),
            ("secrets/db_password.txt", "put the password here\n"),
            ("src/token.go", "package token\n"),
        ] {
            let mut none = Vec::new();
            views(path, text, &mut none);
            assert!(none.is_empty(), "{path}");
        }
    }

    #[test]
    fn other_manifests_are_left_alone() {
        let mut out = Vec::new();
        views(
            "notes.md",
            "kind: ConfigMap\ndata:\n  A: U3VwM3JTM2NyZXQh\n",
            &mut out,
        );
        assert!(out.is_empty());
    }

    #[test]
    fn a_secret_manifest_is_told_by_a_kind_line_at_column_one() {
        assert!(is_kubernetes_secret("kind: Secret\n"));
        assert!(is_kubernetes_secret(
            "apiVersion: v1\r\nkind: \"Secret\"\r\ndata: {}\r\n"
        ));
        assert!(is_kubernetes_secret(
            "---\nkind: ConfigMap\n---\nkind:   'Secret'  "
        ));
        assert!(!is_kubernetes_secret("  kind: Secret\n"));
        assert!(!is_kubernetes_secret("kind: SecretProviderClass\n"));
        assert!(!is_kubernetes_secret(
            "x: 1 kind: Secret\nsubkind: Secret\n"
        ));
        assert!(!is_kubernetes_secret("kind:\n  Secret\n"));
    }
}
