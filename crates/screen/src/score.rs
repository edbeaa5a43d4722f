//! One score per post from lexicon hits and the classifier, a label, and a plain-language explanation
//! of every hit; the watch list of accounts linked to civil servants.
//!
//! The score is a logistic combination in log-odds: the model's log-odds (or a fixed prior without a
//! model) plus the weight of each distinct lexicon entry found, plus a bonus when a call to action or
//! campaign language appears together with a target (candidate, ballot number, slogan, hashtag,
//! party). A negated call to action ("tidak mendukung") counts slightly against. Labels:
//! `likely_campaign` at or above [`ScoreParams::likely_threshold`], `review` at or above
//! [`ScoreParams::review_threshold`], `unlikely` below. Every explanation carries the byte span of
//! the words in the ORIGINAL post text.

use std::io::Read;
use std::ops::Range;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::classifier::Model;
use crate::cluster::Assignment;
use crate::hash::FastMap;
use crate::lexicon::{Hit, Lexicon};
use crate::normalize::NormText;
use crate::output::RecordWriter;
use crate::post::{Platform, Post, SkipReason, SkipSummary, Skipped};

/// Screening label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    LikelyCampaign,
    Review,
    Unlikely,
}

impl Label {
    pub fn as_str(self) -> &'static str {
        match self {
            Label::LikelyCampaign => "likely_campaign",
            Label::Review => "review",
            Label::Unlikely => "unlikely",
        }
    }
}

/// How lexicon and model are combined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreParams {
    pub likely_threshold: f32,
    pub review_threshold: f32,
    /// Multiplies the model's log-odds.
    pub model_weight: f32,
    /// Log-odds before lexicon evidence when there is no model.
    pub no_model_prior: f32,
    /// Added once when a call to action and a target appear together.
    pub combination_bonus: f32,
    /// Contribution of a negated call to action.
    pub negated_weight: f32,
}

impl Default for ScoreParams {
    fn default() -> Self {
        Self {
            likely_threshold: 0.7,
            review_threshold: 0.4,
            model_weight: 1.0,
            no_model_prior: -2.0,
            combination_bonus: 1.5,
            negated_weight: -0.3,
        }
    }
}

/// One reason behind a score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// A lexicon category (`candidate`, `call_to_action`, `hashtag`, …), or `combination`, `model`.
    pub category: &'static str,
    /// The words as written in the original post.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Byte range `[start, end)` of `text` in the original post.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<[usize; 2]>,
    /// The candidate the words point to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub candidate: Option<String>,
    /// Contribution to the log-odds.
    pub weight: f32,
    /// Indonesian.
    pub id: String,
    /// English.
    pub en: String,
}

/// The result for one post.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scored {
    /// In [0, 1].
    pub score: f32,
    pub label: Label,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_probability: Option<f32>,
    /// Sum of the lexicon contributions (log-odds).
    pub lexicon_weight: f32,
    /// The author is on the watch list.
    pub priority: bool,
    pub explanation: Vec<Explanation>,
}

/// A lexicon entry counted in a score: its strongest occurrence in the post.
#[derive(Debug, Clone, PartialEq)]
pub struct Counted {
    /// Index into [`Lexicon::entries`].
    pub entry: usize,
    /// Byte range of the words in the original text.
    pub original: Range<usize>,
    /// Contribution to the log-odds.
    pub weight: f32,
    pub negated: bool,
}

/// The score of a post without its explanation sentences (no strings): what [`Scored`] is made of,
/// and what [`crate::output::RecordWriter`] writes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub score: f32,
    pub label: Label,
    pub model_probability: Option<f32>,
    pub lexicon_weight: f32,
    /// Counted lexicon entries, in text order.
    pub counted: Vec<Counted>,
    /// A call to action and a target appeared together (the bonus is in `lexicon_weight`).
    pub combination: bool,
    /// `(probability, weight)` of the model when its line belongs to the explanation.
    pub model_line: Option<(f32, f32)>,
}

impl Default for Assessment {
    fn default() -> Self {
        Self {
            score: 0.0,
            label: Label::Unlikely,
            model_probability: None,
            lexicon_weight: 0.0,
            counted: Vec::new(),
            combination: false,
            model_line: None,
        }
    }
}

