//! Hashed-feature logistic regression: features, trainer, model file, labelled-data reader.
//!
//! Features of the normalised text: word n-grams (unigrams and bigrams by default; each token hashed
//! eight bytes at a time, n-grams combine token hashes) and character n-grams of each word padded with
//! spaces (3–5 by default; a gram of at most 8 bytes is its own 64-bit key). The bucket (2^18 by
//! default) and a sign bit come from the high bits of a multiplicative hash of the key (signed hashing
//! keeps collisions unbiased). Mentions (`@…`) are left out so that a model does not learn account
//! names. Each group (words, characters) is scaled by 1/√(number of its features), so long and short
//! posts score on the same scale. These functions are part of the model format: changing them means
//! retraining the default model.
//!
//! Training is deterministic: AdaGrad on the logistic loss with L2, a fixed-seed shuffle per epoch,
//! f64 arithmetic in a fixed order; the saved model (`{"format":"netra-screen-model","version":1,…}`)
//! stores rounded weights sparsely, so the same data and parameters give a byte-identical file.

use std::io::BufRead;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::ScreenError;
use crate::hash::SplitMix64;
use crate::normalize::{NORMALIZER_VERSION, NormText, Normalizer};
use crate::post::{SkipReason, SkipSummary, Skipped};

/// `format` value of a model file.
pub const MODEL_FORMAT: &str = "netra-screen-model";
/// Current model file version.
pub const MODEL_VERSION: u32 = 1;

const DEFAULT_MODEL_JSON: &str = include_str!("../../../data/lexicon/default-model.json");

thread_local! {
    static SCRATCH: std::cell::RefCell<Features> = std::cell::RefCell::new(Features::default());
}

const SEED_WORD: u64 = 0x5752_4400;
const SEED_CHAR: u64 = 0x4348_4152_0000_0000;

/// Which features a model uses. Part of the model file: scoring uses the model's own parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureParams {
    /// log2 of the number of hash buckets (18 → 262,144).
    pub buckets_log2: u32,
    /// Smallest and largest word n-gram (inclusive); `[0, 0]` for none.
    pub word_ngrams: [u32; 2],
    /// Smallest and largest character n-gram (inclusive); `[0, 0]` for none.
    pub char_ngrams: [u32; 2],
    /// Leave stopwords out of word unigrams (never the allow-listed words).
    pub drop_stopwords: bool,
}

impl Default for FeatureParams {
    fn default() -> Self {
        Self { buckets_log2: 18, word_ngrams: [1, 2], char_ngrams: [3, 5], drop_stopwords: false }
    }
}

/// Trainer settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainParams {
    pub features: FeatureParams,
    pub epochs: u32,
    /// AdaGrad base learning rate.
    pub learning_rate: f64,
    /// L2 penalty per update.
    pub l2: f64,
    /// Shuffle seed.
    pub seed: u64,
    /// Weight examples so both classes count equally.
    pub balance_classes: bool,
    /// Weights with a smaller absolute value are not saved.
    pub prune_below: f32,
}

impl Default for TrainParams {
    fn default() -> Self {
        Self {
            features: FeatureParams::default(),
            epochs: 10,
            learning_rate: 0.1,
            l2: 1e-6,
            seed: 0x006e_6574_7261,
            balance_classes: true,
            prune_below: 1e-4,
        }
    }
}

/// One training example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    pub text: String,
    /// True for `support` (campaigning), false for `not_support`.
    pub label: bool,
}

/// Scratch space for feature extraction, reused across texts.
#[derive(Debug, Default)]
struct Features {
    buf: Vec<u8>,
    words: Vec<u64>,
    chars: Vec<u64>,
}

