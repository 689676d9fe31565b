//! Where a secret in infrastructure code sits: the dialect (Terraform, Bicep, ARM, ...), the resource
//! whose definition holds the value, and the argument or property that names it.
//!
//! A password in a Terraform or Bicep file is read by the deployment, not by an application, so its
//! replacement is a change to the resource (turn the password off) rather than to a setting. That needs
//! the resource's type, which is found here by reading the file's structure around the finding: the
//! enclosing `resource` block, or, for a variable or parameter default and a `.tfvars`/`.bicepparam`/ARM
//! parameters value, the resource that uses the variable (in the same file or a sibling file of the same
//! module). Nothing here is a full parser: blocks are matched by brackets outside strings and comments,
//! which is what these files need.

use crate::rendered::{Dialect, Site};
use regex::Regex;
use std::path::Path;
use std::sync::LazyLock;

/// Whether a file of this name can be infrastructure code at all: the cheap test made before its first
/// few KiB are read for [`dialect`].
pub fn may_be(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    [
        ".tf",
        ".tf.json",
        ".tfvars",
        ".tfvars.json",
        ".bicep",
        ".bicepparam",
        ".json",
        ".jsonc",
        ".yaml",
        ".yml",
        ".template",
    ]
    .iter()
    .any(|ext| name.ends_with(ext))
}

/// The dialect of a file, from its name and (for JSON and YAML) its first few KiB; None for anything
/// that is not infrastructure code.
pub fn dialect(path: &str, head: &str) -> Option<Dialect> {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    if name.ends_with(".tf") || name.ends_with(".tf.json") {
        return Some(Dialect::Terraform);
    }
    if name.ends_with(".tfvars") || name.ends_with(".tfvars.json") {
        return Some(Dialect::TerraformVars);
    }
    if name.ends_with(".bicep") {
        return Some(Dialect::Bicep);
    }
    if name.ends_with(".bicepparam") {
        return Some(Dialect::BicepParams);
    }
    let json = name.ends_with(".json") || name.ends_with(".jsonc");
    let yaml = name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".template");
    // `deploymentTemplate.json#`, and the subscription, management-group and tenant scopes'
    // `subscriptionDeploymentTemplate.json#` and the like.
    let schema = head.to_ascii_lowercase();
    if json && schema.contains("deploymentparameters.json#") {
        return Some(Dialect::ArmParameters);
    }
    if json && is_arm_template(&schema) {
        return Some(Dialect::Arm);
    }
    if json && name.ends_with(".parameters.json") && head.contains("\"parameters\"") {
        return Some(Dialect::ArmParameters);
    }
    if yaml && name.starts_with("pulumi.") {
        return Some(Dialect::Pulumi);
    }
    if (json || yaml)
        && (head.contains("AWSTemplateFormatVersion")
            || (head.contains("Resources") && (head.contains("AWS::") || head.contains("'AWS::"))))
    {
        return Some(Dialect::CloudFormation);
    }
    None
}

/// Web and function apps (not their plans), whose app settings App Service resolves Key Vault references
/// in with the app's identity.
pub fn is_app_service(resource_type: &str) -> bool {
    let t = resource_type.to_ascii_lowercase();
    (t.starts_with("azurerm_")
        && (t.contains("web_app") || t.contains("function_app") || t.contains("app_service"))
        && !t.contains("plan"))
        || t.starts_with("microsoft.web/sites")
}

fn is_arm_template(lowercase_text: &str) -> bool {
    lowercase_text.contains("deploymenttemplate.json#")
}

/// Reads a sibling file for the locator; None when it cannot be read.
pub type Reader<'a> = dyn FnMut(&Path) -> Option<String> + 'a;