pub(crate) const COMBINATION_ID: &str = "Ajakan atau bahasa kampanye muncul bersama rujukan ke kandidat, nomor urut, \
                                         tagar atau partai: pola khas kampanye.";
pub(crate) const COMBINATION_EN: &str = "A call to action or campaign language appears together with a candidate, \
                                         ballot number, hashtag or party: the typical shape of campaigning.";

pub(crate) fn watch_id(e: &WatchEntry) -> String {
    format!("Akun ini tercatat milik ASN {} ({}, {}); diprioritaskan.", e.name, e.asn_id, e.agency)
}

pub(crate) fn watch_en(e: &WatchEntry) -> String {
    format!("This account is linked to civil servant {} ({}, {}); prioritised.", e.name, e.asn_id, e.agency)
}

/// Scores posts. Holds reusable buffers: keep one per thread (cloning is cheap).
#[derive(Debug, Clone)]
pub struct Screener {
    lexicon: Lexicon,
    model: Option<Arc<Model>>,
    params: ScoreParams,
    norm: NormText,
    hits: Vec<Hit>,
    /// (entry, index of its strongest hit) for the current post.
    best: Vec<(usize, usize)>,
    assessment: Assessment,
    writer: Arc<RecordWriter>,
}

impl Screener {
    pub fn new(lexicon: Lexicon, model: Option<Arc<Model>>, params: ScoreParams) -> Self {
        let writer = Arc::new(RecordWriter::new(&lexicon, &params));
        Self {
            lexicon,
            model,
            params,
            norm: NormText::default(),
            hits: Vec::new(),
            best: Vec::new(),
            assessment: Assessment::default(),
            writer,
        }
    }

    /// The built-in campaign lexicon and default model.
    pub fn builtin() -> Self {
        Self::new(Lexicon::builtin(), Some(Arc::new(Model::builtin().clone())), ScoreParams::default())
    }

    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// The normalised text of the last scored post (feed it to [`crate::Clusterer::assign`]).
    pub fn normalized(&self) -> &str {
        self.norm.as_str()
    }

    /// The normalised text and offset map of the last scored post.
    pub fn norm_text(&self) -> &NormText {
        &self.norm
    }

    /// The assessment of the last scored post.
    pub fn assessment(&self) -> &Assessment {
        &self.assessment
    }

    /// The output writer for this screener's lexicon (shared by its clones).
    pub fn writer(&self) -> &Arc<RecordWriter> {
        &self.writer
    }

    /// Score a post; watched authors get `priority`.
    pub fn score_post(&mut self, post: &Post, watch: Option<&WatchList>) -> Scored {
        let mut s = self.score_text(&post.text);
        if let Some(e) = watch.and_then(|w| w.lookup(post.platform, &post.author_handle)) {
            s.priority = true;
            s.explanation.push(Explanation {
                category: "watch_list",
                text: None,
                span: None,
                candidate: None,
                weight: 0.0,
                id: watch_id(e),
                en: watch_en(e),
            });
        }
        s
    }

    /// Score a post and append its output line (exactly what `serde_json` writes for
    /// [`ScoredRecord`], plus a newline) to `out`, without building a [`Scored`].
    pub fn write_record(
        &mut self,
        post: &Post,
        watch: Option<&WatchList>,
        cluster: Option<Assignment>,
        out: &mut Vec<u8>,
    ) {
        self.assess(&post.text);
        let asn = watch.and_then(|w| w.lookup(post.platform, &post.author_handle));
        self.writer.write(out, post, &self.assessment, asn, cluster);
    }

