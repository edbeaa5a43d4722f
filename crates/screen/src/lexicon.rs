//! The election lexicon: candidates, ballot numbers, pair acronyms, slogans, hashtags, parties and
//! coalitions of one election, plus general campaign language (`data/lexicon/campaign-id.json`).
//!
//! A [`LexiconFile`] is the editable source (the `--lexicon FILE` format, see the crate README);
//! [`Lexicon`] is its compiled form: every pattern is normalised with the same [`Normalizer`] as the
//! posts and matched with aho-corasick (leftmost-longest) on whole tokens only. Election-specific
//! entries come first, so when a pattern appears twice the candidate-specific one wins.
//! A bare ballot number ("2", "02", "dua") counts only right after a call to action ("coblos 2").
//! A call to action preceded by a negation ("tidak mendukung", "jangan pilih") is marked negated;
//! "jangan lupa" is not a negation.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use serde::{Deserialize, Serialize};

use crate::ScreenError;
use crate::hash::{FastMap, FastSet};
use crate::normalize::{NormText, Normalizer};

/// `format` value of a lexicon file.
pub const LEXICON_FORMAT: &str = "netra-screen-lexicon";
/// Current lexicon file version.
pub const LEXICON_VERSION: u32 = 1;

const CAMPAIGN_JSON: &str = include_str!("../../../data/lexicon/campaign-id.json");

/// Tokens that negate a following call to action.
const NEGATIONS: &[&str] =
    &["tidak", "jangan", "bukan", "tak", "belum", "tanpa", "anti", "tolak", "menolak", "stop", "dilarang", "larangan"];

/// Tokens before which a bare number is an address, time or room, not a ballot number ("RT 02").
const NOT_BALLOT_BEFORE: &[&str] = &[
    "rt", "rw", "jam", "pukul", "tanggal", "tgl", "kelas", "lantai", "lt", "ruang", "blok", "gang", "gg", "jalan",
    "jl", "halaman", "hal", "pasal", "ayat", "bab", "tahun", "tps", "kamar", "nip", "angkatan", "periode", "tahap",
];

const NUMBER_WORDS: &[&str] =
    &["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh"];

/// What a lexicon entry stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// A candidate's name or nickname.
    Candidate,
    /// A ballot number ("nomor urut 2", "paslon 02").
    BallotNumber,
    /// A pair's acronym.
    PairAcronym,
    /// A campaign slogan.
    Slogan,
    /// A campaign hashtag.
    Hashtag,
    /// A political party.
    Party,
    /// A coalition of parties.
    Coalition,
    /// A call to vote for or support someone ("pilih", "coblos", "dukung", "menangkan").
    CallToAction,
    /// Other campaign language ("satu putaran", "menang telak").
    CampaignPhrase,
    /// Winning-team groups and roles ("tim pemenangan", "relawan", "timses").
    WinningTeam,
    /// Phrases typical of neutral posts ("asn netral", "siapa pun"); negative weight.
    NeutralCue,
}

impl Category {
    /// Default weight (added to the log-odds of the post being campaigning).
    pub fn default_weight(self) -> f32 {
        match self {
            Category::Candidate | Category::BallotNumber => 0.8,
            Category::PairAcronym | Category::CampaignPhrase | Category::WinningTeam => 1.0,
            Category::Slogan | Category::Hashtag => 1.5,
            Category::Party | Category::Coalition => 0.6,
            Category::CallToAction => 0.8,
            Category::NeutralCue => -1.0,
        }
    }

    /// Whether the entry names a target of campaigning (who is supported).
    pub fn is_target(self) -> bool {
        matches!(
            self,
            Category::Candidate
                | Category::BallotNumber
                | Category::PairAcronym
                | Category::Slogan
                | Category::Hashtag
                | Category::Party
                | Category::Coalition
        )
    }

    /// Whether the entry is an act of support (a call to action or campaign language).
    pub fn is_action(self) -> bool {
        matches!(self, Category::CallToAction | Category::CampaignPhrase | Category::WinningTeam)
    }

