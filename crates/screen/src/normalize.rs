//! Normalisation of Indonesian social-media text, with a byte-offset map back to the original.
//!
//! Steps, in order: compatibility folding (NFKC-equivalent per character: NFKD, then combining marks
//! are dropped, which also strips diacritics) and lowercasing; URLs are dropped; punctuation becomes a
//! token boundary; emoji and pictographs become one-character tokens (variation selectors, joiners and
//! skin tones are dropped); hashtags (`#…`) and mentions (`@…`) stay single tokens. Each plain word
//! then goes through slang → formal lookup, collapse of letters repeated three times or more
//! ("dukuuung" → "dukung"), letter-number substitution inside words that contain letters
//! ("c0bl0s" → "coblos", while "02" and "nomor urut 2" survive; "paslon02" → "paslon 02",
//! "teman2" → "teman teman"), and a second slang lookup.
//!
//! Invariants: the output is tokens separated by single ASCII spaces, no leading or trailing space;
//! every output byte maps to the byte range of the original text it came from
//! ([`NormText::original_span`]), so a match in normalised text can be highlighted in the original.
//! Words on the [`ALLOW_LIST`] (number words, negations, "no", "nomor") are never dropped by
//! [`Normalizer::is_stopword`] and never rewritten by the slang table.

use std::ops::Range;
use std::sync::OnceLock;

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

use crate::ScreenError;
use crate::hash::{FastMap, FastSet};

/// Identifies the normalisation rules; stored in models, whose features depend on them.
pub const NORMALIZER_VERSION: &str = "netra-normalize-1";

/// Number words, negations and ballot words that no stopword step may discard and no slang entry may
/// rewrite: "coblos nomor dua" and "jangan pilih" must keep their meaning.
pub const ALLOW_LIST: &[&str] = &[
    "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh", "sebelas",
    "belas", "puluh", "pertama", "kedua", "ketiga", "keempat", "jangan", "tidak", "tak", "bukan", "belum", "tanpa",
    "enggak", "nggak", "gak", "ga", "no", "nomor", "nomer", "urut", "anti", "tolak", "menolak", "siapa", "pun",
    "semua", "netral",
];

/// Words after which a trailing digit is a number, not Indonesian reduplication ("paslon2" is
/// "paslon 2", but "teman2" is "teman teman").
const NUMBER_PREFIXES: &[&str] = &[
    "nmr", "nomor", "nomer", "paslon", "capres", "cawapres", "calon", "cagub", "cawagub", "cabup", "cawabup",
    "cawalkot", "cawali", "urut", "pasangan", "caleg", "dapil", "tps", "kelas", "jilid", "angka", "jari", "nomer",
    "pilih", "coblos", "putaran", "nol",
];

const SLANG_JSON: &str = include_str!("../../../data/lexicon/slang.json");
const SLANG_NETRA_JSON: &str = include_str!("../../../data/lexicon/slang-netra.json");
const STOPWORDS_JSON: &str = include_str!("../../../data/lexicon/stopwords-id.json");

/// Normalised text and its map back to the original. Reuse one value across posts
/// ([`Normalizer::normalize_into`]) to avoid allocations.
#[derive(Debug, Default, Clone)]
pub struct NormText {
    text: String,
    /// Per byte of `text`: the byte range of the original text it came from.
    spans: Vec<(u32, u32)>,
    word: String,
    wspans: Vec<(u32, u32)>,
    tmp: String,
    tspans: Vec<(u32, u32)>,
    chars: Vec<char>,
}

impl NormText {
    /// The normalised text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Byte range in the original text for a (non-empty) byte range of the normalised text.
    /// Panics if `range` is out of bounds of [`Self::as_str`].
    pub fn original_span(&self, range: Range<usize>) -> Range<usize> {
        if range.is_empty() {
            let at = self.spans.get(range.start).map_or(0, |s| s.0 as usize);
            return at..at;
        }
        self.spans[range.start].0 as usize..self.spans[range.end - 1].1 as usize
    }

    /// The tokens (words, numbers, hashtags, mentions, emoji), in order.
    pub fn tokens(&self) -> impl Iterator<Item = &str> {
        self.text.split(' ').filter(|t| !t.is_empty())
    }