    /// Score a text.
    pub fn score_text(&mut self, text: &str) -> Scored {
        self.assess(text);
        let lex = &self.lexicon;
        let a = &self.assessment;
        let mut explanation = Vec::with_capacity(a.counted.len() + 2);
        for c in &a.counted {
            let e = &lex.entries()[c.entry];
            let hit = Hit { entry: c.entry, norm: 0..0, original: c.original.clone(), negated: c.negated };
            let (id, en) = lex.explain(&hit, text);
            explanation.push(Explanation {
                category: e.category.as_str(),
                text: Some(text[c.original.clone()].to_owned()),
                span: Some([c.original.start, c.original.end]),
                candidate: e.candidate.map(|c| lex.candidates()[c].name.clone()),
                weight: c.weight,
                id,
                en,
            });
        }
        if a.combination {
            explanation.push(Explanation {
                category: "combination",
                text: None,
                span: None,
                candidate: None,
                weight: self.params.combination_bonus,
                id: COMBINATION_ID.to_owned(),
                en: COMBINATION_EN.to_owned(),
            });
        }
        if let Some((prob, weight)) = a.model_line {
            let pct = (prob * 100.0).round();
            explanation.push(Explanation {
                category: "model",
                text: None,
                span: None,
                candidate: None,
                weight,
                id: format!("Model bahasa menilai kemiripan dengan unggahan kampanye sebesar {pct}%."),
                en: format!("The language model rates the similarity to campaign posts at {pct}%."),
            });
        }
        Scored {
            score: a.score,
            label: a.label,
            model_probability: a.model_probability,
            lexicon_weight: a.lexicon_weight,
            priority: false,
            explanation,
        }
    }

    /// Score a text into [`Self::assessment`] (and [`Self::norm_text`]); allocates nothing once the
    /// buffers have grown.
    pub fn assess(&mut self, text: &str) -> &Assessment {
        let lex = &self.lexicon;
        lex.normalizer().normalize_into(text, &mut self.norm);
        lex.find(&self.norm, &mut self.hits);
        let entries = lex.entries();
        let p = &self.params;

        // Each entry counts once, with its strongest occurrence (the first of the strongest; a
        // non-negated one if any).
        self.best.clear();
        for (i, h) in self.hits.iter().enumerate() {
            let w = contribution(p, &entries[h.entry].weight, h.negated);
            match self.best.iter_mut().find(|(e, _)| *e == h.entry) {
                Some((_, j)) => {
                    if contribution(p, &entries[h.entry].weight, self.hits[*j].negated) < w {
                        *j = i;
                    }
                }
                None => self.best.push((h.entry, i)),
            }
        }
        let a = &mut self.assessment;
        a.counted.clear();
        let mut lexicon_weight = 0.0;
        let (mut action, mut target) = (false, false);
        for (i, h) in self.hits.iter().enumerate() {
            if !self.best.iter().any(|&(e, j)| e == h.entry && j == i) {
                continue;
            }
            let e = &entries[h.entry];
            let w = contribution(p, &e.weight, h.negated);
            lexicon_weight += w;
            action |= e.category.is_action() && !h.negated;
            target |= e.category.is_target();
            a.counted.push(Counted { entry: h.entry, original: h.original.clone(), weight: w, negated: h.negated });
        }
        a.combination = action && target;
        if a.combination {
            lexicon_weight += p.combination_bonus;
        }
        let model_probability = self.model.as_ref().map(|m| m.score_normalized(self.norm.as_str(), lex.normalizer()));
        let z = match model_probability {
            Some(prob) => p.model_weight * logit(prob) + lexicon_weight,
            None => p.no_model_prior + lexicon_weight,
        };
        let score = 1.0 / (1.0 + (-z.clamp(-30.0, 30.0)).exp());
        let label = if score >= p.likely_threshold {
            Label::LikelyCampaign
        } else if score >= p.review_threshold {
            Label::Review
        } else {
            Label::Unlikely
        };
        a.model_line = model_probability
            .filter(|&prob| prob >= 0.5 || label != Label::Unlikely)
            .map(|prob| (prob, p.model_weight * logit(prob)));
        a.score = score;
        a.label = label;
        a.model_probability = model_probability;
        a.lexicon_weight = lexicon_weight;
        &self.assessment
    }
}

fn contribution(p: &ScoreParams, weight: &f32, negated: bool) -> f32 {
    if negated { p.negated_weight } else { *weight }
}

fn logit(p: f32) -> f32 {
    let p = p.clamp(1e-4, 1.0 - 1e-4);
    (p / (1.0 - p)).ln()
}

/// A watched account: linked to a civil servant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchEntry {
    /// Without `@`.
    pub handle: String,
    /// `None` matches the handle on every platform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    /// NIP or another civil-servant id.
    pub asn_id: String,
    pub name: String,
    pub agency: String,
}

/// Accounts linked to civil servants, imported by Bawaslu. Handles match case-insensitively.
#[derive(Debug, Clone, Default)]
pub struct WatchList {
    by_handle: FastMap<Box<str>, Vec<WatchEntry>>,
    len: usize,
}