    /// The snake_case name used in files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Candidate => "candidate",
            Category::BallotNumber => "ballot_number",
            Category::PairAcronym => "pair_acronym",
            Category::Slogan => "slogan",
            Category::Hashtag => "hashtag",
            Category::Party => "party",
            Category::Coalition => "coalition",
            Category::CallToAction => "call_to_action",
            Category::CampaignPhrase => "campaign_phrase",
            Category::WinningTeam => "winning_team",
            Category::NeutralCue => "neutral_cue",
        }
    }

    /// Default explanation templates (Indonesian, English) with and without a candidate.
    fn templates(self, with_candidate: bool) -> (&'static str, &'static str) {
        match (self, with_candidate) {
            (Category::Candidate, _) => {
                ("Menyebut kandidat {candidate}: “{text}”.", "Mentions candidate {candidate}: “{text}”.")
            }
            (Category::BallotNumber, _) => {
                ("Menyebut nomor urut {candidate}: “{text}”.", "Mentions the ballot number of {candidate}: “{text}”.")
            }
            (Category::PairAcronym, _) => (
                "Memakai singkatan nama pasangan {candidate}: “{text}”.",
                "Uses the acronym of the pair {candidate}: “{text}”.",
            ),
            (Category::Slogan, true) => {
                ("Memakai slogan kampanye {candidate}: “{text}”.", "Uses a campaign slogan of {candidate}: “{text}”.")
            }
            (Category::Slogan, false) => ("Memakai slogan kampanye: “{text}”.", "Uses a campaign slogan: “{text}”."),
            (Category::Hashtag, true) => {
                ("Memakai tagar kampanye {candidate}: “{text}”.", "Uses a campaign hashtag of {candidate}: “{text}”.")
            }
            (Category::Hashtag, false) => ("Memakai tagar kampanye: “{text}”.", "Uses a campaign hashtag: “{text}”."),
            (Category::Party, true) => {
                ("Menyebut partai pengusung {candidate}: “{text}”.", "Mentions a party backing {candidate}: “{text}”.")
            }
            (Category::Party, false) => ("Menyebut partai politik: “{text}”.", "Mentions a political party: “{text}”."),
            (Category::Coalition, true) => (
                "Menyebut koalisi pengusung {candidate}: “{text}”.",
                "Mentions the coalition backing {candidate}: “{text}”.",
            ),
            (Category::Coalition, false) => {
                ("Menyebut koalisi partai: “{text}”.", "Mentions a party coalition: “{text}”.")
            }
            (Category::CallToAction, _) => {
                ("Ajakan untuk memilih atau mendukung: “{text}”.", "A call to vote for or support someone: “{text}”.")
            }
            (Category::CampaignPhrase, _) => ("Bahasa kampanye: “{text}”.", "Campaign language: “{text}”."),
            (Category::WinningTeam, _) => {
                ("Menyebut tim pemenangan atau relawan: “{text}”.", "Refers to a winning team or volunteers: “{text}”.")
            }
            (Category::NeutralCue, _) => {
                ("Ungkapan netral: “{text}” (menurunkan skor).", "Neutral wording: “{text}” (lowers the score).")
            }
        }
    }
}

/// A plain-language explanation template. Placeholders: `{text}` (the matched words in the original
/// post), `{candidate}` (the candidate's display name, with the ballot number when known).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explain {
    /// Indonesian.
    pub id: String,
    /// English.
    pub en: String,
}

/// One pattern of the lexicon file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Words to match (normalised like posts, so case, diacritics and slang do not matter).
    pub pattern: String,
    pub category: Category,
    /// Log-odds contribution; defaults to [`Category::default_weight`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f32>,
    /// Id of the candidate this entry points to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidate: Option<String>,
    /// Explanation template; defaults to the category's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explain: Option<Explain>,
}

/// A candidate or candidate pair of the election.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Candidate {
    /// Stable id referenced by parties, coalitions and entries ("paslon-2").
    pub id: String,
    /// Display name ("Budi Santoso – Rina Wulandari").
    pub name: String,
    /// Full names of the individual members of a pair.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nicknames: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ballot_number: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acronyms: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub slogans: Vec<String>,
    /// With or without the leading `#`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hashtags: Vec<String>,
}

/// A party or a coalition.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Group {
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Id of the candidate it backs, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidate: Option<String>,
}

