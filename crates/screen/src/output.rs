//! The output line of `netra screen score`, written straight into a byte buffer.
//!
//! [`crate::score::ScoredRecord`] (serde) is the reference; [`RecordWriter`] writes the same bytes
//! without building owned explanation strings: every lexicon entry's explanation templates are split
//! at their `{text}` / `{candidate}` placeholders and JSON-escaped once, when the writer is made, so a
//! post only escapes its own words. Numbers go through `serde_json` itself, so floats are formatted
//! exactly as serde formats them. Tests compare both byte for byte.
//!
//! A record is written in two parts around the cluster fields ([`RecordWriter::write_cluster`]), so
//! that the head and tail can be written on worker threads and the cluster fields, which need the
//! sequential cluster state, spliced in later.

use crate::cluster::Assignment;
use crate::lexicon::Lexicon;
use crate::post::Post;
use crate::score::{Assessment, ScoreParams, WatchEntry};

/// A piece of an explanation template.
#[derive(Debug, Clone)]
enum Piece {
    /// Already JSON-escaped literal text.
    Lit(String),
    /// The words as written in the post.
    Text,
    /// The candidate's display name (pre-escaped in [`EntryJson::display`]).
    Candidate,
}

#[derive(Debug, Clone)]
struct EntryJson {
    /// `{"category":"…",`
    head: String,
    /// `"candidate":"…",` or empty.
    candidate: String,
    /// Escaped display name ("Name (nomor urut 2)").
    display: String,
    id: Vec<Piece>,
    en: Vec<Piece>,
}

/// Writes output records; one per lexicon, shared by all threads.
#[derive(Debug, Clone)]
pub struct RecordWriter {
    entries: Vec<EntryJson>,
    combination: Vec<u8>,
}

const NEGATED_ID: &str = " Didahului kata negasi, sehingga tidak dihitung sebagai ajakan.";
const NEGATED_EN: &str = " Preceded by a negation, so it does not count as a call to support.";

impl RecordWriter {
    pub fn new(lexicon: &Lexicon, params: &ScoreParams) -> Self {
        let entries = lexicon
            .entries()
            .iter()
            .map(|e| {
                let mut head = String::from("{\"category\":");
                push_str(&mut head, e.category.as_str());
                head.push(',');
                let mut candidate = String::new();
                let mut display = String::new();
                if let Some(c) = e.candidate {
                    candidate.push_str("\"candidate\":");
                    push_str(&mut candidate, &lexicon.candidates()[c].name);
                    candidate.push(',');
                    escape_into(&mut display, lexicon.candidate_display(c));
                }
                EntryJson { head, candidate, display, id: pieces(&e.explain.id), en: pieces(&e.explain.en) }
            })
            .collect();
        let mut combination = b"{\"category\":\"combination\",\"weight\":".to_vec();
        write_f32(&mut combination, params.combination_bonus);
        combination.extend_from_slice(b",\"id\":");
        write_str(&mut combination, crate::score::COMBINATION_ID);
        combination.extend_from_slice(b",\"en\":");
        write_str(&mut combination, crate::score::COMBINATION_EN);
        combination.push(b'}');
        Self { entries, combination }
    }

