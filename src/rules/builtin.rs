//! The packs compiled into the binary: every `rules/*.toml`, sorted by file name. `build.rs` generates the
//! list, so a new pack needs no code change.

include!(concat!(env!("OUT_DIR"), "/builtin_packs.rs"));