impl Features {
    /// Fills `words` and `chars` with the feature hashes of a normalised text.
    fn extract(&mut self, p: &FeatureParams, text: &str, normalizer: &Normalizer) {
        let [wmin, wmax] = p.word_ngrams;
        let [cmin, cmax] = p.char_ngrams;
        let (cmin, cmax) = (cmin.max(1) as usize, cmax.min(8) as usize);
        let (wmin, wmax) = (wmin.max(1) as usize, wmax.min(8) as usize);
        let Features { buf, words, chars } = self;
        words.clear();
        chars.clear();
        // " " + text + " " and 8 bytes of slack: every token is padded by spaces on both sides, and
        // any 8-byte window starting inside can be loaded at once.
        buf.clear();
        buf.push(b' ');
        buf.extend_from_slice(text.as_bytes());
        buf.extend_from_slice(&[b' ', 0, 0, 0, 0, 0, 0, 0, 0]);
        if cmax >= cmin {
            chars.reserve((text.len() + 2) * (cmax - cmin + 1));
        }
        // Hashes of the last `wmax` tokens, as a small ring (indices masked with 7).
        let mut ring = [0u64; 8];
        let mut count = 0usize;
        let mut pos = 0usize;
        for tok in text.split(' ') {
            let start = pos;
            pos += tok.len() + 1;
            if tok.is_empty() || tok.starts_with('@') {
                count = 0;
                continue;
            }
            let end = start + tok.len();
            if wmax >= wmin {
                ring[count & 7] = token_hash(&buf[start + 1..end + 9], tok.len());
                count += 1;
                for n in wmin..=wmax.min(count) {
                    if n == 1 && p.drop_stopwords && normalizer.is_stopword(tok) {
                        continue;
                    }
                    let mut h = SEED_WORD ^ n as u64;
                    for k in count - n..count {
                        h = (h.rotate_left(23) ^ ring[k & 7]).wrapping_mul(0xff51_afd7_ed55_8ccd);
                    }
                    words.push(h);
                }
            }
            // The padded token is buf[start..end + 2].
            let hi = end + 2;
            if cmax < cmin || hi - start < cmin {
                continue;
            }
            // An n-gram of at most 8 bytes is its own key; text bytes are never 0, so grams of
            // different lengths never share a key.
            let gram = |window: u64, n: usize| (window & (u64::MAX >> (64 - 8 * n))) ^ SEED_CHAR;
            let mut j = start;
            if (cmin, cmax) == (3, 5) {
                // The default: three grams per position while the whole window fits.
                while j + 5 <= hi {
                    let w = load8(&buf[j..]);
                    chars.extend_from_slice(&[gram(w, 3), gram(w, 4), gram(w, 5)]);
                    j += 1;
                }
            }
            while j + cmin <= hi {
                let w = load8(&buf[j..]);
                for n in cmin..=cmax.min(hi - j) {
                    chars.push(gram(w, n));
                }
                j += 1;
            }
        }
    }
}

/// Little-endian u64 from the first 8 bytes (one bounds check, one load).
#[inline(always)]
fn load8(bytes: &[u8]) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&bytes[..8]);
    u64::from_le_bytes(a)
}