/// Where the value on `line` (1-based) of `text` sits. `dir` is the file's folder on disk and `siblings`
/// its file names, for variables used in another file of the same module.
pub fn locate(
    dialect: Dialect,
    text: &str,
    (line, column): (usize, usize),
    dir: &Path,
    siblings: &[String],
    read: &mut Reader,
) -> Site {
    let at = line_start(text, line);
    // The value itself (columns count characters from 1), where the JSON structure is read.
    let value_at = at
        + text[at..]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(0, |(i, _)| i);
    let mut site = Site {
        dialect,
        resource_type: None,
        resource: None,
        setting: None,
        variable: None,
        defined_in: None,
    };
    let line_text = text[at..].lines().next().unwrap_or_default();
    match dialect {
        Dialect::Terraform => match terraform_block(text, at) {
            Some(Block::Resource { kind, name }) => {
                site.setting = assigned_name(line_text);
                site.resource = Some(name);
                site.resource_type = Some(kind);
            }
            Some(Block::Variable(v)) => {
                site.variable = Some(v.clone());
                let uses = format!("var.{v}");
                site.fill_from_use(text, None, &uses, dir, siblings, read, ".tf");
            }
            Some(Block::Provider(p)) => {
                site.setting = assigned_name(line_text);
                site.resource = Some(p);
                site.resource_type = Some(format!(
                    "provider.{}",
                    site.resource.as_deref().unwrap_or_default()
                ));
            }
            None => site.setting = assigned_name(line_text),
        },
        Dialect::TerraformVars => {
            if let Some(v) = assigned_name(line_text) {
                site.variable = Some(v.clone());
                site.fill_from_use("", None, &format!("var.{v}"), dir, siblings, read, ".tf");
            }
        }
        Dialect::Bicep => {
            if let Some(c) = BICEP_DECL.captures(line_text) {
                let v = c[1].to_string();
                site.variable = Some(v.clone());
                site.fill_from_use(text, Some(at), &v, dir, &[], read, ".bicep");
            } else {
                site.setting = property_name(line_text);
                if let Some((kind, name)) = bicep_resource(text, at) {
                    site.resource_type = Some(kind);
                    site.resource = Some(name);
                } else if let (Some((file, symbol)), Some(param)) =
                    (bicep_module(text, at), &site.setting)
                {
                    // A module's parameter: followed into the module's file when it is a local one; a
                    // registry module is known by its path (`br/public:avm/res/sql/server:0.1.0`).
                    let param = param.clone();
                    if file.contains(':') {
                        site.resource_type = Some(file);
                        site.resource = Some(symbol);
                    } else if let Some(module) = read(&dir.join(&file)) {
                        site.fill_from_use(&module, None, &param, dir, &[], read, ".bicep");
                        if site.resource_type.is_some() {
                            site.variable = Some(param);
                            site.defined_in = Some(file);
                        }
                    }
                }
            }
        }
        Dialect::BicepParams => {
            if let Some(c) = BICEP_DECL.captures(line_text) {
                let v = c[1].to_string();
                site.variable = Some(v.clone());
                if let Some(using) = USING.captures(text) {
                    let file = using[1].to_string();
                    if let Some(template) = read(&dir.join(&file)) {
                        site.fill_from_use(&template, None, &v, dir, &[], read, ".bicep");
                        if site.resource_type.is_some() {
                            site.defined_in = Some(file);
                        }
                    }
                }
            }
        }
        Dialect::Arm => {
            let path = JsonWalk::to(text, value_at);
            if let Some(v) = path.parameter() {
                site.variable = Some(v.clone());
                site.fill_from_arm_use(text, &v, None);
            } else {
                site.setting = path.key();
                site.resource_type = path.resource_type();
                site.resource = path.resource_name();
            }
        }
        Dialect::ArmParameters => {
            let path = JsonWalk::to(text, value_at);
            if let Some(v) = path.parameter().or_else(|| json_key(line_text)) {
                site.variable = Some(v.clone());
                for name in siblings
                    .iter()
                    .filter(|n| n.to_ascii_lowercase().ends_with(".json"))
                {
                    if name.to_ascii_lowercase().contains("parameters") {
                        continue;
                    }
                    let Some(template) = read(&dir.join(name)) else {
                        continue;
                    };
                    // The schema is named in the first lines; a compiled template can be megabytes.
                    let head = &template[..crate::source::floor_char_boundary(&template, 4096)];
                    if !is_arm_template(&head.to_ascii_lowercase()) {
                        continue;
                    }
                    site.fill_from_arm_use(&template, &v, Some(name));
                    if site.resource_type.is_some() {
                        break;
                    }
                }
            }
        }
        Dialect::Pulumi => {
            site.setting = property_name(line_text).or_else(|| json_key(line_text));
            if let Some((kind, name)) = pulumi_resource(text, at) {
                site.resource_type = Some(kind);
                site.resource = Some(name);
            }
        }
        Dialect::CloudFormation => {
            site.setting = property_name(line_text).or_else(|| json_key(line_text));
        }
    }
    site
}

impl Site {
    /// Finds the first use of a variable (`var.x` in Terraform, the bare name in Bicep) inside a resource,
    /// in `text` (skipping the declaration at `decl`) and then in sibling files ending in `ext`.
    #[allow(clippy::too_many_arguments)]
    fn fill_from_use(
        &mut self,
        text: &str,
        decl: Option<usize>,
        name: &str,
        dir: &Path,
        siblings: &[String],
        read: &mut Reader,
        ext: &str,
    ) {
        if self.use_in(text, decl, name) {
            return;
        }
        for file in siblings
            .iter()
            .filter(|n| n.to_ascii_lowercase().ends_with(ext))
        {
            let Some(other) = read(&dir.join(file)) else {
                continue;
            };
            if self.use_in(&other, None, name) {
                self.defined_in = Some(file.clone());
                return;
            }
        }
    }

