//! Near-duplicate clustering of posts (coordinated posting): MinHash over word shingles with LSH
//! banding, assigned incrementally as posts stream in.
//!
//! Each post's normalised text becomes a set of word 2-shingles; a 64-value MinHash signature
//! estimates Jaccard similarity; 32 bands of 2 rows find candidate clusters, and a post joins the
//! candidate with the most similar exemplar if the estimated similarity is at least
//! [`ClusterParams::threshold`]; otherwise it starts a new cluster. A cluster's exemplars are its
//! first post and up to three later members that differ noticeably from the others, so a text that
//! drifts through edits stays in one cluster.
//!
//! Invariants: cluster ids are assigned in arrival order and never reused; memory is bounded by
//! [`ClusterParams::max_clusters`] (the oldest cluster is forgotten first, so a much later copy of
//! an old text starts a new cluster; about 1 KB per cluster) and [`ClusterParams::max_accounts`]
//! names per cluster. Results depend only on the input order, not on timing or the machine.

use std::collections::VecDeque;

use crate::hash::{FastSet, SplitMix64, fmix64, fnv1a, wide_hash};

const K: usize = 64;
const ROWS: usize = 2;
const BANDS: usize = K / ROWS;
const EXEMPLARS: usize = 4;
/// A member at most this similar to every exemplar becomes an exemplar itself.
const NEW_EXEMPLAR_BELOW: f32 = 0.75;

type Sig = [u16; K];

/// Clustering settings.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterParams {
    /// Words per shingle (1–8).
    pub shingle_words: usize,
    /// Minimum estimated Jaccard similarity with an exemplar of a cluster to join it.
    pub threshold: f32,
    /// Clusters kept in memory (oldest forgotten first).
    pub max_clusters: usize,
    /// Account names kept per cluster (distinct accounts are still counted beyond it, up to 100×).
    pub max_accounts: usize,
}

impl Default for ClusterParams {
    fn default() -> Self {
        Self { shingle_words: 2, threshold: 0.4, max_clusters: 100_000, max_accounts: 10_000 }
    }
}

/// Where a post went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assignment {
    pub cluster_id: u64,
    /// Posts in the cluster so far, this one included.
    pub size: u64,
    /// Distinct accounts in the cluster so far.
    pub accounts: u64,
    /// This post started the cluster.
    pub new_cluster: bool,
}

/// A cluster as seen so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClusterView<'a> {
    pub id: u64,
    pub size: u64,
    pub distinct_accounts: u64,
    /// Up to [`ClusterParams::max_accounts`] account names, in arrival order.
    pub accounts: &'a [Box<str>],
}

#[derive(Debug)]
struct Slot {
    id: u64,
    /// The first post's signature.
    first: Sig,
    /// Later exemplars (empty for most clusters: no allocation).
    more: Vec<Sig>,
    size: u64,
    accounts: Vec<Box<str>>,
    first_account: u64,
    /// Hashes of distinct accounts, once there is more than one.
    seen: FastSet<u64>,
    distinct: u64,
}

/// The MinHash/LSH parameters of a [`Clusterer`]: computes a post's [`Sketch`] without touching the
/// clusters, so sketches can be computed on any thread (cheap to clone, no shared state).
#[derive(Debug, Clone)]
pub struct Sketcher {
    shingle_words: usize,
    xor: [u16; K],
    mul: [u16; K],
}

/// What clustering needs of one post: its MinHash signature, LSH band keys and account hash.
/// Depends only on the post's normalised text and account (see [`Sketcher::sketch`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sketch {
    sig: Sig,
    keys: [u32; BANDS],
    account: u64,
}

impl Default for Sketch {
    fn default() -> Self {
        Self { sig: [0; K], keys: [0; BANDS], account: 0 }
    }
}

impl Sketcher {
    fn new(shingle_words: usize) -> Self {
        let mut rng = SplitMix64::new(0x0063_6c75_7374_6572);
        let mut xor = [0u16; K];
        let mut mul = [0u16; K];
        for i in 0..K {
            xor[i] = rng.next_u64() as u16;
            mul[i] = (rng.next_u64() as u16) | 1;
        }
        Self { shingle_words: shingle_words.clamp(1, 8), xor, mul }
    }

