//! The regex side of a rule: how a pack's pattern is rewritten before it is compiled (CRLF line ends,
//! ASCII word classes), the check that it names exactly one `secret` group, and whether its matches stay
//! on one line (so the engine may search only the lines of a keyword hit).
//!
//! Pure functions over `regex-syntax` trees; [`super::compile`] calls them, nothing here knows a rule.

use regex_automata::meta::Regex;

/// Rules are compiled in CRLF mode, so `^` and `$` treat a lone CR as a line end, as the line index and
/// the windows do: a file saved with old Mac line endings still matches line-anchored rules. Word
/// characters, digits and word boundaries are ASCII (see [`ascii_classes`]).
fn crlf_mode(source: &str) -> String {
    format!("(?R){}", ascii_classes(source))
}

/// Compiles a rule's pattern (after [`crlf_mode`]) to search bytes with Unicode mode off: `[^\s"]`,
/// `.` and `(?i)` then work on bytes, not on UTF-8 sequences. A Unicode class is a few UTF-8 states
/// per copy and counted repetitions (`{4,200}`) copy it hundreds of times, so in Unicode mode the
/// built-in rules took about 330 ms to compile (a quarter of a small tree's scan) and their lazy DFAs
/// filled faster; on bytes it is about 70 ms. What it changes: a non-ASCII character counts as its
/// bytes in a repetition, and `\s` is ASCII white space. The matcher snaps match edges to character
/// boundaries. A pattern that needs Unicode mode (`\p{L}`) is compiled with it.
///
/// A `meta::Regex` rather than `regex::bytes::Regex`: the search caches are then the caller's (one set
/// per `detect::Scanner`), so their memory grows with the number of scanners, not with the number of
/// threads that ever ran a rule (the `regex` crate keeps up to one cache per thread per regex).
pub(super) fn compile(source: &str) -> Result<Regex, String> {
    let source = crlf_mode(source);
    let build = |unicode: bool| {
        regex_automata::meta::Builder::new()
            .configure(Regex::config().utf8_empty(false))
            .syntax(
                regex_automata::util::syntax::Config::new()
                    .unicode(unicode)
                    .utf8(false),
            )
            .build(&source)
            .map_err(|e| e.to_string())
    };
    build(false).or_else(|_| build(true))
}

/// The syntax tree [`compile`] compiles, in the same mode.
pub(super) fn syntax_tree(source: &str) -> Option<regex_syntax::hir::Hir> {
    let source = crlf_mode(source);
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(&source)
        .ok()
        .or_else(|| regex_syntax::Parser::new().parse(&source).ok())
}

/// Whether every match of `hir`, searched for in one line, is a match it would have in the whole text. A
/// boundary at the very start of a match that may be a line break or the start (`(?:^|[\s,])`), and one at
/// the very end that may be a line break or the end, are allowed: searched in the line alone, `^` and `$`
/// match where the break was.
pub(super) fn stays_on_one_line(hir: &regex_syntax::hir::Hir) -> bool {
    one_line_at(hir, true, true)
}

/// [`stays_on_one_line`] for a part of the pattern; `first` and `last` say whether it begins or ends
/// every match it is part of.
fn one_line_at(hir: &regex_syntax::hir::Hir, first: bool, last: bool) -> bool {
    use regex_syntax::hir::{HirKind, Look};
    // Either one character or one of `looks`.
    let boundary = |looks: &[Look]| match hir.kind() {
        HirKind::Alternation(branches) => {
            let is_look = |b: &regex_syntax::hir::Hir| matches!(b.kind(), HirKind::Look(l) if looks.contains(l));
            branches.iter().any(is_look)
                && branches.iter().all(|b| {
                    is_look(b)
                        || matches!(b.kind(), HirKind::Class(_))
                        || matches!(b.kind(), HirKind::Literal(l) if l.0.len() == 1)
                })
        }
        _ => false,
    };
    if (first && boundary(&[Look::Start, Look::StartLF, Look::StartCRLF]))
        || (last && boundary(&[Look::End, Look::EndLF, Look::EndCRLF]))
    {
        return true;
    }
    match hir.kind() {
        HirKind::Alternation(branches) => branches.iter().all(|b| one_line_at(b, first, last)),
        HirKind::Capture(c) => one_line_at(&c.sub, first, last),
        HirKind::Concat(parts) => parts
            .iter()
            .enumerate()
            .all(|(i, p)| one_line_at(p, first && i == 0, last && i + 1 == parts.len())),
        _ => !can_match_line_break(hir),
    }
}

