//! Runs a candidate rule's regex on the window around its keyword hits, never over the whole file.
//!
//! Windows of the same rule that overlap are merged first, so a keyword that appears on every line of a
//! file costs one regex pass over that stretch, not one per hit. Windows are widened to whole lines (within
//! a bound) so `^`, `$` and a value that runs past the window edge behave as they would on the full file.

use super::prefilter::Hit;
use crate::rules::Rule;
use regex_automata::meta::Cache;
use regex_automata::util::captures::Captures;
use regex_automata::PatternID;
use std::ops::Range;

/// How far a window may be widened to reach a line boundary; stops minified files from turning a window
/// into the whole file.
const LINE_SNAP_LIMIT: usize = 1024;

/// A regex match before validation. Ranges are byte ranges in the scanned text.
#[derive(Debug, Clone)]
pub struct RawMatch {
    pub rule: usize,
    pub secret: Range<usize>,
    /// Named groups other than `secret`, in pattern order, that matched and do not overlap the secret.
    pub captures: Vec<(String, String)>,
}

/// Turns hits into merged `(rule, region)` pairs. `hits` must be sorted by (rule, start).
///
/// A keyword on every line gives thousands of hits per file, so the line boundaries are looked for only
/// when they can change the region: a hit whose window starts inside the current region merges without
/// snapping its start, and its end is snapped only when it reaches past every earlier hit's (snapping is
/// monotonic, so a smaller end cannot widen the region).
///
/// For a rule whose matches never cross a line (`within_a_line`), a hit's region is its window clipped to
/// the line that holds it: a match elsewhere in the window cannot hold this keyword. Regions of
/// neighbouring lines merge, since a match cannot span the break between them.
pub fn regions(
    text: &str,
    window: impl Fn(usize) -> usize,
    within_a_line: impl Fn(usize) -> bool,
    hits: &[Hit],
    out: &mut Vec<(usize, Range<usize>)>,
) {
    let mut widest_end = 0;
    for hit in hits {
        let w = window(hit.rule);
        let raw_start = hit.start.saturating_sub(w);
        let raw_end = (hit.end + w).min(text.len());
        let one_line = within_a_line(hit.rule);
        if let Some((rule, region)) = out.last_mut() {
            if *rule == hit.rule {
                let joins = if one_line {
                    hit.start < region.end || {
                        let start = line_start(text, raw_start, hit.start);
                        start <= region.end
                            || text.as_bytes()[region.end..start]
                                .iter()
                                .all(|&b| b == b'\n' || b == b'\r')
                    }
                } else {
                    raw_start <= region.end || snap_start(text, raw_start) <= region.end
                };
                if joins {
                    if raw_end > widest_end {
                        let end = if one_line {
                            line_end(text, hit.end.max(region.end), raw_end)
                        } else {
                            snap_end(text, raw_end)
                        };
                        region.end = region.end.max(end);
                        widest_end = raw_end;
                    }
                    continue;
                }
            }
        }
        let region = if one_line {
            line_start(text, raw_start, hit.start)..line_end(text, hit.end, raw_end)
        } else {
            snap_start(text, raw_start)..snap_end(text, raw_end)
        };
        out.push((hit.rule, region));
        widest_end = raw_end;
    }
}

/// Where the line holding `at` starts, looking no further back than [`snap_start`] of the window's start
/// would (which is where a line break that far back would put the region's start anyway).
fn line_start(text: &str, window_start: usize, at: usize) -> usize {
    let bytes = text.as_bytes();
    let floor = window_start.saturating_sub(LINE_SNAP_LIMIT);
    match bytes[floor..at]
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
    {
        Some(i) => floor + i + 1,
        None if floor == 0 => 0,
        None => crate::source::floor_char_boundary(text, window_start),
    }
}

