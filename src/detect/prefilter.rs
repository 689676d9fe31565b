//! One Aho-Corasick automaton over every rule's keywords.
//!
//! This is the only pass that touches every byte of every file, so it decides the scanner's speed. Matching
//! is ASCII case-insensitive and reports overlapping hits, so `pwd` inside `pwd_hash` and `password` inside
//! `db_password` are both seen and no keyword hides another.

use crate::rules::Rule;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Keyword occurrences: rule `rule` may match somewhere around `start..end` (one occurrence, or a run of
/// occurrences close enough that their windows touch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub rule: usize,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug)]
pub struct Prefilter {
    /// Built at once for a scan of many files; on first need for a few (see [`Prefilter::hits`]).
    automaton: OnceLock<AhoCorasick>,
    dfa: bool,
    /// The keywords (lower-case, as rules store them), in automaton pattern order.
    patterns: Vec<String>,
    /// Pattern indices by their first byte, for searching small texts without the automaton.
    by_first_byte: Vec<Vec<usize>>,
    /// For each automaton pattern, the rules that listed it as a keyword.
    rules_of_pattern: Vec<Vec<usize>>,
    /// Bytes searched keyword by keyword so far (see [`DIRECT_SEARCH_LIMIT`]).
    searched_directly: AtomicUsize,
}

/// The most text that a prefilter of few files searches keyword by keyword, in all, before it builds the
/// automaton: a commit's staged files are usually a few KB, and building the automaton over 550
/// keywords costs about as much as searching a megabyte with it, while the direct search compares each
/// byte with every keyword that starts with it. A commit of many files builds it after the first few.
const DIRECT_SEARCH_LIMIT: usize = 16 * 1024;

impl Prefilter {
    /// `dfa`: build a full DFA (see below) rather than an NFA, which builds faster and searches slower.
    pub fn new(rules: &[Rule], dfa: bool) -> Prefilter {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut patterns: Vec<&str> = Vec::new();
        let mut rules_of_pattern: Vec<Vec<usize>> = Vec::new();
        for (ri, rule) in rules.iter().enumerate() {
            for kw in &rule.keywords {
                let pi = *index.entry(kw.as_str()).or_insert_with(|| {
                    patterns.push(kw.as_str());
                    rules_of_pattern.push(Vec::new());
                    patterns.len() - 1
                });
                if !rules_of_pattern[pi].contains(&ri) {
                    rules_of_pattern[pi].push(ri);
                }
            }
        }
        let mut by_first_byte = vec![Vec::new(); 256];
        for (pi, p) in patterns.iter().enumerate() {
            by_first_byte[usize::from(p.as_bytes()[0])].push(pi);
        }
        let prefilter = Prefilter {
            automaton: OnceLock::new(),
            dfa,
            patterns: patterns.iter().map(|p| p.to_string()).collect(),
            by_first_byte,
            rules_of_pattern,
            searched_directly: AtomicUsize::new(0),
        };
        if dfa {
            prefilter.automaton();
        }
        prefilter
    }

    fn automaton(&self) -> &AhoCorasick {
        self.automaton.get_or_init(|| {
            // A full DFA: overlapping search cannot skip ahead with a prefilter, so the per-byte
            // transition cost is the scanner's cost; a few hundred keywords make a DFA of a few hundred
            // KiB.
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .kind(Some(if self.dfa {
                    AhoCorasickKind::DFA
                } else {
                    AhoCorasickKind::NoncontiguousNFA
                }))
                .build(&self.patterns)
                .expect("keyword automaton builds: keywords are plain non-empty literals")
        })
    }

    /// Every keyword occurrence in `text` as `(pattern, start, end)`, in the order of their ends like the
    /// automaton's overlapping search: the automaton's own, or for a small text of a few-files scan,
    /// each position compared with the keywords that begin with its byte.
    fn occurrences_in(&self, text: &str, mut each: impl FnMut(usize, usize, usize)) {
        let direct = !self.dfa
            && self.automaton.get().is_none()
            && self
                .searched_directly
                .fetch_add(text.len(), Ordering::Relaxed)
                .saturating_add(text.len())
                <= DIRECT_SEARCH_LIMIT;
        if !direct {
            for m in self.automaton().find_overlapping_iter(text) {
                each(m.pattern().as_usize(), m.start(), m.end());
            }
            return;
        }
        let bytes = text.as_bytes();
        let mut found: Vec<(usize, usize, usize)> = Vec::new();
        for start in 0..bytes.len() {
            for &pi in &self.by_first_byte[usize::from(bytes[start].to_ascii_lowercase())] {
                let p = self.patterns[pi].as_bytes();
                if bytes.len() - start >= p.len()
                    && bytes[start..start + p.len()].eq_ignore_ascii_case(p)
                {
                    found.push((start + p.len(), start, pi));
                }
            }
        }
        found.sort_unstable();
        for (end, start, pi) in found {
            each(pi, start, end);
        }
    }

    /// Appends the keyword hits in `text` to `out`, one entry per (rule, run of nearby occurrences).
    ///
    /// Occurrences of one rule whose windows (`window(rule)` bytes either side) touch are merged into one
    /// span as they are found: the matcher would merge them into one region anyway, and a keyword on every
    /// few bytes of a minified file (a 50 MB JSON line with `"password"` in every object) would otherwise
    /// cost one entry per occurrence and rule (a gigabyte of hits) and one line-boundary search per hit.
    /// `open` is per-rule scratch space, reused across files.
    pub fn hits(
        &self,
        text: &str,
        window: impl Fn(usize) -> usize,
        open: &mut Vec<Option<Hit>>,
        out: &mut Vec<Hit>,
    ) {
        open.clear();
        // The automaton reports overlapping matches in order of their end, so a new occurrence never ends
        // before an open span starts: it either touches the span's window or lies wholly after it.
        self.occurrences_in(text, |pattern, start, end| {
            for &rule in &self.rules_of_pattern[pattern] {
                if open.len() <= rule {
                    open.resize(rule + 1, None);
                }
                let w = window(rule);
                match &mut open[rule] {
                    Some(span) if start.saturating_sub(w) <= span.end + w => {
                        span.start = span.start.min(start);
                        span.end = span.end.max(end);
                    }
                    slot => {
                        if let Some(done) = slot.replace(Hit { rule, start, end }) {
                            out.push(done);
                        }
                    }
                }
            }
        });
        out.extend(open.iter().flatten().copied());
    }

    pub fn keyword_count(&self) -> usize {
        self.rules_of_pattern.len()
    }

    /// Every (rule, occurrence) unmerged: the reference the merged spans are tested against.
    #[cfg(test)]
    pub fn occurrences(&self, text: &str) -> Vec<Hit> {
        let mut out = Vec::new();
        for m in self.automaton().find_overlapping_iter(text) {
            for &rule in &self.rules_of_pattern[m.pattern().as_usize()] {
                out.push(Hit {
                    rule,
                    start: m.start(),
                    end: m.end(),
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::detect::matcher::regions;
    use crate::rules::RuleSet;

    /// Merging a rule's nearby occurrences while they are found gives the matcher exactly the regions it
    /// makes from every occurrence, on dense, sparse, minified and multi-line text.
    #[test]
    fn merged_spans_give_the_same_regions_as_every_occurrence() {
        let rules = RuleSet::builtin().unwrap();
        let prefilter = super::Prefilter::new(&rules.rules, true);
        let window = |r: usize| rules.rules[r].window;
        let minified = format!(
            "{{\"k\":[{}]}}",
            (0..400)
                .map(|i| format!("{{\"name\":\"n{i}\",\"password\":\"p{i}\",\"apikey\":\"\"}}"))
                .collect::<Vec<_>>()
                .join(",")
        );
        let texts = [
            "password=password=password=x\n".repeat(200),
            minified,
            format!(
                "a=1\nDB_PASSWORD=hunter2\n{}\nAccountKey=abc;SharedAccessKey=def\n{}token: x\n",
                "x".repeat(5000),
                "\n".repeat(300)
            ),
            "pwd passwd pass password secret token key apikey api_key ".repeat(100),
        ];
        // The hook's NFA finds exactly the DFA's occurrences.
        let nfa = super::Prefilter::new(&rules.rules, false);
        for text in &texts {
            let mut every = prefilter.occurrences(text);
            every.sort_unstable();
            let mut by_nfa = nfa.occurrences(text);
            by_nfa.sort_unstable();
            assert_eq!(by_nfa, every);
            let mut merged = Vec::new();
            prefilter.hits(text, window, &mut Vec::new(), &mut merged);
            merged.sort_unstable();
            assert!(merged.len() < every.len(), "dense text merges");
            let (mut want, mut got) = (Vec::new(), Vec::new());
            regions(text, window, |_| false, &every, &mut want);
            regions(text, window, |_| false, &merged, &mut got);
            assert_eq!(got, want);
        }
    }

    /// A few-files scan searches a small text keyword by keyword instead of building the automaton; its
    /// hits are the automaton's, on small texts of every kind, also with upper-case and multi-byte text.
    #[test]
    fn small_texts_searched_directly_give_the_automatons_hits() {
        let rules = RuleSet::builtin().unwrap();
        let window = |r: usize| rules.rules[r].window;
        let texts = [
            String::new(),
            "no keyword at all here\n".to_string(),
            "{\n  \"ConnectionStrings\": { \"Db\": \"Server=x;Password=Kq8vN2xLm4;\" },\n  \"ApiKey\": \"x\"\n}\n".to_string(),
            "PASSWORD=Hunter2 TOKEN=abc sEcReT: x -----BEGIN RSA PRIVATE KEY-----\n".repeat(40),
            "mot de passe: é€ password€€=secret€\n".repeat(10),
            "AccountKey=abc;SharedAccessKey=def;sig=xyz ghp_ xoxb- AKIA".to_string(),
        ];
        for text in &texts {
            assert!(text.len() <= super::DIRECT_SEARCH_LIMIT);
            // A fresh prefilter for each text: the limit counts every text a prefilter searched.
            let automaton = super::Prefilter::new(&rules.rules, true);
            let few = super::Prefilter::new(&rules.rules, false);
            let (mut want, mut got) = (Vec::new(), Vec::new());
            automaton.hits(text, window, &mut Vec::new(), &mut want);
            few.hits(text, window, &mut Vec::new(), &mut got);
            assert!(
                few.automaton.get().is_none(),
                "searched without building it"
            );
            want.sort_unstable();
            got.sort_unstable();
            assert_eq!(got, want, "{text}");
        }
        // Small texts that add up past the limit build the automaton too.
        let few = super::Prefilter::new(&rules.rules, false);
        let small = "password=x\n".repeat(1000);
        for _ in 0..3 {
            few.hits(&small, window, &mut Vec::new(), &mut Vec::new());
        }
        assert!(few.automaton.get().is_some());
        // A larger text builds the automaton, and later small ones use it.
        let few = super::Prefilter::new(&rules.rules, false);
        let large = "password=x\n".repeat(2000);
        let mut hits = Vec::new();
        few.hits(&large, window, &mut Vec::new(), &mut hits);
        assert!(few.automaton.get().is_some() && !hits.is_empty());
    }
}