/// Whether some string that `hir` matches contains a line break (`\n` or `\r`).
fn can_match_line_break(hir: &regex_syntax::hir::Hir) -> bool {
    use regex_syntax::hir::{Class, HirKind};
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => false,
        HirKind::Literal(l) => l.0.iter().any(|&b| b == b'\n' || b == b'\r'),
        HirKind::Class(Class::Unicode(c)) => c.ranges().iter().any(|r| {
            (u32::from(r.start())..=u32::from(r.end())).contains(&u32::from(b'\n'))
                || (u32::from(r.start())..=u32::from(r.end())).contains(&u32::from(b'\r'))
        }),
        HirKind::Class(Class::Bytes(c)) => c.ranges().iter().any(|r| {
            (r.start()..=r.end()).contains(&b'\n') || (r.start()..=r.end()).contains(&b'\r')
        }),
        HirKind::Repetition(r) => r.max != Some(0) && can_match_line_break(&r.sub),
        HirKind::Capture(c) => can_match_line_break(&c.sub),
        HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().any(can_match_line_break),
    }
}

/// Makes `\w`, `\d` and `\b` ASCII, as the setting names and keys they describe are. Unicode `\w` is
/// hundreds of ranges, so `[\w.\-]{0,40}` alone compiles to megabytes; and the lazy DFA cannot decide a
/// Unicode word boundary next to a non-ASCII byte, so one accented letter in a window sent the whole
/// search to the slow PikeVM. Inside a class `\w` becomes `0-9A-Za-z_`; outside, `[0-9A-Za-z_]`; `\b`
/// becomes `(?-u:\b)`. Everything else, escapes included, is copied.
fn ascii_classes(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + 32);
    let mut depth = 0usize;
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(e) = chars.next() else {
                    out.push(c);
                    break;
                };
                let inside = depth > 0;
                match (e, inside) {
                    ('w', true) => out.push_str("0-9A-Za-z_"),
                    ('d', true) => out.push_str("0-9"),
                    ('w', false) => out.push_str("[0-9A-Za-z_]"),
                    ('W', false) => out.push_str("[^0-9A-Za-z_]"),
                    ('d', false) => out.push_str("[0-9]"),
                    ('D', false) => out.push_str("[^0-9]"),
                    ('b', false) => out.push_str("(?-u:\\b)"),
                    ('B', false) => out.push_str("(?-u:\\B)"),
                    _ => {
                        out.push(c);
                        out.push(e);
                    }
                }
            }
            '[' => {
                out.push(c);
                depth += 1;
                // A `]` right after `[` or `[^` is a literal, not the end of the class.
                if chars.peek() == Some(&'^') {
                    out.push(chars.next().unwrap_or('^'));
                }
                if depth == 1 && chars.peek() == Some(&']') {
                    out.push(chars.next().unwrap_or(']'));
                }
            }
            ']' if depth > 0 => {
                out.push(c);
                depth -= 1;
            }
            _ => out.push(c),
        }
    }
    out
}

/// Parses the regex to its syntax tree, without translating it or building automata (Unicode case folding
/// makes translation the expensive part of loading), and checks that exactly one group is named `secret`.
pub(super) fn check_regex(source: &str) -> Result<(), String> {
    let ast = regex_syntax::ast::parse::Parser::new()
        .parse(source)
        .map_err(|e| format!("invalid regex: {e}"))?;
    let mut names = Vec::new();
    collect_capture_names(&ast, &mut names);
    match names.iter().filter(|n| n.as_str() == "secret").count() {
        1 => Ok(()),
        0 => Err("regex has no named group 'secret'".to_string()),
        _ => Err("regex names the group 'secret' more than once".to_string()),
    }
}

