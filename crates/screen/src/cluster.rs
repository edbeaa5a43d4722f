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

use crate::hash::{FastMap, FastSet, SplitMix64, fmix64, fnv1a, wide_hash};

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
    /// The first post's signature and band keys (`first_keys_mask`: which keys this cluster inserted).
    first: Sig,
    first_keys: [u32; BANDS],
    first_keys_mask: u32,
    /// Later exemplars and the band keys they inserted (empty for most clusters: no allocation).
    more: Vec<Sig>,
    more_keys: Vec<u32>,
    size: u64,
    accounts: Vec<Box<str>>,
    first_account: u64,
    /// Hashes of distinct accounts, once there is more than one.
    seen: FastSet<u64>,
    distinct: u64,
}

/// The incremental clusterer.
#[derive(Debug)]
pub struct Clusterer {
    params: ClusterParams,
    xor: [u16; K],
    mul: [u16; K],
    next_id: u64,
    slots: VecDeque<Slot>,
    /// Band key → low 32 bits of a cluster id.
    bands: FastMap<u32, u32>,
    sig: Sig,
    keys: [u32; BANDS],
}

impl Default for Clusterer {
    fn default() -> Self {
        Self::new(ClusterParams::default())
    }
}

impl Clusterer {
    pub fn new(params: ClusterParams) -> Self {
        let mut rng = SplitMix64::new(0x0063_6c75_7374_6572);
        let mut xor = [0u16; K];
        let mut mul = [0u16; K];
        for i in 0..K {
            xor[i] = rng.next_u64() as u16;
            mul[i] = (rng.next_u64() as u16) | 1;
        }
        Self {
            params,
            xor,
            mul,
            next_id: 0,
            slots: VecDeque::new(),
            bands: FastMap::default(),
            sig: [0; K],
            keys: [0; BANDS],
        }
    }

    /// Assign a post (its normalised text, see [`crate::Normalizer`]) by `account` to a cluster.
    pub fn assign(&mut self, normalized: &str, account: &str) -> Assignment {
        self.signature(normalized);
        let sig = self.sig;
        for b in 0..BANDS {
            let v = u64::from(sig[b * ROWS]) << 16 | u64::from(sig[b * ROWS + 1]) | (b as u64) << 32;
            self.keys[b] = fmix64(v) as u32;
        }
        let front = self.slots.front().map_or(self.next_id, |s| s.id);
        // (slot index, equal positions with its closest exemplar)
        let mut best: Option<(usize, usize)> = None;
        for key in &self.keys {
            let Some(&low) = self.bands.get(key) else { continue };
            let idx = low.wrapping_sub(front as u32) as usize;
            let Some(slot) = self.slots.get(idx).filter(|s| s.id as u32 == low) else { continue };
            if best.is_some_and(|(i, _)| i == idx) {
                continue;
            }
            let same = slot.more.iter().fold(agreement(&slot.first, &sig), |m, e| m.max(agreement(e, &sig)));
            if best.is_none_or(|(i, s)| same > s || (same == s && idx < i)) {
                best = Some((idx, same));
            }
        }
        let min_same = (self.params.threshold * K as f32).ceil() as usize;
        if let Some((idx, same)) = best
            && same >= min_same
        {
            let max_accounts = self.params.max_accounts;
            let slot = &mut self.slots[idx];
            slot.size += 1;
            add_account(slot, account, max_accounts);
            if 1 + slot.more.len() < EXEMPLARS && (same as f32) < NEW_EXEMPLAR_BELOW * K as f32 {
                slot.more.push(sig);
                for key in &self.keys {
                    if let std::collections::hash_map::Entry::Vacant(v) = self.bands.entry(*key) {
                        v.insert(slot.id as u32);
                        slot.more_keys.push(*key);
                    }
                }
            }
            return Assignment { cluster_id: slot.id, size: slot.size, accounts: slot.distinct, new_cluster: false };
        }
        let id = self.next_id;
        self.next_id += 1;
        let mut mask = 0u32;
        for (b, key) in self.keys.iter().enumerate() {
            if let std::collections::hash_map::Entry::Vacant(v) = self.bands.entry(*key) {
                v.insert(id as u32);
                mask |= 1 << b;
            }
        }
        let first_account = fnv1a(0, account.as_bytes());
        let slot = Slot {
            id,
            first: sig,
            first_keys: self.keys,
            first_keys_mask: mask,
            more: Vec::new(),
            more_keys: Vec::new(),
            size: 1,
            accounts: if self.params.max_accounts > 0 { vec![account.into()] } else { Vec::new() },
            first_account,
            seen: FastSet::default(),
            distinct: 1,
        };
        self.slots.push_back(slot);
        while self.slots.len() > self.params.max_clusters.max(1) {
            if let Some(old) = self.slots.pop_front() {
                let firsts = old.first_keys.iter().enumerate().filter(|(b, _)| old.first_keys_mask >> b & 1 == 1);
                for key in firsts.map(|(_, k)| k).chain(&old.more_keys) {
                    if self.bands.get(key) == Some(&(old.id as u32)) {
                        self.bands.remove(key);
                    }
                }
            }
        }
        Assignment { cluster_id: id, size: 1, accounts: 1, new_cluster: true }
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

    fn signature(&mut self, text: &str) {
        let mut mins = [u16::MAX; K];
        let w = self.params.shingle_words.clamp(1, 8);
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
        self.sig = mins;
    }
}

fn agreement(a: &Sig, b: &Sig) -> usize {
    a.iter().zip(b).filter(|(x, y)| x == y).count()
}

fn add_account(slot: &mut Slot, account: &str, max_accounts: usize) {
    let h = fnv1a(0, account.as_bytes());
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
        let mut c = Clusterer::new(ClusterParams { shingle_words: 1, ..ClusterParams::default() });
        let (mut sum, mut sq) = (0.0f64, 0.0f64);
        let trials = 300;
        for t in 0..trials {
            let shared: Vec<String> = (0..100).map(|i| format!("s{t}x{i}")).collect();
            let a: Vec<String> = shared.iter().cloned().chain((0..50).map(|i| format!("a{t}x{i}"))).collect();
            let b: Vec<String> = shared.iter().cloned().chain((0..50).map(|i| format!("b{t}x{i}"))).collect();
            c.signature(&a.join(" "));
            let sa = c.sig;
            c.signature(&b.join(" "));
            let est = agreement(&sa, &c.sig) as f64 / K as f64;
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
        assert!(c.bands.len() <= 3 * BANDS * EXEMPLARS);
        assert!(c.slots.iter().all(|s| s.more.is_empty()));
        assert!(c.cluster(0).is_none());
        let again = c.assign(t.as_str(), "ani");
        assert!(again.new_cluster, "forgotten clusters start over with a new id");
        assert_eq!(again.cluster_id, 11);
    }
}
