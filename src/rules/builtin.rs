//! The packs compiled into the binary. Adding a pack means adding its file to `rules/` and a line here; a
//! test checks that the two lists agree.

pub const PACKS: &[(&str, &str)] = &[
    ("azure-sql.toml", include_str!("../../rules/azure-sql.toml")),
];