    /// The sketch of a post (its normalised text, see [`crate::Normalizer`]) by `account`.
    pub fn sketch(&self, normalized: &str, account: &str) -> Sketch {
        let mut s = Sketch::default();
        self.sketch_into(normalized, account, &mut s);
        s
    }

    /// Like [`Self::sketch`], into an existing value.
    pub fn sketch_into(&self, normalized: &str, account: &str, out: &mut Sketch) {
        out.sig = self.signature(normalized);
        out.keys = band_keys(&out.sig);
        out.account = fnv1a(0, account.as_bytes());
    }

    fn signature(&self, text: &str) -> Sig {
        let mut mins = [u16::MAX; K];
        let w = self.shingle_words;
        let (xor, mul) = (&self.xor, &self.mul);
        // 64 MinHash lanes in 16 bits: lane i permutes the 16-bit slice i % 4 of the shingle's hash
        // with its own xor-multiply-xorshift bijection (plain 16-bit lane arithmetic vectorises on
        // any x86-64).
        let mut add = |x: u64| {
            for i in 0..K {
                let xi = (x >> (16 * (i & 3))) as u16;
                let mut v = (xi ^ xor[i]).wrapping_mul(mul[i]);
                v ^= v >> 7;
                mins[i] = mins[i].min(v);
            }
        };
        // Hashes of the last `w` tokens, as a small ring.
        let mut ring = [0u64; 8];
        let mut tokens = 0usize;
        for tok in text.split(' ').filter(|t| !t.is_empty()) {
            ring[tokens & 7] = wide_hash(tok.as_bytes());
            tokens += 1;
            if tokens >= w {
                let mut h = w as u64;
                for k in tokens - w..tokens {
                    h = (h.rotate_left(23) ^ ring[k & 7]).wrapping_mul(0xff51_afd7_ed55_8ccd);
                }
                add(fmix64(h));
            }
        }
        if tokens < w {
            add(fmix64(wide_hash(text.as_bytes())));
        }
        mins
    }
}

/// Band key → low 32 bits of a cluster id: open addressing with linear probing over one flat array
/// of `key << 32 | value` words, so a lookup is one memory access in the common case, and the 32
/// lookups of a post are issued together (independent loads the CPU overlaps) before any of them is
/// examined.
///
/// A forgotten cluster's keys are removed (recomputed from its exemplars' signatures; removal shifts
/// the following entries back, no tombstones), so the table holds live entries only, at a load of at
/// most 0.7 (~11–23 bytes per key). Lookups also check that the value is the low bits of a cluster
/// still in memory ([`Live`]): a dead entry would read as absent and be overwritten by an insert.
#[derive(Debug)]
struct BandIndex {
    slots: Vec<u64>,
    bits: u32,
    /// Occupied slots (live or dead).
    len: usize,
}

const EMPTY: u64 = u64::MAX;

/// Which values (low 32 bits of cluster ids) belong to clusters in memory: ids `front..front + n`.
#[derive(Debug, Clone, Copy)]
struct Live {
    front: u32,
    n: usize,
}

impl Live {
    #[inline]
    fn has(self, value: u32) -> bool {
        (value.wrapping_sub(self.front) as usize) < self.n
    }
}

impl BandIndex {
    fn new() -> Self {
        Self { slots: vec![EMPTY; 1 << 10], bits: 10, len: 0 }
    }

    #[cfg(test)]
    fn live_len(&self, live: Live) -> usize {
        self.slots.iter().filter(|&&e| e != EMPTY && live.has(e as u32)).count()
    }