/// The editable lexicon file (`--lexicon FILE`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LexiconFile {
    pub format: String,
    pub version: u32,
    /// Election name, for people.
    #[serde(default)]
    pub name: String,
    /// Also load the built-in general campaign language (default true).
    #[serde(default = "yes")]
    pub include_default: bool,
    #[serde(default)]
    pub candidates: Vec<Candidate>,
    #[serde(default)]
    pub parties: Vec<Group>,
    #[serde(default)]
    pub coalitions: Vec<Group>,
    #[serde(default)]
    pub entries: Vec<Entry>,
}

fn yes() -> bool {
    true
}

impl Default for LexiconFile {
    fn default() -> Self {
        Self {
            format: LEXICON_FORMAT.to_owned(),
            version: LEXICON_VERSION,
            name: String::new(),
            include_default: true,
            candidates: Vec::new(),
            parties: Vec::new(),
            coalitions: Vec::new(),
            entries: Vec::new(),
        }
    }
}

/// A compiled entry.
#[derive(Debug, Clone)]
pub struct CompiledEntry {
    /// The normalised pattern.
    pub pattern: String,
    pub category: Category,
    pub weight: f32,
    /// Index into [`Lexicon::candidates`].
    pub candidate: Option<usize>,
    pub explain: Explain,
}

/// One match in a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Index into [`Lexicon::entries`].
    pub entry: usize,
    /// Byte range in the normalised text.
    pub norm: Range<usize>,
    /// Byte range in the original text.
    pub original: Range<usize>,
    /// A call to action right after a negation ("tidak mendukung").
    pub negated: bool,
}

/// The compiled lexicon. Cheap to clone (the automaton and entries are shared).
#[derive(Debug, Clone)]
pub struct Lexicon {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    source: LexiconFile,
    entries: Vec<CompiledEntry>,
    /// Automaton pattern id → entry index.
    pattern_entry: Vec<usize>,
    automaton: AhoCorasick,
    /// Bare ballot-number token ("2", "02", "dua") → contextual entry index.
    bare_numbers: FastMap<Box<str>, usize>,
    normalizer: Normalizer,
    /// Display name of each candidate ("Name (nomor urut 2)").
    display: Vec<String>,
}

impl Lexicon {
    /// Parse and compile a lexicon file with the built-in normaliser.
    pub fn from_json(json: &str) -> Result<Self, ScreenError> {
        Self::from_json_with(json, Normalizer::builtin())
    }

    /// Parse and compile a lexicon file with a given normaliser (use the one that normalises posts).
    pub fn from_json_with(json: &str, normalizer: &Normalizer) -> Result<Self, ScreenError> {
        let file: LexiconFile = serde_json::from_str(json)?;
        Self::compile(file, normalizer)
    }