    fn use_in(&mut self, text: &str, decl: Option<usize>, name: &str) -> bool {
        for (at, _) in text.match_indices(name) {
            let before_ok = text[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '.'));
            let after_ok = text[at + name.len()..]
                .chars()
                .next()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
            let start = line_start_of(text, at);
            if !before_ok || !after_ok || decl == Some(start) {
                continue;
            }
            let line = text[start..].lines().next().unwrap_or_default();
            let found = if self.dialect.is_terraform() {
                match terraform_block(text, start) {
                    Some(Block::Resource { kind, name }) => Some((kind, name, assigned_name(line))),
                    Some(Block::Provider(p)) => {
                        Some((format!("provider.{p}"), p, assigned_name(line)))
                    }
                    _ => None,
                }
            } else {
                bicep_resource(text, start).map(|(kind, sym)| (kind, sym, property_name(line)))
            };
            if let Some((kind, resource, setting)) = found {
                self.resource_type = Some(kind);
                self.resource = Some(resource);
                self.setting = setting;
                return true;
            }
        }
        false
    }

    fn fill_from_arm_use(&mut self, text: &str, name: &str, file: Option<&String>) {
        for quote in ['\'', '"'] {
            let needle = format!("parameters({quote}{name}{quote})");
            for (at, _) in text.match_indices(&needle) {
                let path = JsonWalk::to(text, at);
                if let Some(kind) = path.resource_type() {
                    self.resource_type = Some(kind);
                    self.resource = path.resource_name();
                    self.setting = path.key();
                    self.defined_in = file.cloned();
                    return;
                }
            }
        }
    }
}

/// The offset where 1-based `line` starts.
fn line_start(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n')
        .nth(line - 2)
        .map_or(text.len(), |(i, _)| i + 1)
}

fn line_start_of(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The argument assigned on an HCL or `.tfvars` line: `  admin_password = "..."` → `admin_password`,
/// `"AzureWebJobsStorage" = "..."` → `AzureWebJobsStorage`.
fn assigned_name(line: &str) -> Option<String> {
    static RE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"^[ \t]*"?([A-Za-z_][A-Za-z0-9_.:\-]*)"?[ \t]*="#).unwrap());
    RE.captures(line).map(|c| c[1].to_string())
}

/// The property set on a Bicep or YAML line: `  administratorLoginPassword: adminPassword`.
fn property_name(line: &str) -> Option<String> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"^[ \t]*(?:-[ \t]+)?'?([A-Za-z_][A-Za-z0-9_.\-]*)'?[ \t]*:"#).unwrap()
    });
    RE.captures(line).map(|c| c[1].to_string())
}

fn json_key(line: &str) -> Option<String> {
    static RE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"^[ \t]*"([^"]+)"[ \t]*:"#).unwrap());
    RE.captures(line).map(|c| c[1].to_string())
}

/// A Bicep `param` or `var` declaration (also a `.bicepparam` value), with its name.
static BICEP_DECL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^[ \t]*(?:param|var)[ \t]+([A-Za-z_][A-Za-z0-9_]*)\b"#).unwrap()
});

/// A `.bicepparam` file's template.
static USING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?m)^[ \t]*using[ \t]+'([^']+)'"#).unwrap());

/// A top-level Terraform block.
enum Block {
    Resource { kind: String, name: String },
    Variable(String),
    Provider(String),
}

/// The top-level Terraform block that holds `at`: top-level blocks start at the line's first column
/// and do not nest, so it is the last opener before `at`, if its braces reach past `at`.
fn terraform_block(text: &str, at: usize) -> Option<Block> {
    static OPENER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?m)^(resource|data|variable|provider|output|module|locals|terraform)\b(?:[ \t]+"([^"]*)")?(?:[ \t]+"([^"]*)")?[ \t]*\{"#)
            .unwrap()
    });
    let c = OPENER.captures_iter(&text[..at]).last()?;
    let whole = c.get(0)?;
    if block_end(text, whole.end() - 1, Syntax::Hcl).is_some_and(|end| end <= at) {
        return None;
    }
    let arg = |i: usize| c.get(i).map(|m| m.as_str().to_string());
    match &c[1] {
        "resource" => Some(Block::Resource {
            name: format!("{}.{}", arg(2)?, arg(3)?),
            kind: arg(2)?,
        }),
        "variable" => Some(Block::Variable(arg(2)?)),
        "provider" => Some(Block::Provider(arg(2)?)),
        _ => None,
    }
}

