//! The packs compiled into the binary: every `rules/*.toml`, sorted by file name. `build.rs` generates the
//! list, so a new pack needs no code change.

/// A built-in pack as the binary holds it.
#[derive(Debug, Clone, Copy)]
pub enum Embedded {
    /// Converted from the TOML at build time, each rule paired with its TOML line (see `build.rs`).
    Json(&'static str),
    /// A pack whose TOML did not parse at build time: loading it reports the error.
    Toml(&'static str),
}

include!(concat!(env!("OUT_DIR"), "/builtin_packs.rs"));