impl WatchList {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn insert(&mut self, mut entry: WatchEntry) {
        entry.handle = entry.handle.trim().trim_start_matches('@').to_owned();
        let key = entry.handle.to_lowercase().into_boxed_str();
        self.by_handle.entry(key).or_default().push(entry);
        self.len += 1;
    }

    /// The entry for an account, preferring one for the same platform over a platform-less one.
    pub fn lookup(&self, platform: Platform, handle: &str) -> Option<&WatchEntry> {
        let h = handle.trim().trim_start_matches('@');
        let list = if h.bytes().any(|b| !b.is_ascii() || b.is_ascii_uppercase()) {
            self.by_handle.get(h.to_lowercase().as_str())
        } else {
            self.by_handle.get(h)
        }?;
        list.iter().find(|e| e.platform == Some(platform)).or_else(|| list.iter().find(|e| e.platform.is_none()))
    }

    /// Read a CSV with a header row: `handle` (or `akun`), optional `platform`, `asn_id` (or `nip`),
    /// `name` (or `nama`), `agency` (or `instansi`). Bad rows are skipped into the summary.
    pub fn from_csv(reader: impl Read) -> (WatchList, SkipSummary) {
        let mut list = WatchList::new();
        let mut summary = SkipSummary::default();
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
        let headers = match rdr.headers() {
            Ok(h) => h.iter().map(|s| s.trim().trim_start_matches('\u{feff}').to_lowercase()).collect::<Vec<_>>(),
            Err(e) => {
                summary.record(Skipped { line: 1, reason: SkipReason::InvalidCsv(e.to_string()) });
                return (list, summary);
            }
        };
        let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
        let handle_c = col(&["handle", "akun", "author_handle", "username"]);
        let platform_c = col(&["platform"]);
        let id_c = col(&["asn_id", "nip", "id"]);
        let name_c = col(&["name", "nama"]);
        let agency_c = col(&["agency", "instansi", "unit_kerja"]);
        let Some(handle_c) = handle_c else {
            summary.record(Skipped { line: 1, reason: SkipReason::MissingField("handle") });
            return (list, summary);
        };
        for rec in rdr.records() {
            let rec = match rec {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map_or(0, csv::Position::line);
                    let io = matches!(e.kind(), csv::ErrorKind::Io(_));
                    summary.record(Skipped {
                        line,
                        reason: if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                            SkipReason::InvalidUtf8
                        } else {
                            SkipReason::InvalidCsv(e.to_string())
                        },
                    });
                    if io {
                        break;
                    }
                    continue;
                }
            };
            let line = rec.position().map_or(0, csv::Position::line);
            let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).map(str::trim).unwrap_or_default();
            let handle = get(Some(handle_c));
            if handle.trim_start_matches('@').is_empty() {
                summary.record(Skipped { line, reason: SkipReason::MissingField("handle") });
                continue;
            }
            let platform = match get(platform_c) {
                "" => None,
                p => match Platform::parse(p) {
                    Some(p) => Some(p),
                    None => {
                        summary.record(Skipped { line, reason: SkipReason::UnknownPlatform(p.to_owned()) });
                        continue;
                    }
                },
            };
            list.insert(WatchEntry {
                handle: handle.to_owned(),
                platform,
                asn_id: get(id_c).to_owned(),
                name: get(name_c).to_owned(),
                agency: get(agency_c).to_owned(),
            });
        }
        (list, summary)
    }
}

/// One output line of `netra screen score`: the post's identity, the score and its explanation, the
/// linked civil servant and the cluster.
#[derive(Debug, Serialize)]
pub struct ScoredRecord<'a> {
    pub id: &'a str,
    pub platform: Platform,
    pub author_handle: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<&'a str>,
    pub engagement: crate::post::Engagement,
    pub score: f32,
    pub label: Label,
    pub priority: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asn: Option<&'a WatchEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_size: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_accounts: Option<u64>,
    pub explanation: &'a [Explanation],
}