    /// The lexicon file this lexicon was compiled from, as pretty JSON.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(&self.inner.source).expect("lexicon file serialises");
        s.push('\n');
        s
    }

    /// The built-in general campaign language only (no candidates).
    pub fn builtin() -> Lexicon {
        static BUILTIN: OnceLock<Lexicon> = OnceLock::new();
        BUILTIN.get_or_init(|| Self::from_json(CAMPAIGN_JSON).expect("built-in campaign lexicon is valid")).clone()
    }

    /// The built-in general campaign language file.
    pub fn builtin_file() -> LexiconFile {
        serde_json::from_str(CAMPAIGN_JSON).expect("built-in campaign lexicon is valid")
    }

    /// Compile a lexicon file.
    pub fn compile(file: LexiconFile, normalizer: &Normalizer) -> Result<Self, ScreenError> {
        if file.format != LEXICON_FORMAT || file.version != LEXICON_VERSION {
            return Err(ScreenError::Format {
                what: "lexicon",
                expected: LEXICON_FORMAT,
                expected_version: LEXICON_VERSION,
                found: file.format.clone(),
                found_version: file.version,
            });
        }
        let mut b = Builder { normalizer, buf: NormText::default(), entries: Vec::new(), seen: FastSet::default() };
        let cand_index: FastMap<&str, usize> =
            file.candidates.iter().enumerate().map(|(i, c)| (c.id.as_str(), i)).collect();
        let lookup = |id: &Option<String>| -> Result<Option<usize>, ScreenError> {
            match id {
                None => Ok(None),
                Some(id) => cand_index.get(id.as_str()).copied().map(Some).ok_or_else(|| ScreenError::Invalid {
                    what: "lexicon",
                    message: format!("unknown candidate id {id:?}"),
                }),
            }
        };
        let mut bare_numbers = FastMap::default();
        for (ci, c) in file.candidates.iter().enumerate() {
            let cand = Some(ci);
            if c.members.is_empty() {
                b.add(&c.name, Category::Candidate, cand);
            }
            for m in &c.members {
                b.add(m, Category::Candidate, cand);
            }
            for n in &c.nicknames {
                b.add(n, Category::Candidate, cand);
            }
            for a in &c.acronyms {
                b.add(a, Category::PairAcronym, cand);
            }
            for s in &c.slogans {
                b.add(s, Category::Slogan, cand);
            }
            for h in &c.hashtags {
                let tag = if h.starts_with('#') { h.clone() } else { format!("#{h}") };
                b.add(&tag, Category::Hashtag, cand);
            }
            if let Some(n) = c.ballot_number {
                for p in ballot_patterns(n) {
                    b.add(&p, Category::BallotNumber, cand);
                }
                if let Some(word) = NUMBER_WORDS.get(n as usize) {
                    b.add(&format!("salam {word} jari"), Category::Slogan, cand);
                }
                let idx = b.contextual(&n.to_string(), Category::BallotNumber, cand);
                bare_numbers.insert(n.to_string().into_boxed_str(), idx);
                if n < 10 {
                    bare_numbers.insert(format!("0{n}").into_boxed_str(), idx);
                }
                if let Some(word) = NUMBER_WORDS.get(n as usize) {
                    bare_numbers.insert((*word).into(), idx);
                }
            }
        }
        for (groups, cat) in [(&file.parties, Category::Party), (&file.coalitions, Category::Coalition)] {
            for g in groups {
                let cand = lookup(&g.candidate)?;
                for p in std::iter::once(&g.name).chain(&g.aliases) {
                    b.add(p, cat, cand);
                }
            }
        }
        let mut sources: Vec<&Entry> = file.entries.iter().collect();
        let default_file;
        if file.include_default {
            default_file = Self::builtin_file();
            sources.extend(default_file.entries.iter());
        }
        for e in sources {
            let cand = lookup(&e.candidate)?;
            b.add_entry(e, cand);
        }

        let Builder { entries, .. } = b;
        let mut patterns = Vec::new();
        let mut pattern_entry = Vec::new();
        for (i, (e, contextual)) in entries.iter().enumerate() {
            if !contextual {
                patterns.push(e.pattern.as_str());
                pattern_entry.push(i);
            }
        }
        // A DFA: the fastest search (the lexicon is small, so its memory is too).
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)?;
        let display = file.candidates.iter().map(display_name).collect();
        Ok(Self {
            inner: Arc::new(Inner {
                display,
                source: file,
                entries: entries.into_iter().map(|(e, _)| e).collect(),
                pattern_entry,
                automaton,
                bare_numbers,
                normalizer: normalizer.clone(),
            }),
        })
    }

    /// All compiled entries (matched and contextual).
    pub fn entries(&self) -> &[CompiledEntry] {
        &self.inner.entries
    }

    /// The source file's candidates.
    pub fn candidates(&self) -> &[Candidate] {
        &self.inner.source.candidates
    }

    /// A candidate's display name ("Name (nomor urut 2)"), as explanations show it.
    pub fn candidate_display(&self, candidate: usize) -> &str {
        &self.inner.display[candidate]
    }

    /// The source file.
    pub fn file(&self) -> &LexiconFile {
        &self.inner.source
    }

    /// The normaliser the patterns were normalised with.
    pub fn normalizer(&self) -> &Normalizer {
        &self.inner.normalizer
    }

    /// Find all hits in a normalised text, appended to `hits` (cleared first), in text order.
    pub fn find(&self, text: &NormText, hits: &mut Vec<Hit>) {
        hits.clear();
        let s = text.as_str();
        let bytes = s.as_bytes();
        let inner = &*self.inner;
        let mut input = aho_corasick::Input::new(s);
        while let Some(m) = inner.automaton.find(input.clone()) {
            let (start, end) = (m.start(), m.end());
            let ok = (start == 0 || bytes[start - 1] == b' ') && (end == bytes.len() || bytes[end] == b' ');
            let entry = inner.pattern_entry[m.pattern().as_usize()];
            if ok && !(is_number(&inner.entries[entry].pattern) && number_in_other_context(s, start, end)) {
                let negated = inner.entries[entry].category.is_action() && negated_before(s, start);
                hits.push(Hit { entry, norm: start..end, original: text.original_span(start..end), negated });
                input.set_start(end);
            } else {
                // Not on token boundaries: look again one character later.
                let next = s[start..].chars().next().map_or(1, char::len_utf8);
                input.set_start(start + next);
            }
            if input.start() >= s.len() {
                break;
            }
        }
        if inner.bare_numbers.is_empty() {
            return;
        }
        // "coblos 2", "pilih 02", "dukung dua": a bare number right after a call to action.
        let n = hits.len();
        for i in 0..n {
            let h = &hits[i];
            if h.negated || inner.entries[h.entry].category != Category::CallToAction {
                continue;
            }
            let after = h.norm.end + 1;
            if after >= s.len() {
                continue;
            }
            let tok_end = s[after..].find(' ').map_or(s.len(), |p| after + p);
            if let Some(&entry) = inner.bare_numbers.get(&s[after..tok_end])
                && !(tok_end < s.len() && is_number(s[tok_end + 1..].split(' ').next().unwrap_or_default()))
            {
                let already = hits.iter().any(|o| o.norm.start <= after && o.norm.end >= tok_end);
                if !already {
                    hits.push(Hit {
                        entry,
                        norm: after..tok_end,
                        original: text.original_span(after..tok_end),
                        negated: false,
                    });
                }
            }
        }
        hits.sort_by_key(|h| h.norm.start);
    }

    /// Render the explanation of a hit in Indonesian and English. `original` is the post's text.
    pub fn explain(&self, hit: &Hit, original: &str) -> (String, String) {
        let e = &self.inner.entries[hit.entry];
        let text = original.get(hit.original.clone()).unwrap_or_default();
        let candidate = e.candidate.map(|i| &self.inner.display[i]).map_or("", String::as_str);
        let (mut id, mut en) = (fill(&e.explain.id, text, candidate), fill(&e.explain.en, text, candidate));
        if hit.negated {
            id.push_str(" Didahului kata negasi, sehingga tidak dihitung sebagai ajakan.");
            en.push_str(" Preceded by a negation, so it does not count as a call to support.");
        }
        (id, en)
    }
}