    fn clear(&mut self) {
        self.text.clear();
        self.spans.clear();
        self.word.clear();
        self.wspans.clear();
    }

    fn emit(&mut self, piece: &str, spans: &[(u32, u32)]) {
        if piece.is_empty() {
            return;
        }
        if !self.text.is_empty() {
            self.text.push(' ');
            let at = spans[0].0;
            self.spans.push((at, at));
        }
        self.text.push_str(piece);
        self.spans.extend_from_slice(spans);
    }

    fn emit_uniform(&mut self, piece: &str, span: (u32, u32)) {
        if piece.is_empty() {
            return;
        }
        if !self.text.is_empty() {
            self.text.push(' ');
            self.spans.push((span.0, span.0));
        }
        self.text.push_str(piece);
        self.spans.extend(std::iter::repeat_n(span, piece.len()));
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WordKind {
    Plain,
    Tag,
}

/// The normaliser: slang table and stopword list (with the allow-list applied).
#[derive(Debug, Clone)]
pub struct Normalizer {
    slang: FastMap<Box<str>, Box<str>>,
    stopwords: FastSet<Box<str>>,
}

impl Default for Normalizer {
    fn default() -> Self {
        Self::builtin().clone()
    }
}

impl Normalizer {
    /// A normaliser from slang pairs (later pairs override earlier ones) and stopwords. Keys and values
    /// are folded like text; keys that are not a single word are ignored, and a key on the
    /// [`ALLOW_LIST`] may only map to another allow-listed word ("gak" → "tidak").
    pub fn new<S: AsRef<str>>(slang: impl IntoIterator<Item = (S, S)>, stopwords: impl IntoIterator<Item = S>) -> Self {
        let raw = Self { slang: FastMap::default(), stopwords: FastSet::default() };
        let mut buf = NormText::default();
        let mut map = FastMap::default();
        for (k, v) in slang {
            let k = k.as_ref().trim();
            raw.fold_into(k, &mut buf);
            let key = buf.as_str().to_owned();
            // Keys with punctuation ("w/", "ajep-ajep") or several words are not single tokens.
            if key.is_empty() || key != k.to_lowercase() || key.contains(' ') {
                continue;
            }
            raw.fold_into(v.as_ref(), &mut buf);
            let value = buf.as_str();
            let protected = ALLOW_LIST.contains(&key.as_str()) && !ALLOW_LIST.contains(&value);
            if value.is_empty() || value == key || protected {
                continue;
            }
            map.insert(key.into_boxed_str(), buf.as_str().into());
        }
        let mut stop = FastSet::default();
        for w in stopwords {
            raw.fold_into(w.as_ref(), &mut buf);
            let w = buf.as_str();
            if !w.is_empty() && !w.contains(' ') && !ALLOW_LIST.contains(&w) {
                stop.insert(w.into());
            }
        }
        Self { slang: map, stopwords: stop }
    }

    /// A normaliser from JSON: slang objects `{"slang": "formal", ...}` applied in order (later ones
    /// override) and a JSON array of stopwords.
    pub fn from_json(slang_objects: &[&str], stopwords_array: &str) -> Result<Self, ScreenError> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for json in slang_objects {
            // serde_json keeps keys sorted (no preserve_order); order inside one object does not matter
            // because keys are unique within it.
            let map: std::collections::BTreeMap<String, String> = serde_json::from_str(json)?;
            pairs.extend(map);
        }
        let stop: Vec<String> = serde_json::from_str(stopwords_array)?;
        Ok(Self::new(pairs, stop))
    }

    /// The built-in normaliser: `data/lexicon/slang.json` (louisowen6, MIT) extended by
    /// `data/lexicon/slang-netra.json`, and `data/lexicon/stopwords-id.json` (stopwords-iso, MIT).
    pub fn builtin() -> &'static Normalizer {
        static BUILTIN: OnceLock<Normalizer> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            Self::from_json(&[SLANG_JSON, SLANG_NETRA_JSON], STOPWORDS_JSON)
                .expect("built-in lexicon data is valid JSON")
        })
    }

    /// Number of slang entries in use.
    pub fn slang_len(&self) -> usize {
        self.slang.len()
    }

    /// The formal form for a (normalised) slang word, if any.
    pub fn slang(&self, word: &str) -> Option<&str> {
        self.slang.get(word).map(|v| &**v)
    }

    /// Whether a normalised token is a stopword. Never true for words on the [`ALLOW_LIST`].
    pub fn is_stopword(&self, token: &str) -> bool {
        self.stopwords.contains(token)
    }

    /// Normalise `input` into a new [`NormText`].
    pub fn normalize(&self, input: &str) -> NormText {
        let mut out = NormText::default();
        self.normalize_into(input, &mut out);
        out
    }

    /// Normalise `input` into `out`, reusing its buffers.
    pub fn normalize_into(&self, input: &str, out: &mut NormText) {
        self.run(input, out, true);
    }

    /// Character-level folding only (no slang, collapse or digit rules): used for dictionary keys.
    fn fold_into(&self, input: &str, out: &mut NormText) {
        self.run(input, out, false);
    }

    fn run(&self, input: &str, out: &mut NormText, words: bool) {
        out.clear();
        let bytes = input.as_bytes();
        let mut kind = WordKind::Plain;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b < 0x80 {
                if b.is_ascii_alphanumeric() {
                    if out.word.is_empty()
                        && matches!(b, b'h' | b'H' | b'w' | b'W')
                        && let Some(end) = url_end(bytes, i)
                    {
                        i = end;
                        continue;
                    }
                    // A run of ASCII letters and digits at once.
                    let j = i + bytes[i..].iter().position(|c| !c.is_ascii_alphanumeric()).unwrap_or(bytes.len() - i);
                    if out.word.is_empty() && bytes.get(j).is_none_or(|c| c.is_ascii()) {
                        // A whole ASCII word (the common case): straight to the output.
                        self.ascii_word(&input[i..j], i, out, words);
                    } else {
                        let from = out.word.len();
                        out.word.push_str(&input[i..j]);
                        out.word[from..].make_ascii_lowercase();
                        out.wspans.extend((i as u32..j as u32).map(|k| (k, k + 1)));
                    }
                    i = j;
                    continue;
                } else if b == b'_' && kind == WordKind::Tag {
                    out.word.push('_');
                    out.wspans.push((i as u32, i as u32 + 1));
                } else if b == b'#' || b == b'@' {
                    self.flush(out, kind, words);
                    kind = WordKind::Plain;
                    if input[i + 1..].chars().next().is_some_and(char::is_alphanumeric) {
                        kind = WordKind::Tag;
                        out.word.push(b as char);
                        out.wspans.push((i as u32, i as u32 + 1));
                    }
                } else {
                    self.flush(out, kind, words);
                    kind = WordKind::Plain;
                }
                i += 1;
            } else {
                let Some(c) = input[i..].chars().next() else { break };
                let len = c.len_utf8();
                if self.fold_char(c, i, len, out, kind, words) {
                    kind = WordKind::Plain;
                }
                i += len;
            }
        }
        self.flush(out, kind, words);
    }

    /// A complete ASCII word at byte `at`: lowercased straight into the output; only words that need
    /// a slang replacement, letter collapse or digit rules take the general path.
    fn ascii_word(&self, w: &str, at: usize, out: &mut NormText, words: bool) {
        let start = out.text.len();
        if start > 0 {
            out.text.push(' ');
            out.spans.push((at as u32, at as u32));
        }
        let ws = out.text.len();
        out.text.push_str(w);
        out.text[ws..].make_ascii_lowercase();
        out.spans.extend((at as u32..(at + w.len()) as u32).map(|k| (k, k + 1)));
        if !words {
            return;
        }
        let lw = &out.text[ws..];
        let b = lw.as_bytes();
        let digits = b.iter().filter(|c| c.is_ascii_digit()).count();
        let mixed = digits > 0 && digits < b.len();
        let run = b.windows(3).any(|x| x[0] == x[1] && x[1] == x[2] && x[0].is_ascii_alphabetic());
        let slang = self.slang.contains_key(lw);
        if !(mixed || run || slang) {
            return;
        }
        let mut word = std::mem::take(&mut out.word);
        let mut wspans = std::mem::take(&mut out.wspans);
        word.clear();
        word.push_str(lw);
        wspans.clear();
        wspans.extend_from_slice(&out.spans[ws..]);
        out.text.truncate(start);
        out.spans.truncate(start);
        self.transform_word(&word, &wspans, out);
        word.clear();
        wspans.clear();
        out.word = word;
        out.wspans = wspans;
    }

    /// Folds one non-ASCII character; returns true when it ended the current word.
    fn fold_char(&self, c: char, at: usize, len: usize, out: &mut NormText, kind: WordKind, words: bool) -> bool {
        let span = (at as u32, (at + len) as u32);
        let cp = c as u32;
        let invisible =
            matches!(cp, 0xFE00..=0xFE0F | 0x200C | 0x200D | 0xFEFF | 0x1F3FB..=0x1F3FF | 0xE0020..=0xE007F);
        if invisible || is_combining_mark(c) {
            // Part of the previous character: widen its span so highlights include it.
            if let Some(last) = out.wspans.last_mut() {
                last.1 = span.1;
            } else if let Some(last) = out.spans.last_mut()
                && last.1 == span.0
            {
                last.1 = span.1;
            }
            return false;
        }
        if c.is_whitespace() || cp == 0x200B {
            self.flush(out, kind, words);
            return true;
        }
        let mut chars = std::mem::take(&mut out.chars);
        chars.clear();
        decompose_compatible(c, |d| {
            if !is_combining_mark(d) {
                chars.extend(d.to_lowercase().filter(|e| !is_combining_mark(*e)));
            }
        });
        let mut ended = false;
        for &e in &chars {
            if e.is_alphanumeric() {
                out.word.push(e);
                out.wspans.extend(std::iter::repeat_n(span, e.len_utf8()));
            } else if is_symbol(e) {
                self.flush(out, kind, words);
                let mut buf = [0u8; 4];
                out.emit_uniform(e.encode_utf8(&mut buf), span);
                ended = true;
            } else {
                self.flush(out, kind, words);
                ended = true;
            }
        }
        out.chars = chars;
        ended
    }

    fn flush(&self, out: &mut NormText, kind: WordKind, words: bool) {
        if out.word.is_empty() {
            return;
        }
        let word = std::mem::take(&mut out.word);
        let spans = std::mem::take(&mut out.wspans);
        if !words || kind == WordKind::Tag {
            out.emit(&word, &spans);
        } else {
            self.transform_word(&word, &spans, out);
        }
        out.word = word;
        out.wspans = spans;
        out.word.clear();
        out.wspans.clear();
    }

    fn transform_word(&self, word: &str, spans: &[(u32, u32)], out: &mut NormText) {
        let whole = (spans[0].0, spans[spans.len() - 1].1);
        if let Some(rep) = self.slang.get(word) {
            out.emit_uniform(rep, whole);
            return;
        }
        let mut tmp = std::mem::take(&mut out.tmp);
        let mut tspans = std::mem::take(&mut out.tspans);
        let collapsed = collapse_repeats(word, spans, &mut tmp, &mut tspans);
        let (cur, cur_spans): (&str, &[(u32, u32)]) = if collapsed { (&tmp, &tspans) } else { (word, spans) };
        if collapsed && let Some(rep) = self.slang.get(cur) {
            out.emit_uniform(rep, whole);
        } else {
            self.digits_and_emit(cur, cur_spans, out);
        }
        out.tmp = tmp;
        out.tspans = tspans;
    }

    /// Letter-number rules, then the final slang lookup, then emission.
    fn digits_and_emit(&self, word: &str, spans: &[(u32, u32)], out: &mut NormText) {
        let b = word.as_bytes();
        let has_digit = b.iter().any(u8::is_ascii_digit);
        if !has_digit || b.iter().all(u8::is_ascii_digit) {
            out.emit(word, spans);
            return;
        }
        let lead = b.iter().take_while(|c| c.is_ascii_digit()).count();
        let trail = b.iter().rev().take_while(|c| c.is_ascii_digit()).count();
        let core = lead..b.len() - trail;
        let interior_leet = b[core.clone()].iter().any(|&c| leet(c).is_some());
        let lead_sub = lead == 1 && leet(b[0]).is_some();
        let leet_style = interior_leet || lead_sub;
        let trail_sub = trail == 1 && leet_style && leet(b[b.len() - 1]).is_some();

        let start = if lead_sub { 0 } else { lead };
        let end = if trail_sub { b.len() } else { b.len() - trail };
        if start > 0 {
            out.emit(&word[..start], &spans[..start]);
        }
        // Substitution maps ASCII digits to ASCII letters, so byte offsets are unchanged.
        let mut core_word = String::with_capacity(end - start);
        for &c in &b[start..end] {
            core_word.push(leet(c).unwrap_or(c) as char);
        }
        // `b[start..end]` may hold multi-byte letters; rebuild from the str when it does.
        if !b[start..end].is_ascii() {
            core_word.clear();
            for ch in word[start..end].chars() {
                core_word.push(if ch.is_ascii_digit() { leet(ch as u8).map_or(ch, char::from) } else { ch });
            }
        }
        let core_spans = &spans[start..end];
        let core_whole = (core_spans[0].0, core_spans[core_spans.len() - 1].1);
        let reduplicate =
            end < b.len() && &word[end..] == "2" && !core_word.is_empty() && is_word_for_reduplication(&core_word);
        match self.slang.get(core_word.as_str()) {
            Some(rep) => out.emit_uniform(rep, core_whole),
            None => out.emit(&core_word, core_spans),
        }
        if reduplicate {
            let digit_span = spans[end];
            match self.slang.get(core_word.as_str()) {
                Some(rep) => out.emit_uniform(rep, digit_span),
                None => out.emit_uniform(&core_word, digit_span),
            }
        } else if end < b.len() {
            out.emit(&word[end..], &spans[end..]);
        }
    }
}