    /// The record up to the cluster fields: identity, score, label, priority, linked civil servant.
    pub fn write_head(&self, out: &mut Vec<u8>, post: &Post, a: &Assessment, asn: Option<&WatchEntry>) {
        out.extend_from_slice(b"{\"id\":");
        write_str(out, &post.id);
        out.extend_from_slice(b",\"platform\":\"");
        out.extend_from_slice(post.platform.as_str().as_bytes());
        out.extend_from_slice(b"\",\"author_handle\":");
        write_str(out, &post.author_handle);
        if let Some(url) = &post.url {
            out.extend_from_slice(b",\"url\":");
            write_str(out, url);
        }
        if let Some(at) = &post.created_at {
            out.extend_from_slice(b",\"created_at\":");
            write_str(out, at);
        }
        out.extend_from_slice(b",\"engagement\":\"");
        out.extend_from_slice(post.engagement.as_str().as_bytes());
        out.extend_from_slice(b"\",\"score\":");
        write_f32(out, a.score);
        out.extend_from_slice(b",\"label\":\"");
        out.extend_from_slice(a.label.as_str().as_bytes());
        out.extend_from_slice(if asn.is_some() { b"\",\"priority\":true," } else { b"\",\"priority\":false," });
        if let Some(e) = asn {
            out.extend_from_slice(b"\"asn\":{\"handle\":");
            write_str(out, &e.handle);
            if let Some(p) = e.platform {
                out.extend_from_slice(b",\"platform\":\"");
                out.extend_from_slice(p.as_str().as_bytes());
                out.push(b'"');
            }
            out.extend_from_slice(b",\"asn_id\":");
            write_str(out, &e.asn_id);
            out.extend_from_slice(b",\"name\":");
            write_str(out, &e.name);
            out.extend_from_slice(b",\"agency\":");
            write_str(out, &e.agency);
            out.extend_from_slice(b"},");
        }
    }

    /// The cluster fields (nothing without a cluster).
    pub fn write_cluster(out: &mut Vec<u8>, cluster: Option<Assignment>) {
        if let Some(c) = cluster {
            out.extend_from_slice(b"\"cluster_id\":");
            write_u64(out, c.cluster_id);
            out.extend_from_slice(b",\"cluster_size\":");
            write_u64(out, c.size);
            out.extend_from_slice(b",\"cluster_accounts\":");
            write_u64(out, c.accounts);
            out.push(b',');
        }
    }

    /// The explanation list and the end of the record, with the newline. `text` is the post's text.
    pub fn write_tail(&self, out: &mut Vec<u8>, text: &str, a: &Assessment, asn: Option<&WatchEntry>) {
        out.extend_from_slice(b"\"explanation\":[");
        let mut first = true;
        let mut sep = |out: &mut Vec<u8>| {
            if !std::mem::take(&mut first) {
                out.push(b',');
            }
        };
        let mut words = Vec::new();
        for c in &a.counted {
            sep(out);
            let e = &self.entries[c.entry];
            out.extend_from_slice(e.head.as_bytes());
            let original = text.get(c.original.clone()).unwrap_or_default();
            words.clear();
            escape_bytes(&mut words, original);
            out.extend_from_slice(b"\"text\":\"");
            out.extend_from_slice(&words);
            out.extend_from_slice(b"\",\"span\":[");
            write_u64(out, c.original.start as u64);
            out.push(b',');
            write_u64(out, c.original.end as u64);
            out.extend_from_slice(b"],");
            out.extend_from_slice(e.candidate.as_bytes());
            out.extend_from_slice(b"\"weight\":");
            write_f32(out, c.weight);
            out.extend_from_slice(b",\"id\":\"");
            fill(out, &e.id, &words, &e.display);
            if c.negated {
                escape_bytes(out, NEGATED_ID);
            }
            out.extend_from_slice(b"\",\"en\":\"");
            fill(out, &e.en, &words, &e.display);
            if c.negated {
                escape_bytes(out, NEGATED_EN);
            }
            out.extend_from_slice(b"\"}");
        }
        if a.combination {
            sep(out);
            out.extend_from_slice(&self.combination);
        }
        if let Some((prob, weight)) = a.model_line {
            sep(out);
            let pct = (prob * 100.0).round();
            out.extend_from_slice(b"{\"category\":\"model\",\"weight\":");
            write_f32(out, weight);
            out.extend_from_slice(b",\"id\":");
            write_str(out, &format!("Model bahasa menilai kemiripan dengan unggahan kampanye sebesar {pct}%."));
            out.extend_from_slice(b",\"en\":");
            write_str(out, &format!("The language model rates the similarity to campaign posts at {pct}%."));
            out.push(b'}');
        }
        if let Some(e) = asn {
            sep(out);
            out.extend_from_slice(b"{\"category\":\"watch_list\",\"weight\":0.0,\"id\":");
            write_str(out, &crate::score::watch_id(e));
            out.extend_from_slice(b",\"en\":");
            write_str(out, &crate::score::watch_en(e));
            out.push(b'}');
        }
        out.extend_from_slice(b"]}\n");
    }

