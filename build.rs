//! Embeds every `rules/*.toml` pack in the binary, so adding a pack is adding a file.
//!
//! Each pack is embedded as JSON converted here from its TOML: the hook starts keyless on every commit,
//! and parsing the packs' half a megabyte of TOML was a third of its work, where serde_json reads the
//! same data several times faster. The JSON carries each rule's TOML line, so messages and `explain`
//! point at the file the author edits. A pack that is not valid TOML is embedded as it is, and loading
//! it reports the error with its line as for a user's pack.

use serde::Deserialize;
use std::fmt::Write as _;
use std::path::Path;

/// The rules of a pack with their spans, to give each its line.
#[derive(Deserialize)]
struct Spans {
    #[serde(default)]
    rules: Vec<toml::Spanned<toml::Table>>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The pack as JSON: every table of the TOML as it is, except `rules`, which becomes a list of
/// `[line, rule]` pairs. `None` when the TOML does not parse.
fn to_json(text: &str) -> Option<String> {
    let mut table: toml::Table = toml::from_str(text).ok()?;
    let spans: Spans = toml::from_str(text).ok()?;
    table.remove("rules");
    let mut json = serde_json::to_value(&table).ok()?;
    let rules: Vec<serde_json::Value> = spans
        .rules
        .into_iter()
        .map(|r| {
            let line = line_of(text, r.span().start);
            Ok(serde_json::json!([
                line,
                serde_json::to_value(r.into_inner())?
            ]))
        })
        .collect::<Result<_, serde_json::Error>>()
        .ok()?;
    json.as_object_mut()?
        .insert("rules".into(), serde_json::Value::Array(rules));
    serde_json::to_string(&json).ok()
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("rules/ exists")
        .map(|e| {
            e.expect("readable rules/ entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    let out_dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    let mut code = String::from("pub const PACKS: &[(&str, Embedded)] = &[\n");
    for name in &names {
        let path = dir.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).expect("a readable UTF-8 pack");
        let embedded = match to_json(&text) {
            Some(json) => {
                let json_path = Path::new(&out_dir).join(format!("{name}.json"));
                std::fs::write(&json_path, json).expect("OUT_DIR is writable");
                format!(
                    "Embedded::Json(include_str!({:?}))",
                    json_path.display().to_string()
                )
            }
            None => format!(
                "Embedded::Toml(include_str!({:?}))",
                path.display().to_string()
            ),
        };
        writeln!(code, "    ({name:?}, {embedded}),").unwrap();
    }
    code.push_str("];\n");
    let out = Path::new(&out_dir).join("builtin_packs.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