/// The innermost Bicep resource whose body holds `at` and whose type is fully qualified (a nested child
/// resource with a relative type gives way to its parent), as (type, symbol).
fn bicep_resource(text: &str, at: usize) -> Option<(String, String)> {
    static OPENER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?m)^[ \t]*resource[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]+'([^'@]+)(?:@[^']*)?'[^{\n]*\{"#)
            .unwrap()
    });
    let openers: Vec<_> = OPENER.captures_iter(&text[..at]).collect();
    openers.iter().rev().find_map(|c| {
        let whole = c.get(0)?;
        let end = block_end(text, whole.end() - 1, Syntax::Bicep)?;
        (end > at && c[2].contains('/')).then(|| (c[2].to_string(), c[1].to_string()))
    })
}

/// The Bicep `module` whose body holds `at`, as (its path or registry reference, its symbol).
fn bicep_module(text: &str, at: usize) -> Option<(String, String)> {
    static OPENER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?m)^[ \t]*module[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]+'([^']+)'[^{\n]*\{"#)
            .unwrap()
    });
    let c = OPENER.captures_iter(&text[..at]).last()?;
    let whole = c.get(0)?;
    let end = block_end(text, whole.end() - 1, Syntax::Bicep)?;
    (end > at).then(|| (c[2].to_string(), c[1].to_string()))
}

/// The ARM type an Azure Verified Modules registry reference deploys, matched against `known` types:
/// `br/public:avm/res/compute/virtual-machine:0.22.0` is `Microsoft.Compute/virtualMachines` (the
/// module path is the type in kebab case, singular).
pub fn avm_type<'k>(reference: &str, known: impl IntoIterator<Item = &'k str>) -> Option<&'k str> {
    let path = reference.split_once("avm/res/")?.1.split(':').next()?;
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let wanted = squash(path);
    known.into_iter().find(|t| {
        let t = squash(t.strip_prefix("microsoft.").unwrap_or(t));
        t == wanted || t.strip_suffix('s') == Some(wanted.as_str())
    })
}

/// The resource of a Pulumi YAML program whose definition holds the line at `at`, as (its type token,
/// its name): the line's ancestors are read by indentation up to the top-level `resources:` key, and
/// the resource's `type:` is its first child of that name.
fn pulumi_resource(text: &str, at: usize) -> Option<(String, String)> {
    let indent = |l: &str| l.len() - l.trim_start_matches([' ', '\t']).len();
    let content = |l: &str| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#')
    };
    let mut level = indent(text[at..].lines().next()?);
    // (indentation, offset, key) of each ancestor, innermost first.
    let mut ancestors: Vec<(usize, usize, &str)> = Vec::new();
    let mut offset = at;
    // Split on `\n` alone, so that offsets stay right in CRLF files (the `\r` is trimmed below).
    for line in text[..at].strip_suffix('\n')?.split('\n').rev() {
        offset -= line.len() + 1;
        if !content(line) || indent(line) >= level {
            continue;
        }
        level = indent(line);
        let key = line
            .trim()
            .trim_start_matches("- ")
            .split(':')
            .next()?
            .trim();
        ancestors.push((level, offset, key));
        if level == 0 {
            break;
        }
    }
    let top = ancestors.pop()?;
    let (resource_indent, resource_at, name) = *ancestors.last()?;
    if top.2 != "resources" || top.0 != 0 {
        return None;
    }
    let mut child = None;
    for line in text[resource_at..].lines().skip(1) {
        if !content(line) {
            continue;
        }
        let i = indent(line);
        if i <= resource_indent {
            break;
        }
        if *child.get_or_insert(i) != i {
            continue;
        }
        if let Some(t) = line.trim().strip_prefix("type:") {
            let t = t.trim().trim_matches(['"', '\'']);
            return (!t.is_empty()).then(|| (t.to_string(), name.to_string()));
        }
    }
    None
}