/// Hash of a token of `len` bytes at the start of `bytes` (which has at least 8 more bytes after it),
/// eight bytes at a time.
#[inline]
fn token_hash(bytes: &[u8], len: usize) -> u64 {
    let mut h = (len as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mut i = 0;
    while i < len {
        let chunk = load8(&bytes[i..]);
        let chunk = if len - i < 8 { chunk & (u64::MAX >> (64 - 8 * (len - i))) } else { chunk };
        h = (h ^ chunk).wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^= h >> 29;
        i += 8;
    }
    h
}

/// Bucket and sign of a feature hash: the high bits of a multiplicative hash (FNV's own high bits
/// are poorly mixed), bucket from the top `bits`, sign from the bit below them.
#[inline]
fn slot(h: u64, bits: u32) -> (usize, u32) {
    let m = h.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    ((m >> (64 - bits)) as usize, ((m >> (63 - bits)) as u32 & 1) << 31)
}

/// `value` with its sign flipped when `sign` (from [`slot`]) is set; branch-free.
#[inline]
fn signed(value: f32, sign: u32) -> f32 {
    f32::from_bits(value.to_bits() ^ sign)
}

/// Sparse feature vector of one text (indices sorted, duplicates summed), as used in training.
fn sparse_features(p: &FeatureParams, text: &str, normalizer: &Normalizer, f: &mut Features) -> Vec<(u32, f32)> {
    f.extract(p, text, normalizer);
    let bits = p.buckets_log2;
    let mut out = Vec::with_capacity(f.words.len() + f.chars.len());
    for group in [&f.words, &f.chars] {
        if group.is_empty() {
            continue;
        }
        let scale = 1.0 / (group.len() as f32).sqrt();
        out.extend(group.iter().map(|&h| {
            let (i, s) = slot(h, bits);
            (i as u32, signed(scale, s))
        }));
    }
    out.sort_by_key(|x| x.0);
    let mut merged: Vec<(u32, f32)> = Vec::with_capacity(out.len());
    for (i, v) in out {
        match merged.last_mut() {
            Some(last) if last.0 == i => last.1 += v,
            _ => merged.push((i, v)),
        }
    }
    merged
}

/// A trained model. Scoring allocates nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    features: FeatureParams,
    bias: f32,
    weights: Vec<f32>,
    /// The non-zero weights in a form that stays in cache while scoring (most buckets are zero):
    /// one bit per bucket, the number of set bits before each 64-bucket word, and the non-zero
    /// weights in bucket order (about 1/10 of the dense array's size for the default model).
    nonzero: Vec<u64>,
    rank: Vec<u32>,
    dense: Vec<f32>,
    training: TrainingInfo,
}

/// How a model was trained (kept in the file for people).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingInfo {
    pub examples: u64,
    pub positives: u64,
    pub params: Option<TrainParams>,
    /// Free text, e.g. the corpus name.
    #[serde(default)]
    pub note: String,
}

#[derive(Serialize, Deserialize)]
struct ModelFile {
    format: String,
    version: u32,
    normalizer: String,
    features: FeatureParams,
    bias: f32,
    training: TrainingInfo,
    /// `[bucket, weight]` pairs, sorted by bucket.
    weights: Vec<(u32, f32)>,
}

impl Model {
    fn assemble(features: FeatureParams, bias: f32, weights: Vec<f32>, training: TrainingInfo) -> Model {
        let mut nonzero = vec![0u64; weights.len().div_ceil(64)];
        let mut rank = Vec::with_capacity(nonzero.len());
        let mut dense = Vec::new();
        for (word, chunk) in nonzero.iter_mut().zip(weights.chunks(64)) {
            rank.push(dense.len() as u32);
            for (b, w) in chunk.iter().enumerate() {
                if *w != 0.0 {
                    *word |= 1 << b;
                    dense.push(*w);
                }
            }
        }
        // Padding: a zero weight after the last non-zero one reads here (and is masked off).
        dense.push(0.0);
        Model { features, bias, weights, nonzero, rank, dense, training }
    }