/// A template with `{text}` and `{candidate}` filled in, in one pass.
fn fill(template: &str, text: &str, candidate: &str) -> String {
    let mut out = String::with_capacity(template.len() + text.len() + candidate.len());
    let mut rest = template;
    while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(r) = tail.strip_prefix("{text}") {
            out.push_str(text);
            rest = r;
        } else if let Some(r) = tail.strip_prefix("{candidate}") {
            out.push_str(candidate);
            rest = r;
        } else {
            out.push('{');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

fn display_name(c: &Candidate) -> String {
    match c.ballot_number {
        Some(n) => format!("{} (nomor urut {n})", c.name),
        None => c.name.clone(),
    }
}

/// Patterns for ballot number `n`.
fn ballot_patterns(n: u32) -> Vec<String> {
    let mut nums = vec![n.to_string()];
    if n < 10 {
        nums.push(format!("0{n}"));
    }
    if let Some(w) = NUMBER_WORDS.get(n as usize) {
        nums.push((*w).to_owned());
    }
    let prefixes = [
        "nomor urut",
        "no urut",
        "nomor",
        "no",
        "paslon",
        "paslon nomor",
        "paslon no",
        "paslon nomor urut",
        "pasangan nomor urut",
        "pasangan calon nomor urut",
        "capres nomor urut",
        "calon nomor urut",
        "capres",
        "calon nomor",
    ];
    let mut out = Vec::new();
    for num in &nums {
        for p in prefixes {
            out.push(format!("{p} {num}"));
        }
        out.push(format!("#{num}"));
    }
    if n < 10 {
        out.push(format!("0{n}"));
    }
    out
}

fn is_number(token: &str) -> bool {
    !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit())
}

/// A bare number that is part of an address, a time, a date or a room ("RT 02", "02 03 2024").
fn number_in_other_context(s: &str, start: usize, end: usize) -> bool {
    let prev = s[..start].trim_end().rsplit(' ').next().unwrap_or_default();
    let next = s[end..].trim_start().split(' ').next().unwrap_or_default();
    NOT_BALLOT_BEFORE.contains(&prev) || is_number(prev) || is_number(next)
}

/// Whether one of the two tokens before `start` is a negation ("jangan lupa" is not).
fn negated_before(s: &str, start: usize) -> bool {
    let before = s[..start].trim_end();
    let mut toks = before.rsplit(' ');
    let t1 = toks.next().unwrap_or_default();
    let t2 = toks.next().unwrap_or_default();
    (NEGATIONS.contains(&t1)) || (NEGATIONS.contains(&t2) && !(t2 == "jangan" && t1 == "lupa"))
}

struct Builder<'a> {
    normalizer: &'a Normalizer,
    buf: NormText,
    entries: Vec<(CompiledEntry, bool)>,
    seen: FastSet<String>,
}