impl<'a> ScoredRecord<'a> {
    pub fn new(
        post: &'a Post,
        scored: &'a Scored,
        asn: Option<&'a WatchEntry>,
        cluster: Option<Assignment>,
    ) -> ScoredRecord<'a> {
        ScoredRecord {
            id: &post.id,
            platform: post.platform,
            author_handle: &post.author_handle,
            url: post.url.as_deref(),
            created_at: post.created_at.as_deref(),
            engagement: post.engagement,
            score: scored.score,
            label: scored.label,
            priority: scored.priority,
            asn,
            cluster_id: cluster.map(|c| c.cluster_id),
            cluster_size: cluster.map(|c| c.size),
            cluster_accounts: cluster.map(|c| c.accounts),
            explanation: &scored.explanation,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::{Candidate, LexiconFile};

    fn screener(model: bool) -> Screener {
        let file = LexiconFile {
            candidates: vec![Candidate {
                id: "paslon-2".into(),
                name: "Andi Pratama – Sari Dewi".into(),
                members: vec!["Andi Pratama".into(), "Sari Dewi".into()],
                nicknames: vec!["Bang Andi".into()],
                ballot_number: Some(2),
                acronyms: vec!["ANSAR".into()],
                slogans: vec!["Bersama Membangun Negeri".into()],
                hashtags: vec!["#AnsarJuara".into()],
            }],
            ..LexiconFile::default()
        };
        let lex = Lexicon::compile(file, crate::Normalizer::builtin()).expect("compiles");
        let m = model.then(|| Arc::new(Model::builtin().clone()));
        Screener::new(lex, m, ScoreParams::default())
    }

    #[test]
    fn campaign_post_is_likely_and_explained_with_original_spans() {
        let mut s = screener(false);
        let text = "Ayo COBLOS no. 02 ✌️ #AnsarJuara — Bang Andi pasti menang!";
        let r = s.score_text(text);
        assert_eq!(r.label, Label::LikelyCampaign, "{r:#?}");
        let cats: Vec<&str> = r.explanation.iter().map(|e| e.category).collect();
        for c in ["call_to_action", "ballot_number", "hashtag", "candidate", "combination"] {
            assert!(cats.contains(&c), "{c} missing in {cats:?}");
        }
        for e in &r.explanation {
            if let (Some(t), Some([a, b])) = (&e.text, e.span) {
                assert_eq!(&text[a..b], t);
            }
        }
        let ballot = r.explanation.iter().find(|e| e.category == "ballot_number").expect("ballot");
        assert_eq!(ballot.text.as_deref(), Some("no. 02"));
        assert_eq!(ballot.candidate.as_deref(), Some("Andi Pratama – Sari Dewi"));
        assert!(ballot.id.contains("nomor urut 2"));
    }

    #[test]
    fn neutral_and_negated_posts_are_unlikely() {
        let mut s = screener(true);
        for t in [
            "Saya tidak mendukung siapa pun, ASN wajib netral.",
            "Jangan lupa datang ke TPS tanggal 14 Februari, gunakan hak pilih Anda.",
            "Rapat koordinasi pelayanan publik di kantor kecamatan.",
        ] {
            let r = s.score_text(t);
            assert_eq!(r.label, Label::Unlikely, "{t}: {r:#?}");
        }
    }

    #[test]
    fn watch_list_gives_priority() {
        let csv = "handle,platform,nip,nama,instansi\n@Budi_ASN,x,198001012005011001,Budi Santoso,Dinas Pendidikan\nani,,1990,Ani,Kecamatan\nc,myspace,1,C,D\n,x,2,E,F\n";
        let (list, summary) = WatchList::from_csv(csv.as_bytes());
        assert_eq!(list.len(), 2);
        assert_eq!(summary.total, 2);
        assert!(list.lookup(Platform::X, "budi_asn").is_some());
        assert!(list.lookup(Platform::Facebook, "budi_asn").is_none());
        assert_eq!(list.lookup(Platform::Tiktok, "@ANI").map(|e| e.name.as_str()), Some("Ani"));
        let mut s = screener(false);
        let post = Post { author_handle: "BUDI_asn".into(), text: "Selamat pagi".into(), ..Post::default() };
        let r = s.score_post(&post, Some(&list));
        assert!(r.priority);
        assert!(r.explanation.iter().any(|e| e.category == "watch_list" && e.id.contains("Dinas Pendidikan")));
        let json =
            serde_json::to_string(&ScoredRecord::new(&post, &r, list.lookup(post.platform, &post.author_handle), None))
                .expect("serialises");
        assert!(json.contains("\"priority\":true"));
    }
}