    /// The model shipped in `data/lexicon/default-model.json`, trained only on the project's own
    /// corpus `data/lexicon/train-id.jsonl`.
    pub fn builtin() -> &'static Model {
        static BUILTIN: OnceLock<Model> = OnceLock::new();
        BUILTIN.get_or_init(|| Model::from_json(DEFAULT_MODEL_JSON).expect("built-in model is valid"))
    }

    /// Probability that a (raw) text is campaigning, normalising with the built-in normaliser.
    pub fn score(&self, text: &str) -> f32 {
        let normalizer = Normalizer::builtin();
        let mut n = NormText::default();
        normalizer.normalize_into(text, &mut n);
        self.score_normalized(n.as_str(), normalizer)
    }

    /// Probability for an already normalised text.
    pub fn score_normalized(&self, normalized: &str, normalizer: &Normalizer) -> f32 {
        let bits = self.features.buckets_log2;
        let (nz, rank, dense) = (&self.nonzero[..], &self.rank[..], &self.dense[..]);
        // Adding a zero weight changes no accumulator (x + ±0 = x, and +0 + ±0 = +0), so skipping
        // the zero ones gives bit-for-bit the same sum as the dense weights.
        let sum = |hashes: &[u64]| -> f32 {
            if hashes.is_empty() {
                return 0.0;
            }
            // Branch-free (about half the features hit a zero weight, unpredictably), so the loads
            // of consecutive features overlap; a zero weight reads the next non-zero one (or the
            // padding) and is masked to +0.
            let weight = |h: u64| -> f32 {
                let (i, s) = slot(h, bits);
                let word = nz[i / 64];
                let below = word & ((1u64 << (i % 64)) - 1);
                let w = dense[rank[i / 64] as usize + below.count_ones() as usize];
                let keep = ((word >> (i % 64)) as u32 & 1).wrapping_neg();
                signed(f32::from_bits(w.to_bits() & keep), s)
            };
            // Feature k goes to accumulator k % 4, as in training; four at a time keeps the
            // accumulators in registers.
            let mut acc = [0f32; 4];
            let mut quads = hashes.chunks_exact(4);
            for q in &mut quads {
                for r in 0..4 {
                    acc[r] += weight(q[r]);
                }
            }
            for (r, &h) in quads.remainder().iter().enumerate() {
                acc[r] += weight(h);
            }
            (acc[0] + acc[1] + acc[2] + acc[3]) / (hashes.len() as f32).sqrt()
        };
        let z = SCRATCH.with_borrow_mut(|f| {
            f.extract(&self.features, normalized, normalizer);
            self.bias + sum(&f.words) + sum(&f.chars)
        });
        sigmoid(z)
    }

    pub fn features(&self) -> &FeatureParams {
        &self.features
    }

    pub fn training(&self) -> &TrainingInfo {
        &self.training
    }

    /// Number of non-zero weights.
    pub fn nonzero(&self) -> usize {
        self.weights.iter().filter(|w| **w != 0.0).count()
    }

    /// Set the free-text note saved with the model.
    pub fn set_note(&mut self, note: impl Into<String>) {
        self.training.note = note.into();
    }

    /// The versioned JSON model file (weights sparse, one `[bucket, weight]` pair per line).
    pub fn to_json(&self) -> String {
        let file = ModelFile {
            format: MODEL_FORMAT.to_owned(),
            version: MODEL_VERSION,
            normalizer: NORMALIZER_VERSION.to_owned(),
            features: self.features,
            bias: self.bias,
            training: self.training.clone(),
            weights: Vec::new(),
        };
        let head = serde_json::to_string(&file).expect("model serialises");
        let head = head.strip_suffix("[]}").expect("weights are last");
        let mut out = String::with_capacity(head.len() + self.nonzero() * 20);
        out.push_str(head);
        out.push_str("[\n");
        let mut first = true;
        for (i, &w) in self.weights.iter().enumerate() {
            if w != 0.0 {
                if !first {
                    out.push_str(",\n");
                }
                first = false;
                out.push_str(&serde_json::to_string(&(i as u32, w)).expect("pair serialises"));
            }
        }
        out.push_str("\n]}\n");
        out
    }

    /// Load a model file.
    pub fn from_json(json: &str) -> Result<Model, ScreenError> {
        #[derive(Deserialize)]
        struct Head {
            format: String,
            version: u32,
        }
        let head: Head = serde_json::from_str(json)?;
        if head.format != MODEL_FORMAT || head.version != MODEL_VERSION {
            return Err(ScreenError::Format {
                what: "model",
                expected: MODEL_FORMAT,
                expected_version: MODEL_VERSION,
                found: head.format,
                found_version: head.version,
            });
        }
        let file: ModelFile = serde_json::from_str(json)?;
        let invalid = |message: String| ScreenError::Invalid { what: "model", message };
        let f = file.features;
        if !(8..=24).contains(&f.buckets_log2) || f.word_ngrams[1] > 8 || f.char_ngrams[1] > 8 {
            return Err(invalid(format!("unsupported feature parameters {f:?}")));
        }
        let dim = 1usize << f.buckets_log2;
        let mut weights = vec![0f32; dim];
        for (i, w) in file.weights {
            let slot = weights.get_mut(i as usize).ok_or_else(|| invalid(format!("bucket {i} out of range")))?;
            if !w.is_finite() {
                return Err(invalid(format!("weight of bucket {i} is not finite")));
            }
            *slot = w;
        }
        Ok(Model::assemble(f, file.bias, weights, file.training))
    }
}

fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// Train a model with the built-in normaliser.
pub fn train(examples: &[Example], params: &TrainParams) -> Model {
    train_with(examples, params, Normalizer::builtin())
}

/// Train a model; texts are normalised with `normalizer` (use the one that scoring will use).
pub fn train_with(examples: &[Example], params: &TrainParams, normalizer: &Normalizer) -> Model {
    train_with_progress(examples, params, normalizer, &mut |_| {})
}

/// [`train_with`], reporting progress: `progress(done)` counts examples processed, once for feature
/// extraction and once per epoch (`examples.len() × (epochs + 1)` in all), every 1,024 and at the end.
pub fn train_with_progress(
    examples: &[Example],
    params: &TrainParams,
    normalizer: &Normalizer,
    progress: &mut dyn FnMut(u64),
) -> Model {
    let mut done = 0u64;
    let mut tick = |progress: &mut dyn FnMut(u64)| {
        done += 1;
        if done.is_multiple_of(1024) {
            progress(done);
        }
    };
    let fp = params.features;
    let dim = 1usize << fp.buckets_log2;
    let mut norm = NormText::default();
    let mut scratch = Features::default();
    let data: Vec<(Vec<(u32, f32)>, bool)> = examples
        .iter()
        .map(|e| {
            normalizer.normalize_into(&e.text, &mut norm);
            tick(progress);
            (sparse_features(&fp, norm.as_str(), normalizer, &mut scratch), e.label)
        })
        .collect();
    let n = data.len();
    let positives = data.iter().filter(|d| d.1).count();
    let (cw_pos, cw_neg) = if params.balance_classes && positives > 0 && positives < n {
        (n as f64 / (2.0 * positives as f64), n as f64 / (2.0 * (n - positives) as f64))
    } else {
        (1.0, 1.0)
    };
    let mut w = vec![0f64; dim];
    let mut g2 = vec![0f64; dim];
    let (mut bias, mut g2b) = (0f64, 0f64);
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = SplitMix64::new(params.seed);
    let lr = params.learning_rate;
    for _ in 0..params.epochs {
        for i in (1..n).rev() {
            let j = rng.below(i + 1);
            order.swap(i, j);
        }
        for &k in &order {
            let (x, y) = &data[k];
            let z = bias + x.iter().map(|&(i, v)| w[i as usize] * f64::from(v)).sum::<f64>();
            let p = 1.0 / (1.0 + (-z).exp());
            let g = (p - if *y { 1.0 } else { 0.0 }) * if *y { cw_pos } else { cw_neg };
            for &(i, v) in x {
                let i = i as usize;
                let grad = g * f64::from(v) + params.l2 * w[i];
                g2[i] += grad * grad;
                w[i] -= lr * grad / (g2[i].sqrt() + 1e-8);
            }
            g2b += g * g;
            bias -= lr * g / (g2b.sqrt() + 1e-8);
            tick(progress);
        }
    }
    progress(n as u64 * (u64::from(params.epochs) + 1));
    let round = |x: f64| ((x * 1e6).round() / 1e6) as f32;
    let weights =
        w.iter().map(|&x| round(x)).map(|x| if x.abs() < params.prune_below { 0.0 } else { x }).collect::<Vec<f32>>();
    let training = TrainingInfo {
        examples: n as u64,
        positives: positives as u64,
        params: Some(params.clone()),
        note: String::new(),
    };
    Model::assemble(fp, round(bias), weights, training)
}