/// The ARM or azurerm type a Pulumi type token deploys, matched against `known` types (lower-case).
/// azure-native tokens name the ARM type (`azure-native:sql:Server` is `Microsoft.Sql/servers`; a few
/// differ, like the flexible servers, which azure-native calls `Server`); the classic `azure` provider is
/// built from azurerm (`azure:mssql/server:Server` is `azurerm_mssql_server`).
pub fn pulumi_type<'k>(
    token: &str,
    known: impl IntoIterator<Item = &'k str> + Clone,
) -> Option<&'k str> {
    let mut parts = token.split(':');
    let (provider, module, kind) = (parts.next()?, parts.next()?, parts.next()?);
    let snake = |s: &str| -> String {
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        }
        out
    };
    let candidates: Vec<String> = match provider {
        "azure-native" => {
            let module = module.to_ascii_lowercase();
            let lower = kind.to_ascii_lowercase();
            let plural = match lower.strip_suffix('y') {
                Some(stem) => format!("{stem}ies"),
                None if lower.ends_with('s') => lower.clone(),
                None => format!("{lower}s"),
            };
            let special = match (module.as_str(), lower.as_str()) {
                ("dbforpostgresql" | "dbformysql", "server") => Some("flexibleservers"),
                ("cache", "redis") => Some("redis"),
                ("web", "webapp") => Some("sites"),
                _ => None,
            };
            special
                .into_iter()
                .map(|t| format!("microsoft.{module}/{t}"))
                .chain([format!("microsoft.{module}/{plural}")])
                .collect()
        }
        "azure" => {
            let (module, resource) = module.split_once('/')?;
            let resource = snake(resource);
            vec![
                format!("azurerm_{}_{resource}", module.to_ascii_lowercase()),
                format!("azurerm_{resource}"),
            ]
        }
        _ => return None,
    };
    candidates.iter().find_map(|c| {
        known
            .clone()
            .into_iter()
            .find(|t| t.eq_ignore_ascii_case(c))
    })
}

/// The JSON object path down to an offset, read forwards: each open object's member key and, for ARM
/// resources, its `type` and `name` when they come before the offset (ARM templates write them first).
struct JsonWalk {
    frames: Vec<Frame>,
}

#[derive(Default)]
struct Frame {
    is_object: bool,
    key: Option<String>,
    kind: Option<String>,
    name: Option<String>,
}

