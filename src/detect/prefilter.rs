//! One Aho-Corasick automaton over every rule's keywords.
//!
//! This is the only pass that touches every byte of every file, so it decides the scanner's speed. Matching
//! is ASCII case-insensitive and reports overlapping hits, so `pwd` inside `pwd_hash` and `password` inside
//! `db_password` are both seen and no keyword hides another.

use crate::rules::Rule;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use std::collections::HashMap;

/// A keyword occurrence: rule `rule` may match somewhere around `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub rule: usize,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug)]
pub struct Prefilter {
    automaton: AhoCorasick,
    /// For each automaton pattern, the rules that listed it as a keyword.
    rules_of_pattern: Vec<Vec<usize>>,
}

impl Prefilter {
    pub fn new(rules: &[Rule]) -> Prefilter {
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
        // A full DFA: overlapping search cannot skip ahead with a prefilter, so the per-byte transition
        // cost is the scanner's cost; a few hundred keywords make a DFA of a few hundred KiB.
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .expect("keyword automaton builds: keywords are plain non-empty literals");
        Prefilter {
            automaton,
            rules_of_pattern,
        }
    }

    /// Appends every keyword hit in `text` to `out`, one entry per (rule, occurrence).
    pub fn hits(&self, text: &str, out: &mut Vec<Hit>) {
        for m in self.automaton.find_overlapping_iter(text) {
            for &rule in &self.rules_of_pattern[m.pattern().as_usize()] {
                out.push(Hit {
                    rule,
                    start: m.start(),
                    end: m.end(),
                });
            }
        }
    }

    pub fn keyword_count(&self) -> usize {
        self.rules_of_pattern.len()
    }
}