    #[inline]
    fn home(&self, key: u32) -> usize {
        (u64::from(key).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - self.bits)) as usize
    }

    #[inline]
    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// The live values of all `keys` (`None` when absent or dead).
    #[inline]
    fn get_all(&self, keys: &[u32; BANDS], live: Live) -> [Option<u32>; BANDS] {
        // First the home slot of every key: 32 independent loads, no branches in between.
        let mut first = [EMPTY; BANDS];
        for (f, &k) in first.iter_mut().zip(keys) {
            *f = self.slots[self.home(k)];
        }
        let mut out = [None; BANDS];
        for (b, &k) in keys.iter().enumerate() {
            let found = if first[b] == EMPTY {
                None
            } else if (first[b] >> 32) as u32 == k {
                Some(first[b] as u32)
            } else {
                self.get_from(k, (self.home(k) + 1) & self.mask())
            };
            out[b] = found.filter(|&v| live.has(v));
        }
        out
    }

    fn get_from(&self, key: u32, mut i: usize) -> Option<u32> {
        loop {
            let e = self.slots[i];
            if e == EMPTY {
                return None;
            }
            if (e >> 32) as u32 == key {
                return Some(e as u32);
            }
            i = (i + 1) & self.mask();
        }
    }

    #[cfg(test)]
    fn get(&self, key: u32, live: Live) -> Option<u32> {
        self.get_from(key, self.home(key)).filter(|&v| live.has(v))
    }

    /// Inserts `key → value` unless the key maps to a live value; returns whether it was inserted.
    fn insert_new(&mut self, key: u32, value: u32, live: Live) -> bool {
        let entry = u64::from(key) << 32 | u64::from(value);
        if entry == EMPTY {
            // The one pair that would read as an empty slot (key and the id's low bits all ones): not
            // indexed, so that cluster has one band key fewer.
            return false;
        }
        if (self.len + 1) * 10 > self.slots.len() * 7 {
            self.rebuild(live);
        }
        let mut i = self.home(key);
        loop {
            let e = self.slots[i];
            if e == EMPTY {
                self.slots[i] = entry;
                self.len += 1;
                return true;
            }
            if (e >> 32) as u32 == key {
                if live.has(e as u32) {
                    return false;
                }
                self.slots[i] = entry;
                return true;
            }
            i = (i + 1) & self.mask();
        }
    }

    /// Removes `key` if it maps to `value`.
    fn remove_if(&mut self, key: u32, value: u32) {
        let mask = self.mask();
        let mut i = self.home(key);
        loop {
            let e = self.slots[i];
            if e == EMPTY {
                return;
            }
            if (e >> 32) as u32 == key {
                if e as u32 != value {
                    return;
                }
                break;
            }
            i = (i + 1) & mask;
        }
        // Backward-shift deletion: move later entries of the run into the hole unless their home
        // slot lies (cyclically) after the hole.
        let mut hole = i;
        let mut j = (i + 1) & mask;
        loop {
            let e = self.slots[j];
            if e == EMPTY {
                break;
            }
            let home = self.home((e >> 32) as u32);
            let stays = if hole <= j { hole < home && home <= j } else { hole < home || home <= j };
            if !stays {
                self.slots[hole] = e;
                hole = j;
            }
            j = (j + 1) & mask;
        }
        self.slots[hole] = EMPTY;
        self.len -= 1;
    }

    /// Drops dead entries; doubles the table when the live ones fill more than 35 % of it.
    fn rebuild(&mut self, live: Live) {
        let kept = self.slots.iter().filter(|&&e| e != EMPTY && live.has(e as u32)).count();
        let mut size = self.slots.len();
        if (kept + 1) * 20 > size * 7 {
            size *= 2;
            self.bits += 1;
        }
        let old = std::mem::replace(&mut self.slots, vec![EMPTY; size]);
        self.len = 0;
        for e in old.into_iter().filter(|&e| e != EMPTY && live.has(e as u32)) {
            let mut i = self.home((e >> 32) as u32);
            while self.slots[i] != EMPTY {
                i = (i + 1) & self.mask();
            }
            self.slots[i] = e;
            self.len += 1;
        }
    }
}

/// The incremental clusterer.
#[derive(Debug)]
pub struct Clusterer {
    params: ClusterParams,
    sketcher: Sketcher,
    next_id: u64,
    slots: VecDeque<Slot>,
    /// Band key → low 32 bits of a cluster id.
    bands: BandIndex,
    /// Per cluster (same order as `slots`): the fingerprints of its exemplars (unused places repeat
    /// the first), kept apart from the slots so that they stay dense and cached.
    prints: VecDeque<[Print; EXEMPLARS]>,
    sketch: Sketch,
}

impl Default for Clusterer {
    fn default() -> Self {
        Self::new(ClusterParams::default())
    }
}

impl Clusterer {
    pub fn new(params: ClusterParams) -> Self {
        Self {
            sketcher: Sketcher::new(params.shingle_words),
            params,
            next_id: 0,
            slots: VecDeque::new(),
            bands: BandIndex::new(),
            prints: VecDeque::new(),
            sketch: Sketch::default(),
        }
    }

