//! The detection engine: keyword prefilter → regex on windows → validation → one candidate per secret.
//!
//! A [`Detector`] is built once per run from the rule set and shared by reference; each worker thread asks
//! it for its own [`Scanner`], which owns the scratch buffers that are reused from file to file.

pub mod checksum;
pub mod classify;
pub mod decode;
pub mod matcher;
pub mod prefilter;
pub mod validate;

use crate::rules::RuleSet;
use matcher::RawMatch;
use prefilter::{Hit, Prefilter};
use std::ops::Range;
use std::sync::Arc;

/// A validated secret in a scanned text, before it is located in a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub rule: usize,
    /// Byte range of the secret in the scanned text.
    pub secret: Range<usize>,
    /// The secret after JSON, XML and URL unescaping: what is fingerprinted.
    pub normalized: String,
    pub captures: Vec<(String, String)>,
    /// Set by the credential classifier; otherwise the rule's own confidence applies.
    pub confidence: Option<crate::severity::Confidence>,
}

impl Candidate {
    /// The classifier's confidence, else the rule's.
    pub fn confidence_in(&self, rules: &RuleSet) -> crate::severity::Confidence {
        self.confidence.unwrap_or(rules.rules[self.rule].confidence)
    }
}

#[derive(Debug)]
pub struct Detector {
    pub rules: Arc<RuleSet>,
    prefilter: Prefilter,
}

impl Detector {
    pub fn new(rules: Arc<RuleSet>) -> Detector {
        let prefilter = Prefilter::new(&rules.rules, true);
        Detector { rules, prefilter }
    }

    /// A detector for a handful of small files (the pre-commit hook's staged changes): small texts are
    /// searched keyword by keyword, and the keyword automaton is built only for a larger one, as an NFA
    /// (built in a fifth of the DFA's time and searched at about a third of its speed).
    pub fn for_few_files(rules: Arc<RuleSet>) -> Detector {
        let prefilter = Prefilter::new(&rules.rules, false);
        Detector { rules, prefilter }
    }

    pub fn scanner(&self) -> Scanner<'_> {
        Scanner {
            detector: self,
            hits: Vec::new(),
            open: Vec::new(),
            regions: Vec::new(),
            raw: Vec::new(),
            applies: Vec::new(),
            searches: std::iter::repeat_with(|| None)
                .take(self.rules.rules.len())
                .collect(),
        }
    }

    pub fn keyword_count(&self) -> usize {
        self.prefilter.keyword_count()
    }
}

/// Per-thread scanning state. Cheap to create, but meant to be reused.
pub struct Scanner<'d> {
    detector: &'d Detector,
    hits: Vec<Hit>,
    /// Per rule, the run of keyword hits being merged (see [`Prefilter::hits`]).
    open: Vec<Option<Hit>>,
    regions: Vec<(usize, Range<usize>)>,
    raw: Vec<RawMatch>,
    /// Per rule, whether its path globs admit the file being scanned (None: not asked yet).
    applies: Vec<Option<bool>>,
    /// Per rule, the regex's search state (cache and capture slots), made on the rule's first use
    /// and kept for every later file: these are most of a scanner's memory, so there is one set per
    /// scanner and a bounded number of scanners (see `scan::Slots`).
    searches: Vec<Option<matcher::Search>>,
}

