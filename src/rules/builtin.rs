//! The packs compiled into the binary. Adding a pack means adding its file to `rules/` and a line here; a
//! test checks that the two lists agree.

pub const PACKS: &[(&str, &str)] = &[
    ("azure-sql.toml", include_str!("../../rules/azure-sql.toml")),
    (
        "azure-storage.toml",
        include_str!("../../rules/azure-storage.toml"),
    ),
    ("cosmos-db.toml", include_str!("../../rules/cosmos-db.toml")),
    (
        "generic-passwords.toml",
        include_str!("../../rules/generic-passwords.toml"),
    ),
    (
        "private-keys.toml",
        include_str!("../../rules/private-keys.toml"),
    ),
    (
        "service-bus.toml",
        include_str!("../../rules/service-bus.toml"),
    ),
];