    /// A whole record, as `serde_json::to_writer(out, &ScoredRecord::new(…))` plus a newline writes it.
    pub fn write(
        &self,
        out: &mut Vec<u8>,
        post: &Post,
        a: &Assessment,
        asn: Option<&WatchEntry>,
        cluster: Option<Assignment>,
    ) {
        self.write_head(out, post, a, asn);
        Self::write_cluster(out, cluster);
        self.write_tail(out, &post.text, a, asn);
    }
}

/// Splits a template at `{text}` and `{candidate}` (as `lexicon::fill` does), escaping the literals.
fn pieces(template: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut rest = template;
    while let Some(at) = rest.find('{') {
        lit.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(r) = tail.strip_prefix("{text}") {
            out.push(Piece::Lit(escaped(&std::mem::take(&mut lit))));
            out.push(Piece::Text);
            rest = r;
        } else if let Some(r) = tail.strip_prefix("{candidate}") {
            out.push(Piece::Lit(escaped(&std::mem::take(&mut lit))));
            out.push(Piece::Candidate);
            rest = r;
        } else {
            lit.push('{');
            rest = &tail[1..];
        }
    }
    lit.push_str(rest);
    out.push(Piece::Lit(escaped(&lit)));
    out.retain(|p| !matches!(p, Piece::Lit(s) if s.is_empty()));
    out
}

fn fill(out: &mut Vec<u8>, pieces: &[Piece], words: &[u8], display: &str) {
    for p in pieces {
        match p {
            Piece::Lit(s) => out.extend_from_slice(s.as_bytes()),
            Piece::Text => out.extend_from_slice(words),
            Piece::Candidate => out.extend_from_slice(display.as_bytes()),
        }
    }
}

fn escaped(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

fn escape_into(out: &mut String, s: &str) {
    let mut v = Vec::with_capacity(s.len());
    escape_bytes(&mut v, s);
    out.push_str(std::str::from_utf8(&v).expect("escaping keeps UTF-8"));
}

fn push_str(out: &mut String, s: &str) {
    out.push('"');
    escape_into(out, s);
    out.push('"');
}

/// A JSON string with quotes, escaped exactly as `serde_json` escapes it.
pub(crate) fn write_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    escape_bytes(out, s);
    out.push(b'"');
}

/// The contents of a JSON string, escaped as `serde_json` does: `"` and `\` with a backslash, the
/// control characters U+0000–U+001F as `\b \t \n \f \r` or `\u00xx` (lowercase hex); all else as is.
pub(crate) fn escape_bytes(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 15)]);
            }
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// A float exactly as serde_json writes it (`null` when not finite).
pub(crate) fn write_f32(out: &mut Vec<u8>, v: f32) {
    // Writing into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, &v);
}

fn write_u64(out: &mut Vec<u8>, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_matches_serde_json_for_every_ascii_byte() {
        let all: String = (0u8..0x80).map(char::from).chain("é✌️\u{2028}".chars()).collect();
        let mut ours = Vec::new();
        write_str(&mut ours, &all);
        assert_eq!(ours, serde_json::to_vec(&all).expect("serialises"));
    }

    #[test]
    fn numbers_match_serde_json() {
        for v in [0u64, 7, 10, 99, 1234567890, u64::MAX] {
            let mut b = Vec::new();
            write_u64(&mut b, v);
            assert_eq!(b, v.to_string().as_bytes());
        }
        for v in [0.0f32, 1.5, -0.3, 0.006_241_850_6, f32::NAN, f32::INFINITY, 1e-30] {
            let mut b = Vec::new();
            write_f32(&mut b, v);
            assert_eq!(b, serde_json::to_vec(&v).expect("serialises"));
        }
    }

    #[test]
    fn templates_split_like_fill() {
        let p = pieces("a {text} b {candidate} {x} \"q\"");
        let mut out = Vec::new();
        fill(&mut out, &p, b"T", "C");
        assert_eq!(String::from_utf8(out).expect("utf8"), "a T b C {x} \\\"q\\\"");
    }
}