impl Builder<'_> {
    fn normalised(&mut self, pattern: &str) -> Option<String> {
        self.normalizer.normalize_into(pattern, &mut self.buf);
        let p = self.buf.as_str();
        (!p.is_empty()).then(|| p.to_owned())
    }

    fn add(&mut self, pattern: &str, category: Category, candidate: Option<usize>) {
        let e = Entry { pattern: pattern.to_owned(), category, weight: None, candidate: None, explain: None };
        self.add_entry(&e, candidate);
    }

    fn add_entry(&mut self, e: &Entry, candidate: Option<usize>) {
        let Some(pattern) = self.normalised(&e.pattern) else { return };
        if !self.seen.insert(pattern.clone()) {
            return;
        }
        let explain = e.explain.clone().unwrap_or_else(|| {
            let (id, en) = e.category.templates(candidate.is_some());
            Explain { id: id.to_owned(), en: en.to_owned() }
        });
        let weight = e.weight.unwrap_or_else(|| e.category.default_weight());
        self.entries.push((CompiledEntry { pattern, category: e.category, weight, candidate, explain }, false));
    }

    fn contextual(&mut self, token: &str, category: Category, candidate: Option<usize>) -> usize {
        let (id, en) = category.templates(candidate.is_some());
        let entry = CompiledEntry {
            pattern: token.to_owned(),
            category,
            weight: category.default_weight(),
            candidate,
            explain: Explain { id: id.to_owned(), en: en.to_owned() },
        };
        self.entries.push((entry, true));
        self.entries.len() - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Lexicon {
        let file = LexiconFile {
            name: "Pilkada Contoh".into(),
            candidates: vec![
                Candidate {
                    id: "paslon-1".into(),
                    name: "Budi Santoso – Rina Wulandari".into(),
                    members: vec!["Budi Santoso".into(), "Rina Wulandari".into()],
                    nicknames: vec!["Pak Budi".into()],
                    ballot_number: Some(1),
                    acronyms: vec!["BURINA".into()],
                    slogans: vec!["Maju Bersama Rakyat".into()],
                    hashtags: vec!["BurinaMenang".into()],
                },
                Candidate {
                    id: "paslon-2".into(),
                    name: "Andi Pratama – Sari Dewi".into(),
                    members: vec!["Andi Pratama".into(), "Sari Dewi".into()],
                    nicknames: vec!["Bang Andi".into()],
                    ballot_number: Some(2),
                    acronyms: vec!["ANSAR".into()],
                    slogans: vec![],
                    hashtags: vec!["#AnsarJuara".into()],
                },
            ],
            parties: vec![Group {
                name: "Partai Nusantara Jaya".into(),
                aliases: vec!["PNJ".into()],
                candidate: Some("paslon-2".into()),
            }],
            ..LexiconFile::default()
        };
        Lexicon::compile(file, Normalizer::builtin()).expect("compiles")
    }

    fn categories(lex: &Lexicon, text: &str) -> Vec<(Category, String)> {
        let n = lex.normalizer().normalize(text);
        let mut hits = Vec::new();
        lex.find(&n, &mut hits);
        hits.iter().map(|h| (lex.entries()[h.entry].category, text[h.original.clone()].to_owned())).collect()
    }

    #[test]
    fn ballot_number_variants_match() {
        let lex = sample();
        for t in ["nomor urut 2", "No. 02", "no 2", "paslon 2", "Paslon Nomor 2", "02", "paslon02", "nomor dua"] {
            let c = categories(&lex, t);
            assert!(c.iter().any(|(c, _)| *c == Category::BallotNumber), "{t}: {c:?}");
        }
        assert!(categories(&lex, "tahun 2024 ada 2 kegiatan").is_empty());
        for t in ["Rapat RT 02 RW 05", "pukul 02.00 WIB", "tanggal 02/03/2024", "TPS 02"] {
            assert!(categories(&lex, t).iter().all(|(c, _)| *c != Category::BallotNumber), "{t}");
        }
    }

    #[test]
    fn words_must_be_whole_tokens() {
        let lex = sample();
        assert!(categories(&lex, "pilihan ganda").iter().all(|(c, _)| *c != Category::CallToAction));
        assert!(categories(&lex, "Ansaruddin datang").is_empty());
    }

    #[test]
    fn candidate_names_hashtags_and_parties() {
        let lex = sample();
        let c = categories(&lex, "Ayo dukung Bang Andi! #AnsarJuara bersama PNJ");
        let cats: Vec<Category> = c.iter().map(|x| x.0).collect();
        assert!(cats.contains(&Category::CallToAction), "{c:?}");
        assert!(cats.contains(&Category::Candidate));
        assert!(cats.contains(&Category::Hashtag));
        assert!(cats.contains(&Category::Party));
        assert!(c.iter().any(|(_, t)| t == "#AnsarJuara"));
    }

    #[test]
    fn bare_number_counts_after_call_to_action_only() {
        let lex = sample();
        let c = categories(&lex, "Jangan lupa coblos 2 ya");
        assert!(c.contains(&(Category::BallotNumber, "2".into())), "{c:?}");
        assert!(!categories(&lex, "ada 2 orang").iter().any(|x| x.0 == Category::BallotNumber));
    }

    #[test]
    fn negation_marks_call_to_action() {
        let lex = sample();
        let n = lex.normalizer().normalize("Saya tidak mendukung siapa pun");
        let mut hits = Vec::new();
        lex.find(&n, &mut hits);
        let h = hits.iter().find(|h| lex.entries()[h.entry].category == Category::CallToAction).expect("hit");
        assert!(h.negated);
        let n = lex.normalizer().normalize("jangan lupa pilih pak budi");
        lex.find(&n, &mut hits);
        assert!(hits.iter().all(|h| !h.negated));
    }

    #[test]
    fn explanation_names_candidate_and_original_text() {
        let lex = sample();
        let text = "Salam DUA jari 💪 #AnsarJuara";
        let n = lex.normalizer().normalize(text);
        let mut hits = Vec::new();
        lex.find(&n, &mut hits);
        let tag = hits.iter().find(|h| lex.entries()[h.entry].category == Category::Hashtag).expect("hashtag");
        let (id, en) = lex.explain(tag, text);
        assert_eq!(id, "Memakai tagar kampanye Andi Pratama – Sari Dewi (nomor urut 2): “#AnsarJuara”.");
        assert!(en.contains("campaign hashtag of Andi Pratama"));
        let salam = hits.iter().find(|h| lex.entries()[h.entry].category == Category::Slogan).expect("salam");
        assert_eq!(&text[salam.original.clone()], "Salam DUA jari");
    }

    #[test]
    fn json_round_trip() {
        let lex = sample();
        let json = lex.to_json();
        let again = Lexicon::from_json(&json).expect("parses");
        assert_eq!(again.file(), lex.file());
        assert_eq!(again.entries().len(), lex.entries().len());
        let bad = json.replace("\"version\": 1", "\"version\": 9");
        assert!(matches!(Lexicon::from_json(&bad), Err(ScreenError::Format { .. })));
    }

    #[test]
    fn builtin_campaign_language_loads() {
        let lex = Lexicon::builtin();
        assert!(lex.entries().len() > 50);
        let c = categories(&lex, "Ayo coblos dan menangkan! Salam dua jari");
        assert!(c.iter().any(|x| x.0 == Category::CallToAction), "{c:?}");
    }
}