    /// The sketch function of this clusterer, for computing [`Sketch`]es on other threads.
    pub fn sketcher(&self) -> &Sketcher {
        &self.sketcher
    }

    /// Assign a post (its normalised text, see [`crate::Normalizer`]) by `account` to a cluster.
    pub fn assign(&mut self, normalized: &str, account: &str) -> Assignment {
        let mut sketch = std::mem::take(&mut self.sketch);
        self.sketcher.sketch_into(normalized, account, &mut sketch);
        let a = self.assign_sketch(&sketch, account);
        self.sketch = sketch;
        a
    }

    /// Assign a post by its sketch (from [`Self::sketcher`] on the post's normalised text and
    /// `account`): the same result as [`Self::assign`]. Posts must arrive in input order.
    pub fn assign_sketch(&mut self, sketch: &Sketch, account: &str) -> Assignment {
        let sig = &sketch.sig;
        let keys = &sketch.keys;
        let front = self.slots.front().map_or(self.next_id, |s| s.id);
        let live = Live { front: front as u32, n: self.slots.len() };
        // Candidate clusters, each once (many bands usually point to the same cluster), in order of
        // first appearance; the slot is found from the id's low bits without reading it.
        let mut cands = [0usize; BANDS];
        let mut lows = [0u32; BANDS];
        let mut n = 0;
        for low in self.bands.get_all(keys, live).into_iter().flatten() {
            let idx = low.wrapping_sub(front as u32) as usize;
            if lows[..n].contains(&low) {
                continue;
            }
            lows[n] = low;
            cands[n] = idx;
            n += 1;
        }
        // Touch every candidate's fingerprints before comparing any: independent loads that the CPU
        // overlaps, instead of one cache miss after another.
        let mut touch = 0u64;
        for &idx in &cands[..n] {
            touch ^= self.prints[idx][0][0];
        }
        std::hint::black_box(touch);
        // A lane that agrees agrees in its fingerprint too, so fingerprint agreement bounds the true
        // agreement from above: a candidate whose bound is under the threshold can neither join nor
        // beat one that does, and its signatures are not read (the result is exactly the same).
        let min_same = (self.params.threshold * K as f32).ceil() as usize;
        let print = fingerprint(sig);
        // (slot index, equal positions with its closest exemplar): the most similar, the oldest on ties.
        let mut best: Option<(usize, usize)> = None;
        for &idx in &cands[..n] {
            let bound = self.prints[idx].iter().map(|p| print_agreement(p, &print)).max().unwrap_or(0);
            if bound < min_same {
                continue;
            }
            let slot = &self.slots[idx];
            debug_assert!(lows[..n].contains(&(slot.id as u32)));
            let same = slot.more.iter().fold(agreement(&slot.first, sig), |m, e| m.max(agreement(e, sig)));
            if best.is_none_or(|(i, s)| same > s || (same == s && idx < i)) {
                best = Some((idx, same));
            }
        }
        if let Some((idx, same)) = best
            && same >= min_same
        {
            let max_accounts = self.params.max_accounts;
            let slot = &mut self.slots[idx];
            slot.size += 1;
            add_account(slot, sketch.account, account, max_accounts);
            if 1 + slot.more.len() < EXEMPLARS && (same as f32) < NEW_EXEMPLAR_BELOW * K as f32 {
                slot.more.push(*sig);
                self.prints[idx][slot.more.len()] = print;
                for key in keys {
                    self.bands.insert_new(*key, slot.id as u32, live);
                }
            }
            return Assignment { cluster_id: slot.id, size: slot.size, accounts: slot.distinct, new_cluster: false };
        }
        let id = self.next_id;
        self.next_id += 1;
        // The new cluster is live, and so far the oldest one still is (it is forgotten below, its keys
        // then read as dead).
        let live = Live { front: front as u32, n: self.slots.len() + 1 };
        for key in keys {
            self.bands.insert_new(*key, id as u32, live);
        }
        let slot = Slot {
            id,
            first: *sig,
            more: Vec::new(),
            size: 1,
            accounts: if self.params.max_accounts > 0 { vec![account.into()] } else { Vec::new() },
            first_account: sketch.account,
            seen: FastSet::default(),
            distinct: 1,
        };
        self.slots.push_back(slot);
        self.prints.push_back([print; EXEMPLARS]);
        while self.slots.len() > self.params.max_clusters.max(1) {
            self.prints.pop_front();
            if let Some(old) = self.slots.pop_front() {
                // The keys this cluster holds are among its exemplars' band keys; keys held by
                // another cluster keep their value.
                for sig in std::iter::once(&old.first).chain(&old.more) {
                    for key in band_keys(sig) {
                        self.bands.remove_if(key, old.id as u32);
                    }
                }
            }
        }
        Assignment { cluster_id: id, size: 1, accounts: 1, new_cluster: true }
    }