/// Where the line holding the text from `from` on ends, looking no further than [`snap_end`] of the
/// window's end would. The caller knows that no line break lies before `from` on this line.
fn line_end(text: &str, from: usize, window_end: usize) -> usize {
    let bytes = text.as_bytes();
    let ceil = (window_end + LINE_SNAP_LIMIT).min(bytes.len());
    if from >= ceil {
        return from;
    }
    match bytes[from..ceil]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
    {
        Some(i) => from + i,
        None if ceil == bytes.len() => bytes.len(),
        None => crate::source::ceil_char_boundary(text, window_end),
    }
}

/// A rule regex's search state: its cache (lazy DFA states and scratch) and a capture-slot buffer, made
/// once per scanner and rule and reused for every region, so the per-region work allocates nothing.
pub struct Search {
    cache: Cache,
    caps: Captures,
}

impl Search {
    pub fn new(rule: &Rule) -> Search {
        Search {
            cache: rule.regex().create_cache(),
            caps: rule.regex().create_captures(),
        }
    }
}

/// Every match of `rule` inside `region`, searched with `search` (the scanner's state for this rule).
///
/// The regex searches bytes (see `rules::Rule::regex`), so a match may begin or end inside a multi-byte
/// character (`[^\s"]{4,200}` counts bytes); its edges are moved inward to character boundaries.
pub fn matches(
    text: &str,
    rule_index: usize,
    rule: &Rule,
    region: Range<usize>,
    search: &mut Search,
    out: &mut Vec<RawMatch>,
) {
    let re = rule.regex();
    // The region alone is the haystack, so `^`, `$` and `\b` see its edges as the text's edges.
    let at = |s: regex_automata::Span| {
        let start = crate::source::ceil_char_boundary(text, region.start + s.start);
        let end = crate::source::floor_char_boundary(text, region.start + s.end);
        start..end.max(start)
    };
    let Search { cache, caps } = search;
    let input = regex_automata::Input::new(&text.as_bytes()[region.clone()]);
    let mut searcher = regex_automata::util::iter::Searcher::new(input);
    while searcher
        .advance(|input| {
            re.search_captures_with(cache, input, caps);
            Ok(caps.get_match())
        })
        .is_some()
    {
        let Some(secret) = caps.get_group_by_name("secret").map(at) else {
            continue;
        };
        if secret.is_empty() {
            continue;
        }
        let mut captures = Vec::new();
        for (group, name) in re.group_info().pattern_names(PatternID::ZERO).enumerate() {
            let Some(name) = name.filter(|n| *n != "secret") else {
                continue;
            };
            if let Some(m) = caps.get_group(group).map(at) {
                let overlaps = m.start < secret.end && secret.start < m.end;
                if !m.is_empty() && !overlaps && !captures.iter().any(|(n, _)| n == name) {
                    captures.push((name.to_string(), text[m].to_string()));
                }
            }
        }
        out.push(RawMatch {
            rule: rule_index,
            secret,
            captures,
        });
    }
}

fn snap_start(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    let floor = at.saturating_sub(LINE_SNAP_LIMIT);
    match bytes[floor..at]
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
    {
        Some(i) => floor + i + 1,
        None if floor == 0 => 0,
        None => crate::source::floor_char_boundary(text, at),
    }
}