impl Scanner<'_> {
    /// Every secret in `text`, one candidate per secret (the highest-priority rule wins where rules overlap).
    /// `path` is the reported path, used for the rules' path globs.
    pub fn scan(&mut self, path: &str, text: &str) -> Vec<Candidate> {
        let rules = &self.detector.rules.rules;
        self.hits.clear();
        self.detector
            .prefilter
            .hits(text, |r| rules[r].window, &mut self.open, &mut self.hits);
        if self.hits.is_empty() {
            return Vec::new();
        }
        // A rule's path globs are matched once per file, not once per keyword hit.
        self.applies.clear();
        self.applies.resize(rules.len(), None);
        let applies = &mut self.applies;
        self.hits
            .retain(|h| *applies[h.rule].get_or_insert_with(|| rules[h.rule].applies_to(path)));
        self.run_hits(path, text)
    }

    /// Like [`Scanner::scan`] restricted to one rule and ignoring its path globs: what `rules check` runs on
    /// a rule's examples, so an example also proves the rule's keywords reach its regex.
    pub fn scan_rule(&mut self, rule: usize, text: &str) -> Vec<Candidate> {
        let rules = &self.detector.rules.rules;
        self.hits.clear();
        self.detector
            .prefilter
            .hits(text, |r| rules[r].window, &mut self.open, &mut self.hits);
        self.hits.retain(|h| h.rule == rule);
        self.run_hits("", text)
    }

    fn run_hits(&mut self, path: &str, text: &str) -> Vec<Candidate> {
        let rules = &self.detector.rules.rules;
        self.hits.sort_unstable();
        self.regions.clear();
        matcher::regions(
            text,
            |r| rules[r].window,
            |r| rules[r].within_a_line(),
            &self.hits,
            &mut self.regions,
        );
        compile_in_parallel(rules, self.regions.iter().map(|(rule, _)| *rule));
        self.raw.clear();
        for (rule, region) in self.regions.drain(..) {
            let search =
                self.searches[rule].get_or_insert_with(|| matcher::Search::new(&rules[rule]));
            matcher::matches(text, rule, &rules[rule], region, search, &mut self.raw);
        }
        let mut candidates: Vec<Candidate> = Vec::new();
        let sealed = std::cell::OnceCell::new();
        for m in self.raw.drain(..) {
            let normalized = validate::normalize(&text[m.secret.clone()]).into_owned();
            let rule = &rules[m.rule];
            let name = m
                .captures
                .iter()
                .find(|(n, _)| n == "key_name")
                .map(|(_, v)| v.as_str());
            let ctx = classify::Context {
                path,
                text,
                start: m.secret.start,
                end: m.secret.end,
                name,
                positional: rule.positional,
                sealed: &sealed,
            };
            let confidence = if rule.classify {
                // The classifier owns placeholders and weak values; the rule's own length, entropy,
                // allow and checksum checks still apply.
                if validate::validate_ignoring_placeholders(rule, &normalized).is_err() {
                    continue;
                }
                match classify::classify(&normalized, &ctx) {
                    Some(confidence) => Some(confidence),
                    None => continue,
                }
            } else {
                if classify::vetoed_for_every_rule(&normalized, &ctx)
                    || validate::validate(rule, &normalized).is_err()
                {
                    continue;
                }
                // A rule that names the setting gets the classifier's grading of the value (a
                // generated token is surer than a dictionary word), never its veto: the rule's own
                // checks decided that this is a secret.
                name.and_then(|_| classify::classify(&normalized, &ctx))
            };
            candidates.push(Candidate {
                rule: m.rule,
                secret: m.secret,
                normalized,
                captures: m.captures,
                confidence,
            });
        }
        resolve_overlaps(&self.detector.rules, candidates)
    }
}

/// Compiles the regexes of `wanted` rules that are not compiled yet on all cores, when there are enough of
/// them to repay the threads. Regexes are compiled on first use, about half a millisecond each: the first
/// file of a scan, or a commit's few staged files, wake twenty rules with `password` alone, which the
/// pre-commit hook otherwise compiled one after another.
fn compile_in_parallel(rules: &[crate::rules::Rule], wanted: impl Iterator<Item = usize>) {
    let mut todo: Vec<usize> = wanted.filter(|&r| !rules[r].is_compiled()).collect();
    todo.sort_unstable();
    todo.dedup();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if todo.len() < 4 || threads < 2 {
        return;
    }
    crate::parallel::each_index(
        todo.len(),
        threads,
        || (),
        |(), i| {
            rules[todo[i]].regex();
        },
    );
}