    /// Clusters in memory and band index slots (both bounded: see [`ClusterParams::max_clusters`]).
    pub fn in_memory(&self) -> (usize, usize) {
        (self.slots.len(), self.bands.slots.len())
    }

    /// A cluster still in memory.
    pub fn cluster(&self, id: u64) -> Option<ClusterView<'_>> {
        let front = self.slots.front()?.id;
        let slot = self.slots.get(usize::try_from(id.checked_sub(front)?).ok()?)?;
        Some(view(slot))
    }

    /// Clusters in memory with at least `min_accounts` distinct accounts, oldest first.
    pub fn clusters(&self, min_accounts: u64) -> impl Iterator<Item = ClusterView<'_>> {
        self.slots.iter().filter(move |s| s.distinct >= min_accounts).map(view)
    }
}

/// The low 4 bits of every lane of a signature, 16 lanes to a word.
type Print = [u64; K / 16];

fn fingerprint(sig: &Sig) -> Print {
    std::array::from_fn(|q| (0..16).fold(0u64, |acc, k| acc | u64::from(sig[q * 16 + k] & 0xf) << (4 * k)))
}

/// Lanes whose fingerprints agree (at least the lanes whose values agree).
fn print_agreement(a: &Print, b: &Print) -> usize {
    const LOW: u64 = 0x1111_1111_1111_1111;
    a.iter()
        .zip(b)
        .map(|(x, y)| {
            let d = x ^ y;
            16 - ((d | d >> 1 | d >> 2 | d >> 3) & LOW).count_ones() as usize
        })
        .sum()
}

/// The LSH band keys of a signature: band b's two lanes and b, mixed.
fn band_keys(sig: &Sig) -> [u32; BANDS] {
    std::array::from_fn(|b| {
        let v = u64::from(sig[b * ROWS]) << 16 | u64::from(sig[b * ROWS + 1]) | (b as u64) << 32;
        fmix64(v) as u32
    })
}

fn agreement(a: &Sig, b: &Sig) -> usize {
    a.iter().zip(b).filter(|(x, y)| x == y).count()
}

fn add_account(slot: &mut Slot, h: u64, account: &str, max_accounts: usize) {
    if slot.seen.is_empty() {
        if h == slot.first_account {
            return;
        }
        slot.seen.insert(slot.first_account);
    }
    if slot.seen.len() >= max_accounts.saturating_mul(100).max(1) && !slot.seen.contains(&h) {
        // Past the counting cap: count as new without remembering.
        slot.distinct += 1;
        return;
    }
    if slot.seen.insert(h) {
        slot.distinct += 1;
        if slot.accounts.len() < max_accounts {
            slot.accounts.push(account.into());
        }
    }
}