fn collect_capture_names(ast: &regex_syntax::ast::Ast, out: &mut Vec<String>) {
    use regex_syntax::ast::{Ast, GroupKind};
    match ast {
        Ast::Group(g) => {
            if let GroupKind::CaptureName { name, .. } = &g.kind {
                out.push(name.name.clone());
            }
            collect_capture_names(&g.ast, out);
        }
        Ast::Concat(c) => c.asts.iter().for_each(|a| collect_capture_names(a, out)),
        Ast::Alternation(a) => a.asts.iter().for_each(|a| collect_capture_names(a, out)),
        Ast::Repetition(r) => collect_capture_names(&r.ast, out),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    /// Patterns search bytes with Unicode mode off, so a repetition counts bytes; a pattern that needs
    /// Unicode mode still compiles, with it.
    #[test]
    fn patterns_compile_for_bytes_and_fall_back_to_unicode() {
        let secret = |re: &super::Regex, hay: &str| {
            let mut caps = re.create_captures();
            re.captures(hay.as_bytes(), &mut caps);
            caps.get_group_by_name("secret").map(|s| s.len())
        };
        let re = compile(r"(?i)key=(?P<secret>[^\s;]{4,6})").unwrap();
        // Six bytes, three characters: the byte count is what the repetition sees.
        assert_eq!(secret(&re, "KEY=ééé;"), Some(6));
        assert_eq!(secret(&re, "key=éé;"), Some(4));
        let unicode = compile(r"name=(?P<secret>\p{L}+)").unwrap();
        assert_eq!(secret(&unicode, "name=Zoë;"), Some("Zoë".len()));
        // A literal non-ASCII character matches its UTF-8 bytes.
        assert!(compile(r"contraseña=(?P<secret>\w+)")
            .unwrap()
            .is_match("contraseña=abc".as_bytes()));
        assert!(syntax_tree(r"(?P<secret>\p{L}+)").is_some());
    }

    #[test]
    fn line_bound_regexes_are_told_from_those_that_cross_lines() {
        let one = |src: &str| {
            stays_on_one_line(&regex_syntax::Parser::new().parse(&crlf_mode(src)).unwrap())
        };
        assert!(one(r#"(?i)password[ \t]*=[ \t]*"(?P<secret>[^"\r\n]+)""#));
        // Boundaries at the start and end of a match, also inside alternations.
        assert!(one(r"(?:^|[\s,;])(?P<secret>[a-z]+)(?:[\s;]|$)"));
        assert!(one(r"(?:a|(?:^|\s)b)c(?:x(?:\s|$)|(?P<secret>y))"));
        assert!(one(r"(?m)(?:^|\s)(?P<secret>k)"));
        // Line breaks inside a match.
        assert!(!one(r"password\s*=\s*(?P<secret>\w+)"));
        assert!(!one(r#"password=(?P<secret>[^"]+)"#));
        assert!(!one(r"(?s)key.(?P<secret>x)"));
        assert!(!one(r"a\nb(?P<secret>c)"));
        assert!(!one(r"key:\r?\n\s+(?P<secret>c)"));
        // A leading class without `^` beside it, and a boundary in the middle, are not boundaries.
        assert!(!one(r"(?:\s|x)(?P<secret>a)"));
        assert!(!one(r"a(?:^|\s)(?P<secret>b)"));
    }

    #[test]
    fn word_classes_digits_and_boundaries_become_ascii() {
        assert_eq!(ascii_classes(r"\bkey\w*"), r"(?-u:\b)key[0-9A-Za-z_]*");
        assert_eq!(ascii_classes(r"[\w.\-]{0,40}"), r"[0-9A-Za-z_.\-]{0,40}");
        assert_eq!(ascii_classes(r"[^\d\s]\d+\D"), r"[^0-9\s][0-9]+[^0-9]");
        // Escaped backslashes, literal brackets and other escapes are copied.
        assert_eq!(ascii_classes(r"\\w\[\w\]"), r"\\w\[[0-9A-Za-z_]\]");
        assert_eq!(
            ascii_classes(r"[]\w][^]x]\s\p{L}"),
            r"[]0-9A-Za-z_][^]x]\s\p{L}"
        );
        // Every built-in rule still compiles, and a non-ASCII letter is no longer a word character.
        let re = Regex::new(&crlf_mode(r"\bkey\b")).unwrap();
        assert!(re.is_match("é key é"));
        assert!(re.is_match("ékey"));
        assert!(!re.is_match("akey"));
    }
}