impl JsonWalk {
    fn to(text: &str, pos: usize) -> JsonWalk {
        let bytes = text.as_bytes();
        let mut frames: Vec<Frame> = Vec::new();
        let mut expecting_key = false;
        let mut i = 0;
        let pos = pos.min(bytes.len());
        while i < pos {
            match bytes[i] {
                b'{' => {
                    frames.push(Frame {
                        is_object: true,
                        ..Frame::default()
                    });
                    expecting_key = true;
                }
                b'[' => {
                    frames.push(Frame::default());
                    expecting_key = false;
                }
                b'}' | b']' => {
                    frames.pop();
                    expecting_key = false;
                }
                b',' => expecting_key = frames.last().is_some_and(|f| f.is_object),
                b':' => expecting_key = false,
                b'/' if bytes.get(i + 1) == Some(&b'/') => {
                    i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
                    continue;
                }
                b'"' => {
                    let start = i + 1;
                    let mut j = start;
                    while j < bytes.len() && bytes[j] != b'"' {
                        j += if bytes[j] == b'\\' { 2 } else { 1 };
                    }
                    let s = text.get(start..j.min(bytes.len())).unwrap_or_default();
                    if let Some(top) = frames.last_mut() {
                        if expecting_key {
                            top.key = Some(s.to_string());
                            expecting_key = false;
                        } else if top.is_object && j < pos {
                            match top.key.as_deref() {
                                Some("type") if s.contains('/') && !s.contains('#') => {
                                    top.kind = Some(s.to_string())
                                }
                                Some("name") => top.name = Some(s.to_string()),
                                _ => {}
                            }
                        }
                    }
                    i = j + 1;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        JsonWalk { frames }
    }

    /// `parameters.<name>.defaultValue` (a template) or `parameters.<name>.value` (a parameters file).
    fn parameter(&self) -> Option<String> {
        let keys: Vec<Option<&str>> = self.frames.iter().map(|f| f.key.as_deref()).collect();
        match keys.as_slice() {
            [Some("parameters"), Some(name), Some("defaultValue" | "value"), ..] => {
                Some(name.to_string())
            }
            _ => None,
        }
    }

    fn key(&self) -> Option<String> {
        self.frames.last().and_then(|f| f.key.clone())
    }

    fn resource_frame(&self) -> Option<&Frame> {
        self.frames.iter().rev().find(|f| f.kind.is_some())
    }

    fn resource_type(&self) -> Option<String> {
        self.resource_frame().and_then(|f| f.kind.clone())
    }

    fn resource_name(&self) -> Option<String> {
        self.resource_frame().and_then(|f| f.name.clone())
    }
}

/// The syntax a block is matched in: which quotes open strings and which comments to skip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Json,
    Hcl,
    Bicep,
}

/// The offset just past the bracket that closes the one at `open`, outside strings, comments and (HCL)
/// heredocs: an apostrophe in a Terraform comment must not hide a closing brace. Works on bytes, so a
/// multi-byte character never splits.
pub fn block_end(text: &str, open: usize, syntax: Syntax) -> Option<usize> {
    let bytes = text.as_bytes();
    let find = |from: usize, needle: &[u8]| {
        bytes
            .get(from..)?
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|n| from + n)
    };
    let mut depth = 0i64;
    let mut i = open;
    while i < bytes.len() {
        let rest = &bytes[i..];
        let c = bytes[i];
        if rest.starts_with(b"//") || (syntax == Syntax::Hcl && c == b'#') {
            i = find(i, b"\n").unwrap_or(bytes.len());
            continue;
        }
        if rest.starts_with(b"/*") {
            i = find(i + 2, b"*/").map_or(bytes.len(), |n| n + 2);
            continue;
        }
        if syntax == Syntax::Hcl && rest.starts_with(b"<<") {
            // <<EOT or <<-EOT ... a line holding only EOT.
            let tag_start = if rest.get(2) == Some(&b'-') {
                i + 3
            } else {
                i + 2
            };
            let tag_len = bytes[tag_start.min(bytes.len())..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                .count();
            if tag_len > 0 {
                let tag = &bytes[tag_start..tag_start + tag_len];
                let mut j = find(i, b"\n").unwrap_or(bytes.len());
                while j < bytes.len() {
                    let line_end = find(j + 1, b"\n").unwrap_or(bytes.len());
                    if bytes[j + 1..line_end].trim_ascii() == tag {
                        break;
                    }
                    j = line_end;
                }
                i = j;
                continue;
            }
        }
        if syntax == Syntax::Bicep && rest.starts_with(b"'''") {
            i = find(i + 3, b"'''").map_or(bytes.len(), |n| n + 3);
            continue;
        }
        let quote = match syntax {
            Syntax::Json | Syntax::Hcl => b'"',
            Syntax::Bicep => b'\'',
        };
        if c == quote {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] != quote {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            i = j + 1;
            continue;
        }
        match c {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_end_at_their_own_bracket_whatever_comments_and_strings_hold() {
        let hcl = "app_settings = {\n  # it's read by the app {\n  \"A\" = \"}\"\n  K = <<EOT\n}\nEOT\n}\nafter {}";
        let open = hcl.find('{').unwrap();
        let end = block_end(hcl, open, Syntax::Hcl).unwrap();
        assert_eq!(end, hcl.find("\nafter").unwrap());
        let bicep =
            "appSettings: [ // don't rename ]\n { name: 'x', value: '}]' } '''\n]'''\n ]\nrest ]";
        let open = bicep.find('[').unwrap();
        let end = block_end(bicep, open, Syntax::Bicep).unwrap();
        assert_eq!(end, bicep.find("\nrest").unwrap());
        // Multi-byte characters are stepped over, never split.
        let json = "{\"é\": { \"ü\": 1 } } tail";
        assert_eq!(
            block_end(json, 0, Syntax::Json),
            Some(json.find(" tail").unwrap())
        );
    }

    /// The site of the first `"x"` or `'x'` value on `line` (the tests' stand-in secret), or its start.
    fn site(dialect: Dialect, text: &str, line: usize, files: &[(&str, &str)]) -> Site {
        let line_text = text.lines().nth(line - 1).unwrap();
        let column = line_text
            .find("\"x\"")
            .or_else(|| line_text.find("'x'"))
            .map_or(1, |i| i + 2);
        let names: Vec<String> = files.iter().map(|(n, _)| n.to_string()).collect();
        let mut read = |p: &Path| {
            files
                .iter()
                .find(|(n, _)| p.ends_with(n))
                .map(|(_, t)| t.to_string())
        };
        locate(
            dialect,
            text,
            (line, column),
            Path::new("/m"),
            &names,
            &mut read,
        )
    }

    #[test]
    fn dialects_come_from_names_and_content() {
        assert_eq!(dialect("infra/main.tf", ""), Some(Dialect::Terraform));
        assert_eq!(dialect("prod.tfvars", ""), Some(Dialect::TerraformVars));
        assert_eq!(dialect("main.bicep", ""), Some(Dialect::Bicep));
        assert_eq!(dialect("main.bicepparam", ""), Some(Dialect::BicepParams));
        let arm = r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"}"#;
        assert_eq!(dialect("azuredeploy.json", arm), Some(Dialect::Arm));
        let sub = r#"{"$schema": "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#"}"#;
        assert_eq!(dialect("main.json", sub), Some(Dialect::Arm));
        assert_eq!(
            dialect("x.parameters.json", r#"{"parameters": {}}"#),
            Some(Dialect::ArmParameters)
        );
        assert_eq!(dialect("Pulumi.dev.yaml", "config:"), Some(Dialect::Pulumi));
        assert_eq!(
            dialect("stack.yaml", "AWSTemplateFormatVersion: '2010-09-09'"),
            Some(Dialect::CloudFormation)
        );
        assert_eq!(dialect("appsettings.json", r#"{"Db": "x"}"#), None);
        assert_eq!(dialect("values.yaml", "password: x"), None);
        assert!(may_be("infra/main.tf") && may_be("azuredeploy.json") && may_be("main.bicepparam"));
        assert!(!may_be("src/app.py") && !may_be(".env"));
    }

    #[test]
    fn a_terraform_literal_belongs_to_its_resource_and_argument() {
        let tf = "resource \"azurerm_mssql_server\" \"db\" {\n  name = \"x\" # it's {\n  administrator_login_password = \"s3cret!\"\n}\n\nresource \"azurerm_storage_account\" \"st\" {\n}\n";
        let s = site(Dialect::Terraform, tf, 3, &[]);
        assert_eq!(s.resource_type.as_deref(), Some("azurerm_mssql_server"));
        assert_eq!(s.resource.as_deref(), Some("azurerm_mssql_server.db"));
        assert_eq!(s.setting.as_deref(), Some("administrator_login_password"));
        // A line after the block is in no resource.
        let s = site(
            Dialect::Terraform,
            "resource \"a_b\" \"c\" {\n}\nlocals {\n  x = \"y\"\n}\n",
            4,
            &[],
        );
        assert_eq!(s.resource_type, None);
    }

    #[test]
    fn variables_lead_to_the_resource_that_uses_them_in_the_module() {
        let vars = "variable \"sql_password\" {\n  default = \"s3cret!\"\n}\n";
        let main = "resource \"azurerm_mssql_server\" \"db\" {\n  administrator_login_password = var.sql_password\n}\n";
        let s = site(
            Dialect::Terraform,
            vars,
            2,
            &[("variables.tf", vars), ("main.tf", main)],
        );
        assert_eq!(s.variable.as_deref(), Some("sql_password"));
        assert_eq!(s.resource.as_deref(), Some("azurerm_mssql_server.db"));
        assert_eq!(s.setting.as_deref(), Some("administrator_login_password"));
        assert_eq!(s.defined_in.as_deref(), Some("main.tf"));
        // A .tfvars value is the variable of the same name; `var.sql_password_old` is another variable.
        let main2 = "resource \"x_y\" \"z\" {\n  a = var.sql_password_old\n}\n";
        let s = site(
            Dialect::TerraformVars,
            "sql_password = \"s3cret!\"\n",
            1,
            &[("a.tf", main2), ("main.tf", main)],
        );
        assert_eq!(s.resource_type.as_deref(), Some("azurerm_mssql_server"));
    }

    #[test]
    fn a_bicep_parameter_is_followed_to_its_resource_not_taken_for_its_type() {
        let bicep = "@secure()\nparam adminPassword string = 'x'\n\nresource sql 'Microsoft.Sql/servers@2023-08-01' = {\n  name: 'db'\n  properties: {\n    administratorLoginPassword: adminPassword\n  }\n}\n";
        let s = site(Dialect::Bicep, bicep, 2, &[]);
        assert_eq!(s.variable.as_deref(), Some("adminPassword"));
        assert_eq!(s.resource_type.as_deref(), Some("Microsoft.Sql/servers"));
        assert_eq!(s.resource.as_deref(), Some("sql"));
        assert_eq!(s.setting.as_deref(), Some("administratorLoginPassword"));
        // The same through a .bicepparam file's `using`.
        let params = "using './main.bicep'\n\nparam adminPassword = 'x'\n";
        let s = site(Dialect::BicepParams, params, 3, &[("main.bicep", bicep)]);
        assert_eq!(s.resource_type.as_deref(), Some("Microsoft.Sql/servers"));
        assert_eq!(s.defined_in.as_deref(), Some("./main.bicep"));
    }

    #[test]
    fn a_bicep_module_parameter_is_followed_into_a_local_module() {
        let main = "module db './modules/sql.bicep' = {\n  name: 'db'\n  params: {\n    adminPassword: 'x'\n  }\n}\n\nmodule reg 'br/public:avm/res/sql/server:0.1.0' = {\n  params: {\n    password: 'x'\n  }\n}\n";
        let module = "@secure()\nparam adminPassword string\n\nresource sql 'Microsoft.Sql/servers@2023-08-01' = {\n  properties: {\n    administratorLoginPassword: adminPassword\n  }\n}\n";
        let s = site(Dialect::Bicep, main, 4, &[("modules/sql.bicep", module)]);
        assert_eq!(s.resource_type.as_deref(), Some("Microsoft.Sql/servers"));
        assert_eq!(s.setting.as_deref(), Some("administratorLoginPassword"));
        assert_eq!(s.variable.as_deref(), Some("adminPassword"));
        assert_eq!(s.defined_in.as_deref(), Some("./modules/sql.bicep"));
        // A registry module is known by its reference, which names the type it deploys.
        let s = site(Dialect::Bicep, main, 10, &[("modules/sql.bicep", module)]);
        assert_eq!(
            s.resource_type.as_deref(),
            Some("br/public:avm/res/sql/server:0.1.0")
        );
        assert_eq!(s.setting.as_deref(), Some("password"));
        let known = [
            "microsoft.sql/servers",
            "microsoft.compute/virtualmachines",
            "microsoft.cache/redis",
        ];
        assert_eq!(
            avm_type("br/public:avm/res/sql/server:0.1.0", known),
            Some("microsoft.sql/servers")
        );
        assert_eq!(
            avm_type("br/public:avm/res/compute/virtual-machine:0.22.0", known),
            Some("microsoft.compute/virtualmachines")
        );
        assert_eq!(
            avm_type("br/public:avm/res/cache/redis:0.3.0", known),
            Some("microsoft.cache/redis")
        );
        assert_eq!(
            avm_type("br/public:avm/res/network/virtual-network:0.1.0", known),
            None
        );
        assert_eq!(avm_type("./modules/sql.bicep", known), None);
    }

    #[test]
    fn arm_parameters_and_resources_are_read_from_the_json_structure() {
        let arm = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "parameters": {
    "adminPassword": { "type": "securestring", "defaultValue": "x" }
  },
  "resources": [
    {
      "type": "Microsoft.Compute/virtualMachines",
      "name": "vm1",
      "identity": { "type": "SystemAssigned" },
      "properties": { "osProfile": { "adminPassword": "[parameters('adminPassword')]" } }
    }
  ]
}"#;
        let s = site(Dialect::Arm, arm, 4, &[]);
        assert_eq!(s.variable.as_deref(), Some("adminPassword"));
        assert_eq!(
            s.resource_type.as_deref(),
            Some("Microsoft.Compute/virtualMachines")
        );
        assert_eq!(s.resource.as_deref(), Some("vm1"));
        assert_eq!(s.setting.as_deref(), Some("adminPassword"));
        let params = "{\n  \"parameters\": {\n    \"adminPassword\": {\n      \"value\": \"x\"\n    }\n  }\n}\n";
        let s = site(
            Dialect::ArmParameters,
            params,
            4,
            &[
                ("azuredeploy.json", arm),
                ("azuredeploy.parameters.json", params),
            ],
        );
        assert_eq!(s.variable.as_deref(), Some("adminPassword"));
        assert_eq!(
            s.resource_type.as_deref(),
            Some("Microsoft.Compute/virtualMachines")
        );
        assert_eq!(s.defined_in.as_deref(), Some("azuredeploy.json"));
    }

    #[test]
    fn pulumi_yaml_resources_are_read_by_indentation() {
        let program = "name: app\r\nresources:\r\n  db:\r\n    # the orders database\r\n    type: azure-native:sql:Server\r\n    properties:\r\n      nested:\r\n        type: not-this-one\r\n      administratorLoginPassword: \"x\"\r\n  other:\r\n    type: azure-native:cache:Redis\r\n";
        let s = site(Dialect::Pulumi, program, 9, &[]);
        assert_eq!(s.resource_type.as_deref(), Some("azure-native:sql:Server"));
        assert_eq!(s.resource.as_deref(), Some("db"));
        assert_eq!(s.setting.as_deref(), Some("administratorLoginPassword"));
        // A stack file's config is not a resource.
        let stack = "config:\n  app:dbPassword: x\n";
        let s = site(Dialect::Pulumi, stack, 2, &[]);
        assert_eq!((s.resource_type, s.resource), (None, None));
        let known = [
            "microsoft.sql/servers",
            "microsoft.dbforpostgresql/flexibleservers",
            "microsoft.containerregistry/registries",
            "microsoft.cache/redis",
            "azurerm_mssql_server",
            "azurerm_linux_virtual_machine",
        ];
        for (token, ty) in [
            ("azure-native:sql:Server", Some("microsoft.sql/servers")),
            (
                "azure-native:dbforpostgresql:Server",
                Some("microsoft.dbforpostgresql/flexibleservers"),
            ),
            (
                "azure-native:containerregistry:Registry",
                Some("microsoft.containerregistry/registries"),
            ),
            ("azure-native:cache:Redis", Some("microsoft.cache/redis")),
            ("azure:mssql/server:Server", Some("azurerm_mssql_server")),
            (
                "azure:compute/linuxVirtualMachine:LinuxVirtualMachine",
                Some("azurerm_linux_virtual_machine"),
            ),
            ("azure-native:network:VirtualNetwork", None),
            ("aws:rds/instance:Instance", None),
        ] {
            assert_eq!(pulumi_type(token, known), ty, "{token}");
        }
    }
}