fn view(s: &Slot) -> ClusterView<'_> {
    ClusterView { id: s.id, size: s.size, distinct_accounts: s.distinct, accounts: &s.accounts }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Normalizer;

    const BASE: &str = "Bapak ibu sekalian, mari kita dukung bersama pasangan nomor urut dua agar pembangunan desa \
                        terus berlanjut, jalan mulus, sekolah gratis dan pelayanan kesehatan semakin dekat dengan warga. \
                        Jangan sampai salah pilih pada hari pencoblosan nanti!";

    fn lightly_edited(i: usize) -> String {
        let mut rng = SplitMix64::new(i as u64);
        let mut words: Vec<String> = BASE.split(' ').map(str::to_owned).collect();
        let swaps = ["mantap", "warga", "🔥", "semua", "sekali"];
        for _ in 0..2 {
            match rng.below(4) {
                0 => {
                    let at = rng.below(words.len());
                    words[at] = swaps[rng.below(swaps.len())].to_owned();
                }
                1 => words.push(swaps[rng.below(swaps.len())].to_owned()),
                2 => {
                    let at = rng.below(words.len());
                    words[at] = words[at].to_uppercase();
                }
                _ => {
                    let at = rng.below(words.len());
                    words.remove(at);
                }
            }
        }
        words.join(" ")
    }

    #[test]
    fn fifty_edited_copies_by_fifty_accounts_form_one_cluster() {
        let n = Normalizer::builtin();
        let mut c = Clusterer::default();
        let mut ids = FastSet::default();
        for i in 0..50 {
            let a = c.assign(n.normalize(&lightly_edited(i)).as_str(), &format!("asn_{i}"));
            ids.insert(a.cluster_id);
        }
        assert_eq!(ids.len(), 1, "one cluster expected");
        let view = c.clusters(2).next().expect("a coordinated cluster");
        assert_eq!((view.size, view.distinct_accounts, view.accounts.len()), (50, 50, 50));
        assert_eq!(&*view.accounts[0], "asn_0");
    }

    #[test]
    fn unrelated_texts_get_different_clusters() {
        let n = Normalizer::builtin();
        let texts = [
            "Rapat koordinasi pelayanan publik di kantor kecamatan hari ini berjalan lancar",
            "Ayo coblos paslon dua, menang satu putaran!",
            "Jangan lupa datang ke TPS tanggal 14 Februari dan gunakan hak pilih anda",
            "Selamat hari raya Idul Fitri, mohon maaf lahir dan batin",
            "Jadwal posyandu bulan ini dipindah ke balai desa",
            "Mari pilih pasangan nomor urut satu demi perubahan",
        ];
        let mut c = Clusterer::default();
        let ids: Vec<u64> = texts.iter().map(|t| c.assign(n.normalize(t).as_str(), "a").cluster_id).collect();
        assert_eq!(ids, vec![0, 1, 2, 3, 4, 5]);
        assert_eq!(c.clusters(2).count(), 0);
    }

    /// The 16-bit lanes estimate Jaccard similarity without bias and with binomial spread.
    #[test]
    fn signature_estimates_jaccard() {
        let c = Clusterer::new(ClusterParams { shingle_words: 1, ..ClusterParams::default() });
        let (mut sum, mut sq) = (0.0f64, 0.0f64);
        let trials = 300;
        for t in 0..trials {
            let shared: Vec<String> = (0..100).map(|i| format!("s{t}x{i}")).collect();
            let a: Vec<String> = shared.iter().cloned().chain((0..50).map(|i| format!("a{t}x{i}"))).collect();
            let b: Vec<String> = shared.iter().cloned().chain((0..50).map(|i| format!("b{t}x{i}"))).collect();
            let sa = c.sketcher.signature(&a.join(" "));
            let sb = c.sketcher.signature(&b.join(" "));
            let est = agreement(&sa, &sb) as f64 / K as f64;
            sum += est;
            sq += est * est;
        }
        let mean = sum / trials as f64;
        let sd = (sq / trials as f64 - mean * mean).sqrt();
        // True J = 100 / 200 = 0.5; binomial sd = sqrt(0.25 / 64) = 0.0625.
        assert!((mean - 0.5).abs() < 0.02, "mean {mean}");
        assert!((0.045..0.085).contains(&sd), "sd {sd}");
    }

    #[test]
    fn fingerprint_agreement_bounds_agreement() {
        let mut rng = SplitMix64::new(9);
        for _ in 0..10_000 {
            let a: Sig = std::array::from_fn(|_| rng.next_u64() as u16);
            // b agrees with a on a random subset of lanes, and sometimes only in the low bits.
            let b: Sig = std::array::from_fn(|i| match rng.below(4) {
                0 => a[i],
                1 => a[i] ^ 0x10,
                _ => rng.next_u64() as u16,
            });
            assert!(print_agreement(&fingerprint(&a), &fingerprint(&b)) >= agreement(&a, &b));
            assert_eq!(print_agreement(&fingerprint(&a), &fingerprint(&a)), K);
        }
    }

    /// The band index behaves like a map whose entries die with their cluster, across growth,
    /// rebuilds and wrap-around (checked against `HashMap` on a small, crowded key space).
    #[test]
    fn band_index_matches_a_hash_map() {
        let mut idx = BandIndex::new();
        let mut reference: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();
        let mut rng = SplitMix64::new(5);
        // Live cluster ids are front..next; starting near the top of u32 exercises wrapping.
        let (mut front, mut next) = (u32::MAX - 5_000, u32::MAX - 5_000);
        for step in 0..60_000u32 {
            let key = ((rng.next_u64() % 3_000) as u32).wrapping_mul(0x0101_0101);
            match rng.below(4) {
                0 | 1 => {
                    // A new cluster claims the key if no live cluster has it.
                    let live = Live { front, n: next.wrapping_sub(front) as usize + 1 };
                    let had = reference.get(&key).is_some_and(|&v| live.has(v));
                    let inserted = idx.insert_new(key, next, live);
                    assert_eq!(inserted, !had, "step {step}");
                    if inserted {
                        reference.insert(key, next);
                    }
                    next = next.wrapping_add(1);
                }
                2 if next.wrapping_sub(front) > 400 => front = front.wrapping_add(1 + rng.below(50) as u32),
                _ => {}
            }
            let live = Live { front, n: next.wrapping_sub(front) as usize };
            if step % 1999 == 0 {
                for k in 0..3_000u32 {
                    let key = k.wrapping_mul(0x0101_0101);
                    let want = reference.get(&key).copied().filter(|&v| live.has(v));
                    assert_eq!(idx.get(key, live), want, "step {step}");
                }
                let keys: [u32; BANDS] = std::array::from_fn(|b| (b as u32).wrapping_mul(0x0101_0101));
                let got = idx.get_all(&keys, live);
                for (b, k) in keys.iter().enumerate() {
                    assert_eq!(got[b], reference.get(k).copied().filter(|&v| live.has(v)));
                }
            }
            // Dead entries are dropped as the table fills: it stays within a small multiple of the
            // live ones.
            assert!(idx.slots.len() <= 8 * idx.live_len(live).max(128), "step {step}");
        }
        // Removal (with the wrong value: kept; with the right one: gone), leaving the others intact.
        let live = Live { front, n: next.wrapping_sub(front) as usize };
        let keys: Vec<(u32, u32)> = reference.iter().map(|(k, v)| (*k, *v)).collect();
        for (n, &(k, v)) in keys.iter().enumerate() {
            idx.remove_if(k, v.wrapping_add(1));
            assert_eq!(idx.get(k, live), Some(v).filter(|v| live.has(*v)));
            idx.remove_if(k, v);
            assert_eq!(idx.get(k, live), None);
            if n % 97 == 0 {
                for &(k2, v2) in &keys[n + 1..] {
                    assert_eq!(idx.get(k2, live), Some(v2).filter(|v| live.has(*v)));
                }
            }
        }
        assert_eq!(idx.len, 0);
    }

    #[test]
    fn repeated_accounts_counted_once_and_memory_is_bounded() {
        let n = Normalizer::builtin();
        let mut c = Clusterer::new(ClusterParams { max_clusters: 3, ..ClusterParams::default() });
        let t = n.normalize("Ayo menangkan paslon dua satu putaran");
        c.assign(t.as_str(), "budi");
        let a = c.assign(t.as_str(), "budi");
        assert_eq!((a.size, a.accounts), (2, 1));
        let words = ["apel", "jeruk", "mangga", "pisang", "salak", "durian", "rambutan", "nanas", "melon", "sirsak"];
        let places =
            ["bandung", "medan", "makassar", "ambon", "padang", "kupang", "jayapura", "palu", "manado", "jambi"];
        for i in 0..10 {
            let text = format!("harga {} naik di {}", words[i], places[i]);
            c.assign(n.normalize(&text).as_str(), "x");
        }
        assert_eq!(c.slots.len(), 3);
        let live = Live { front: c.slots[0].id as u32, n: 3 };
        assert!(c.bands.live_len(live) <= 3 * BANDS * EXEMPLARS);
        assert!(c.slots.iter().all(|s| s.more.is_empty()));
        assert!(c.cluster(0).is_none());
        let again = c.assign(t.as_str(), "ani");
        assert!(again.new_cluster, "forgotten clusters start over with a new id");
        assert_eq!(again.cluster_id, 11);
    }
}