fn is_word_for_reduplication(core: &str) -> bool {
    core.chars().count() >= 3 && core.chars().all(char::is_alphabetic) && !NUMBER_PREFIXES.contains(&core)
}

/// Collapses runs of three or more identical ASCII letters to one; returns whether anything changed.
fn collapse_repeats(word: &str, spans: &[(u32, u32)], tmp: &mut String, tspans: &mut Vec<(u32, u32)>) -> bool {
    let b = word.as_bytes();
    let has_run = b.windows(3).any(|w| w[0] == w[1] && w[1] == w[2] && w[0].is_ascii_alphabetic());
    if !has_run {
        return false;
    }
    tmp.clear();
    tspans.clear();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let mut j = i + 1;
        while j < b.len() && b[j] == c {
            j += 1;
        }
        if c.is_ascii_alphabetic() && j - i >= 3 {
            tmp.push(c as char);
            tspans.push((spans[i].0, spans[j - 1].1));
            i = j;
        } else if c.is_ascii() {
            tmp.push(c as char);
            tspans.push(spans[i]);
            i += 1;
        } else {
            // Copy a whole multi-byte character.
            let len = word[i..].chars().next().map_or(1, char::len_utf8);
            tmp.push_str(&word[i..i + len]);
            tspans.extend_from_slice(&spans[i..i + len]);
            i += len;
        }
    }
    true
}