/// One labelled example from a `LABELLED.jsonl` file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelledExample {
    pub text: String,
    /// `support` or `not_support`.
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The political figure the stance is about (used to group cross-validation folds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
}

impl LabelledExample {
    /// Whether the label is `support`.
    pub fn is_support(&self) -> bool {
        self.label == "support"
    }

    /// Title and text joined, as the trainer sees them.
    pub fn full_text(&self) -> String {
        match &self.title {
            Some(t) if !t.trim().is_empty() => format!("{t}\n\n{}", self.text),
            _ => self.text.clone(),
        }
    }

    pub fn to_example(&self) -> Example {
        Example { text: self.full_text(), label: self.is_support() }
    }
}

/// Reads `LABELLED.jsonl` (one object per line with at least `text` and `label` = `support` or
/// `not_support`); bad lines are skipped into the summary.
pub fn read_labelled(reader: impl BufRead) -> (Vec<LabelledExample>, SkipSummary) {
    let mut summary = SkipSummary::default();
    let mut out = Vec::new();
    for (i, line) in reader.split(b'\n').enumerate() {
        let line_no = i as u64 + 1;
        let skip = |reason| Skipped { line: line_no, reason };
        let bytes = match line {
            Ok(b) => b,
            Err(e) => {
                summary.record(skip(SkipReason::Io(e.to_string())));
                break;
            }
        };
        let Ok(text) = std::str::from_utf8(&bytes) else {
            summary.record(skip(SkipReason::InvalidUtf8));
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<LabelledExample>(text) {
            Err(e) => summary.record(skip(SkipReason::InvalidJson(e.to_string()))),
            Ok(ex) if ex.text.trim().is_empty() => summary.record(skip(SkipReason::EmptyText)),
            Ok(ex) if ex.label != "support" && ex.label != "not_support" => {
                summary.record(skip(SkipReason::MissingField("label (support or not_support)")))
            }
            Ok(ex) => out.push(ex),
        }
    }
    (out, summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus() -> Vec<Example> {
        let pos = [
            "Ayo coblos paslon 2, pasti menang satu putaran!",
            "Dukung terus Pak Andi, pemimpin kita #AndiMenang",
            "Jangan lupa pilih nomor urut 2 ya warga",
            "Menangkan paslon 02, salam dua jari",
        ];
        let neg = [
            "Rapat koordinasi pelayanan publik di kantor kecamatan",
            "ASN wajib netral, jangan ikut kampanye",
            "Jangan lupa datang ke TPS, gunakan hak pilih",
            "Selamat hari raya, mohon maaf lahir dan batin",
        ];
        pos.iter()
            .map(|t| Example { text: (*t).into(), label: true })
            .chain(neg.iter().map(|t| Example { text: (*t).into(), label: false }))
            .collect()
    }

    #[test]
    fn training_is_byte_identical_twice() {
        let params = TrainParams {
            features: FeatureParams { buckets_log2: 12, ..FeatureParams::default() },
            ..TrainParams::default()
        };
        let a = train(&corpus(), &params).to_json();
        let b = train(&corpus(), &params).to_json();
        assert_eq!(a, b);
        assert!(a.starts_with("{\"format\":\"netra-screen-model\",\"version\":1,"));
    }

    #[test]
    fn trained_model_separates_its_corpus_and_round_trips() {
        let model = train(&corpus(), &TrainParams::default());
        for e in corpus() {
            let p = model.score(&e.text);
            assert_eq!(p > 0.5, e.label, "{} → {p}", e.text);
        }
        let again = Model::from_json(&model.to_json()).expect("loads");
        assert_eq!(again, model);
        assert_eq!(again.score("Ayo coblos 02"), model.score("Ayo coblos 02"));
    }

    #[test]
    fn bad_model_files_are_rejected() {
        assert!(matches!(Model::from_json("{\"format\":\"x\",\"version\":1}"), Err(ScreenError::Format { .. })));
        let model = train(
            &corpus(),
            &TrainParams {
                features: FeatureParams { buckets_log2: 10, ..FeatureParams::default() },
                ..TrainParams::default()
            },
        );
        let json = model.to_json().replace("\"buckets_log2\":10", "\"buckets_log2\":8");
        assert!(matches!(Model::from_json(&json), Err(ScreenError::Invalid { .. })));
    }

    #[test]
    fn char_ngrams_are_padded_word_pieces() {
        let p = FeatureParams { word_ngrams: [0, 0], ..FeatureParams::default() };
        let mut f = Features::default();
        f.extract(&p, "ab cde", Normalizer::builtin());
        assert!(f.words.is_empty());
        let grams: Vec<String> = f
            .chars
            .iter()
            .map(|h| (h ^ SEED_CHAR).to_le_bytes().iter().take_while(|b| **b != 0).map(|b| *b as char).collect())
            .collect();
        // " ab " has " ab", " ab ", "ab "; " cde " has " cd", " cde", " cde ", "cde", "cde ", "de ".
        assert_eq!(grams, [" ab", " ab ", "ab ", " cd", " cde", " cde ", "cde", "cde ", "de "]);
        let p = FeatureParams { char_ngrams: [0, 0], ..FeatureParams::default() };
        f.extract(&p, "a b @c d", Normalizer::builtin());
        // "a", "b", "a b", then the mention breaks the chain: "d".
        assert_eq!(f.words.len(), 4);
    }

    /// Scoring from the compact non-zero weights gives bit-for-bit the probability of the plain
    /// dense loop (the definition: feature k added to accumulator k % 4 in order).
    #[test]
    fn compact_scoring_matches_dense_weights() {
        let m = Model::builtin();
        let norm = Normalizer::builtin();
        let mut f = Features::default();
        let mut nt = NormText::default();
        let mut texts: Vec<String> = corpus().into_iter().map(|e| e.text).collect();
        let words = ["coblos", "ayo", "paslon", "02", "rapat", "desa", "menang", "🔥", "#hera", "netral", "x"];
        let mut rng = SplitMix64::new(3);
        for _ in 0..500 {
            let n = 1 + rng.below(40);
            texts.push((0..n).map(|_| words[rng.below(words.len())]).collect::<Vec<_>>().join(" "));
        }
        texts.push(String::new());
        for t in &texts {
            norm.normalize_into(t, &mut nt);
            f.extract(&m.features, nt.as_str(), norm);
            let dense = |hashes: &[u64]| -> f32 {
                if hashes.is_empty() {
                    return 0.0;
                }
                let mut acc = [0f32; 4];
                for (k, &h) in hashes.iter().enumerate() {
                    let (i, s) = slot(h, m.features.buckets_log2);
                    acc[k & 3] += signed(m.weights[i], s);
                }
                (acc[0] + acc[1] + acc[2] + acc[3]) / (hashes.len() as f32).sqrt()
            };
            let want = sigmoid(m.bias + dense(&f.words) + dense(&f.chars));
            assert_eq!(m.score_normalized(nt.as_str(), norm).to_bits(), want.to_bits(), "{t}");
        }
    }

    #[test]
    fn labelled_reader_skips_bad_lines() {
        let input = "{\"text\":\"a\",\"label\":\"support\",\"target\":\"X\"}\nnot json\n{\"text\":\"b\",\"label\":\"maybe\"}\n{\"text\":\"c\",\"label\":\"not_support\",\"title\":\"T\"}\n";
        let (ex, summary) = read_labelled(input.as_bytes());
        assert_eq!(ex.len(), 2);
        assert_eq!(ex[1].full_text(), "T\n\nc");
        assert_eq!(summary.total, 2);
    }
}
