//! Paths: what kind of file a value sits in, which changes how an unquoted value and a weak value read.

/// Source files where an unquoted value after `=` or `:` is usually an expression, not data.
pub fn is_code_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
    matches!(
        ext,
        "go" | "py"
            | "java"
            | "kt"
            | "kts"
            | "scala"
            | "cs"
            | "js"
            | "jsx"
            | "ts"
            | "tsx"
            | "mjs"
            | "cjs"
            | "rb"
            | "php"
            | "groovy"
            | "swift"
            | "rs"
            | "c"
            | "cc"
            | "cpp"
            | "h"
            | "hpp"
            | "m"
            | "dart"
            | "lua"
            | "pl"
            | "vue"
            | "svelte"
            | "fs"
            | "vb"
            | "bicep"
            | "bicepparam"
            | "tf"
            | "hcl"
            | "ps1"
            | "psm1"
    )
}

/// Files that run with the literal values they hold: a Dockerfile bakes its `ENV` into the image, a test
/// logs in with its password, a program falls back on its constant. A shipped default such as `changeme`
/// there is the password in use; in deployment inputs (Helm values, manifests, Terraform variables, role
/// defaults) it is a slot the deployer is told to fill, and stays a stand-in.
pub fn runs_with_its_literals(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    name.starts_with("dockerfile")
        || name.ends_with(".dockerfile")
        || is_test_path(path)
        || (is_code_path(path) && !matches!(ext, "tf" | "hcl" | "bicep" | "bicepparam"))
}

/// Files that describe settings rather than hold them: a stand-in word there is a template's slot.
pub fn is_template_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    name.contains(".example")
        || name.contains(".sample")
        || name.contains(".template")
        || name.contains(".dist")
        || name.contains(".tmpl")
        || name.contains(".tpl")
        || name.starts_with("example")
        || name.starts_with("sample")
        || name.ends_with(".md")
        || name.ends_with(".rst")
        || name.ends_with(".txt")
        || name.ends_with(".adoc")
        || name.ends_with(".html")
}

/// Tests, fixtures, mocks and examples: a credential there is usually made up for the test.
pub fn is_test_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.split('/').any(|seg| {
        matches!(
            seg,
            "test"
                | "tests"
                | "spec"
                | "specs"
                | "fixtures"
                | "fixture"
                | "testdata"
                | "__tests__"
                | "mocks"
                | "mock"
                | "examples"
                | "example"
                | "samples"
                | "sample"
                | "demo"
                | "test-support"
                | "testing"
                | "e2e"
        )
    }) || lower.contains("_test.")
        || lower.contains(".test.")
        || lower.contains(".spec.")
        || lower.contains("test.java")
        || lower.contains("test.kt")
        || lower.contains("tests.cs")
        || lower.contains("test.cs")
        || lower.contains("_spec.rb")
}