/// Where several rules matched the same secret (overlapping ranges), keeps the one from the rule with the
/// highest priority, ties going to the smaller rule id. Output is sorted by offset, then rule id.
///
/// A losing candidate over exactly the same secret lends its names to a winner that has none: an
/// identifiable key inside a connection string wins on priority, but the account or namespace comes from
/// the connection-string rule, and the remediation and `keyless fix` need it.
///
/// Kept ranges never overlap, so ordered by start they are ordered by end too, and the only kept range
/// that can overlap a new one is the last one starting before the new one ends: O(n log n).
fn resolve_overlaps(rules: &RuleSet, mut candidates: Vec<Candidate>) -> Vec<Candidate> {
    if candidates.len() < 2 {
        return candidates;
    }
    candidates.sort_by(|a, b| {
        let (ra, rb) = (&rules.rules[a.rule], &rules.rules[b.rule]);
        rb.priority
            .cmp(&ra.priority)
            .then(a.rule.cmp(&b.rule))
            .then(a.secret.start.cmp(&b.secret.start))
    });
    let mut kept: std::collections::BTreeMap<usize, Candidate> = Default::default();
    for c in candidates {
        let previous = kept.range_mut(..c.secret.end).next_back();
        match previous {
            Some((_, k)) if k.secret.end > c.secret.start => {
                // Only a winner that names nothing borrows (the first loser's names, whole): two rules
                // that both name the target would mix hosts.
                if k.secret == c.secret && k.captures.is_empty() {
                    k.captures = c.captures;
                }
            }
            _ => {
                kept.insert(c.secret.start, c);
            }
        }
    }
    // Starts are unique among kept ranges, so this is the (offset, rule) order.
    kept.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules asked for are compiled (on several threads when the machine has them), the others not.
    #[test]
    fn woken_rules_are_compiled_ahead_and_only_they() {
        let rules = RuleSet::builtin().unwrap();
        let wanted = [3usize, 7, 7, 11, 40, 41, 90];
        compile_in_parallel(&rules.rules, wanted.iter().copied());
        for (i, rule) in rules.rules.iter().enumerate() {
            let asked = wanted.contains(&i);
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            assert_eq!(rule.is_compiled(), asked && threads > 1, "{}", rule.id);
        }
    }

    /// Searching only the lines of the keyword hits, for the rules whose matches stay on one line, finds
    /// exactly what searching the whole windows finds, over every built-in rule's examples and negative
    /// examples laid out as one file (dense in keywords of many rules, so windows overlap other lines).
    #[test]
    fn line_regions_find_what_whole_windows_find() {
        let rules = RuleSet::builtin().unwrap();
        let detector = Detector::new(Arc::new(rules));
        let rules = &detector.rules.rules;
        assert!(
            rules.iter().filter(|r| r.within_a_line()).count() > 20,
            "most rules stay on one line"
        );
        let text: String = rules
            .iter()
            .flat_map(|r| r.examples.iter().chain(&r.negative_examples))
            .map(|e| format!("{e}\n"))
            .collect();
        let mut hits = Vec::new();
        detector
            .prefilter
            .hits(&text, |r| rules[r].window, &mut Vec::new(), &mut hits);
        hits.sort_unstable();
        let found = |one_line: &dyn Fn(usize) -> bool| {
            let mut regions = Vec::new();
            matcher::regions(&text, |r| rules[r].window, one_line, &hits, &mut regions);
            let mut raw = Vec::new();
            for (rule, region) in regions.iter().cloned() {
                let mut search = matcher::Search::new(&rules[rule]);
                matcher::matches(&text, rule, &rules[rule], region, &mut search, &mut raw);
            }
            let bytes: usize = regions.iter().map(|(_, r)| r.len()).sum();
            let found: Vec<_> = raw.into_iter().map(|m| (m.rule, m.secret)).collect();
            (found, bytes)
        };
        let (whole, whole_bytes) = found(&|_| false);
        let (lines, line_bytes) = found(&|r| rules[r].within_a_line());
        assert!(whole.len() > 500, "the examples match: {}", whole.len());
        assert_eq!(lines, whole);
        assert!(
            line_bytes < whole_bytes,
            "lines are less to search: {line_bytes} vs {whole_bytes}"
        );
    }
}