fn snap_end(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    let ceil = (at + LINE_SNAP_LIMIT).min(bytes.len());
    match bytes[at..ceil]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
    {
        Some(i) => at + i,
        None if ceil == bytes.len() => bytes.len(),
        None => crate::source::ceil_char_boundary(text, at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The regions as first written: every hit's window snapped to lines, then merged.
    fn reference(text: &str, w: usize, hits: &[Hit]) -> Vec<(usize, Range<usize>)> {
        let mut out: Vec<(usize, Range<usize>)> = Vec::new();
        for hit in hits {
            let start = snap_start(text, hit.start.saturating_sub(w));
            let end = snap_end(text, (hit.end + w).min(text.len()));
            match out.last_mut() {
                Some((rule, region)) if *rule == hit.rule && start <= region.end => {
                    region.end = region.end.max(end);
                }
                _ => out.push((hit.rule, start..end)),
            }
        }
        out
    }

    /// A line-bound rule searches the lines of its hits, clipped to the window; neighbouring lines merge
    /// and a line without a hit between two hits is left out.
    #[test]
    fn line_bound_rules_search_the_lines_of_their_hits() {
        let text = "top\nkey=1 and more\nnothing here\nkey=2\r\nkey=3\n".to_string()
            + &"x".repeat(2000)
            + "key=4"
            + &"y".repeat(2000)
            + "\nend";
        let hits: Vec<Hit> = text
            .match_indices("key")
            .map(|(i, _)| Hit {
                rule: 0,
                start: i,
                end: i + 3,
            })
            .collect();
        let mut got = Vec::new();
        regions(&text, |_| 10, |_| true, &hits, &mut got);
        let line = |from: &str, to: &str| {
            let s = text.find(from).unwrap();
            s..text[s..].find(to).unwrap() + s
        };
        let long_start = text.find("key=4").unwrap();
        assert_eq!(
            got,
            vec![
                (0, line("key=1", "\nnothing")),
                (0, line("key=2", "\nxxx")),
                // A line longer than the window and the line snapping either side: the window, as before.
                (0, long_start - 10..long_start + 3 + 10),
            ]
        );
        // Without the line bound the window reaches into the line before.
        let mut whole = Vec::new();
        regions(&text, |_| 10, |_| false, &hits, &mut whole);
        assert_eq!(whole[0].1, 0..text.find("\nnothing").unwrap());
    }

    /// Byte regexes can end a repetition inside a character (`{4,200}` counts bytes); every match of every
    /// built-in rule, over values made of multi-byte characters cut at every length, lands on character
    /// boundaries.
    #[test]
    fn matches_land_on_character_boundaries() {
        let rules = crate::rules::RuleSet::builtin().unwrap();
        let mut found = 0;
        for n in 1..40 {
            let value: String = "é€😀x".chars().cycle().take(n * 7).collect();
            let text = format!(
                "password = \"{value}\"\nDB_PASSWORD={value}\nsecret: {value}\n\
                 Server=tcp:x;Password={value};\napi_key: '{value}'\n\
                 Authorization: Bearer Kq8vN2xLm4{value}{value}{value}{value}\n"
            );
            for (i, rule) in rules.rules.iter().enumerate() {
                let mut out = Vec::new();
                matches(
                    &text,
                    i,
                    rule,
                    0..text.len(),
                    &mut Search::new(rule),
                    &mut out,
                );
                for m in out {
                    assert!(
                        text.is_char_boundary(m.secret.start)
                            && text.is_char_boundary(m.secret.end)
                    );
                    assert!(!m.secret.is_empty(), "{}", rule.id);
                    found += 1;
                }
            }
        }
        assert!(found > 100, "multi-byte values are matched: {found}");
    }

    #[test]
    fn skipping_the_snaps_gives_the_same_regions() {
        // Short lines, a long line without breaks (char-boundary snaps), multi-byte text, hits of
        // different lengths and two rules.
        let long = "é".repeat(1500);
        let text = format!(
            "a=1\nsecret=xyz\n{long}\nsecret: token token\n\n{}\nend",
            "k".repeat(3000)
        );
        let positions: Vec<usize> = text
            .match_indices("secret")
            .map(|(i, _)| i)
            .chain(text.match_indices("token").map(|(i, _)| i))
            .chain([20, 1600, 3100, 4500, 6000])
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        for w in [0, 3, 64, 256, 2048] {
            for rule_count in [1, 2] {
                let mut hits: Vec<Hit> = positions
                    .iter()
                    .enumerate()
                    .map(|(n, &start)| {
                        let mut end = (start + 1 + n % 7).min(text.len());
                        while !text.is_char_boundary(end) {
                            end += 1;
                        }
                        Hit {
                            rule: n % rule_count,
                            start,
                            end,
                        }
                    })
                    .collect();
                hits.sort_by_key(|h| (h.rule, h.start));
                let mut got = Vec::new();
                regions(&text, |_| w, |_| false, &hits, &mut got);
                assert_eq!(
                    got,
                    reference(&text, w, &hits),
                    "window {w}, {rule_count} rules"
                );
            }
        }
    }
}