fn leet(c: u8) -> Option<u8> {
    match c {
        b'4' => Some(b'a'),
        b'3' => Some(b'e'),
        b'1' => Some(b'i'),
        b'0' => Some(b'o'),
        b'5' => Some(b's'),
        b'7' => Some(b't'),
        _ => None,
    }
}

/// Emoji, pictographs, dingbats and arrows: kept as one-character tokens (✌ can be a campaign sign).
fn is_symbol(c: char) -> bool {
    matches!(c as u32, 0x2190..=0x2BFF | 0x1F000..=0x1FAFF)
}

/// If a URL starts at `i`, the index just past it (next whitespace or end).
fn url_end(bytes: &[u8], i: usize) -> Option<usize> {
    let rest = &bytes[i..];
    let starts = |p: &[u8]| rest.len() >= p.len() && rest[..p.len()].eq_ignore_ascii_case(p);
    if !(starts(b"http://") || starts(b"https://") || starts(b"www.")) {
        return None;
    }
    Some(rest.iter().position(|b| b.is_ascii_whitespace()).map_or(bytes.len(), |p| i + p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        Normalizer::builtin().normalize(s).as_str().to_owned()
    }

    #[test]
    fn case_punctuation_and_spaces() {
        assert_eq!(norm("  Ayo,   PILIH!!  "), "ayo pilih");
        assert_eq!(norm("no. 02"), "no 02");
        assert_eq!(norm("nomor urut 2"), "nomor urut 2");
    }

    #[test]
    fn nfkc_and_diacritics() {
        assert_eq!(norm("Café"), "cafe");
        assert_eq!(norm("Cafe\u{0301}"), "cafe");
        assert_eq!(norm("ＡＹＯ ＰＩＬＩＨ"), "ayo pilih");
        assert_eq!(norm("ﬁnal"), "final");
        assert_eq!(norm("𝐝𝐮𝐤𝐮𝐧𝐠"), "dukung");
    }

    #[test]
    fn repeated_letters_collapse() {
        assert_eq!(norm("dukuuung"), "dukung");
        assert_eq!(norm("mantaaaap"), "mantap");
        assert_eq!(norm("saat"), "saat");
        assert_eq!(norm("2000"), "2000");
    }

    #[test]
    fn letter_number_substitution_only_inside_words_with_letters() {
        assert_eq!(norm("c0bl0s"), "coblos");
        assert_eq!(norm("p1l1h"), "pilih");
        assert_eq!(norm("4y0"), "ayo");
        assert_eq!(norm("02"), "02");
        assert_eq!(norm("2024"), "2024");
        assert_eq!(norm("paslon02"), "paslon 02");
        assert_eq!(norm("no2"), "no 2");
        assert_eq!(norm("teman2"), "teman teman");
        assert_eq!(norm("paslon2"), "paslon 2");
    }

    #[test]
    fn slang_to_formal_and_allow_list() {
        assert_eq!(norm("yg"), "yang");
        assert_eq!(norm("gk"), "tidak");
        assert_eq!(norm("dkg"), "dukung");
        let n = Normalizer::builtin();
        for w in ["dua", "tiga", "jangan", "tidak", "bukan", "no", "nomor"] {
            assert!(!n.is_stopword(w), "{w} must never be a stopword");
            assert_eq!(norm(w), w);
        }
        assert!(n.is_stopword("yang"));
    }

    #[test]
    fn urls_dropped_tags_kept() {
        assert_eq!(norm("Lihat https://t.co/AbC123 #Coblos02 @Budi_99"), "lihat #coblos02 @budi_99");
        assert_eq!(norm("#"), "");
    }

    #[test]
    fn emoji_are_tokens_and_invisibles_vanish() {
        assert_eq!(norm("salam✌️dua jari👍🏽"), "salam ✌ dua jari 👍");
    }

    #[test]
    fn offsets_map_back_with_multibyte_and_emoji() {
        let original = "🔥 Ayo DUKUUUNG Paslon №2 — Cafe\u{0301} #Menang✌️ p1l1h";
        let n = Normalizer::builtin().normalize(original);
        assert_eq!(n.as_str(), "🔥 ayo dukung paslon no 2 cafe #menang ✌ pilih");
        let find = |needle: &str| {
            let s = n.as_str().find(needle).expect(needle);
            &original[n.original_span(s..s + needle.len())]
        };
        assert_eq!(find("dukung"), "DUKUUUNG");
        assert_eq!(find("ayo dukung"), "Ayo DUKUUUNG");
        assert_eq!(find("🔥"), "🔥");
        assert_eq!(find("no 2"), "№2");
        assert_eq!(find("cafe"), "Cafe\u{0301}");
        assert_eq!(find("#menang"), "#Menang");
        assert_eq!(find("✌"), "✌️");
        assert_eq!(find("pilih"), "p1l1h");
    }

    #[test]
    fn slang_replacement_maps_to_whole_word() {
        let original = "Sy dkg bgt";
        let n = Normalizer::builtin().normalize(original);
        assert_eq!(n.as_str(), "saya dukung banget");
        let s = n.as_str().find("dukung").unwrap_or_default();
        assert_eq!(&original[n.original_span(s..s + 6)], "dkg");
    }
}
