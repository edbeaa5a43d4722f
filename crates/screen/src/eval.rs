//! Evaluation of scores against labels: precision, recall and F1 at a threshold, ROC AUC and PR AUC
//! (average precision).
//!
//! Definitions (the same as scikit-learn's): a score at or above the threshold predicts positive;
//! precision and recall are 0 when undefined (no predicted or no actual positives); ROC AUC is the
//! Mann–Whitney statistic with tied scores counting one half (mid-ranks); average precision is
//! Σₙ (Rₙ − Rₙ₋₁)·Pₙ over the distinct score thresholds from high to low, so tied scores form one step.

use std::fmt;

use serde::Serialize;

/// Counts at one threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Confusion {
    pub true_pos: u64,
    pub false_pos: u64,
    pub true_neg: u64,
    pub false_neg: u64,
}

impl Confusion {
    /// Count predictions `score >= threshold` against labels.
    pub fn at(pairs: &[(f64, bool)], threshold: f64) -> Confusion {
        let mut c = Confusion::default();
        for &(s, y) in pairs {
            match (s >= threshold, y) {
                (true, true) => c.true_pos += 1,
                (true, false) => c.false_pos += 1,
                (false, false) => c.true_neg += 1,
                (false, true) => c.false_neg += 1,
            }
        }
        c
    }

    pub fn precision(&self) -> f64 {
        ratio(self.true_pos, self.true_pos + self.false_pos)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.true_pos, self.true_pos + self.false_neg)
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Area under the ROC curve; `None` unless both classes are present.
pub fn roc_auc(pairs: &[(f64, bool)]) -> Option<f64> {
    let pos = pairs.iter().filter(|p| p.1).count();
    let neg = pairs.len() - pos;
    if pos == 0 || neg == 0 {
        return None;
    }
    let mut sorted: Vec<(f64, bool)> = pairs.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Sum of the (mid-)ranks of the positives, ranks starting at 1.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j < sorted.len() && sorted[j].0 == sorted[i].0 {
            j += 1;
        }
        let mid = (i + 1 + j) as f64 / 2.0;
        rank_sum += mid * sorted[i..j].iter().filter(|p| p.1).count() as f64;
        i = j;
    }
    let pos_f = pos as f64;
    Some((rank_sum - pos_f * (pos_f + 1.0) / 2.0) / (pos_f * neg as f64))
}

/// Area under the precision-recall curve as average precision; `None` without positives.
pub fn pr_auc(pairs: &[(f64, bool)]) -> Option<f64> {
    let pos = pairs.iter().filter(|p| p.1).count();
    if pos == 0 {
        return None;
    }
    let mut sorted: Vec<(f64, bool)> = pairs.to_vec();
    sorted.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (mut tp, mut fp) = (0u64, 0u64);
    let mut prev_recall = 0.0;
    let mut ap = 0.0;
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j < sorted.len() && sorted[j].0 == sorted[i].0 {
            if sorted[j].1 {
                tp += 1;
            } else {
                fp += 1;
            }
            j += 1;
        }
        let recall = tp as f64 / pos as f64;
        let precision = tp as f64 / (tp + fp) as f64;
        ap += (recall - prev_recall) * precision;
        prev_recall = recall;
        i = j;
    }
    Some(ap)
}

/// All metrics at once.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    pub threshold: f64,
    pub examples: u64,
    pub positives: u64,
    pub confusion: Confusion,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub roc_auc: Option<f64>,
    pub pr_auc: Option<f64>,
}

impl Metrics {
    pub fn compute(pairs: &[(f64, bool)], threshold: f64) -> Metrics {
        let c = Confusion::at(pairs, threshold);
        Metrics {
            threshold,
            examples: pairs.len() as u64,
            positives: pairs.iter().filter(|p| p.1).count() as u64,
            confusion: c,
            precision: c.precision(),
            recall: c.recall(),
            f1: c.f1(),
            roc_auc: roc_auc(pairs),
            pr_auc: pr_auc(pairs),
        }
    }
}

/// One `name: value` line each for precision, recall, f1, roc_auc and pr_auc (`nan` when undefined).
impl fmt::Display for Metrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let opt = |v: Option<f64>| v.map_or_else(|| "nan".to_owned(), |v| format!("{v:.4}"));
        writeln!(f, "precision: {:.4}", self.precision)?;
        writeln!(f, "recall: {:.4}", self.recall)?;
        writeln!(f, "f1: {:.4}", self.f1)?;
        writeln!(f, "roc_auc: {}", opt(self.roc_auc))?;
        writeln!(f, "pr_auc: {}", opt(self.pr_auc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }

    fn pairs(s: &[f64], y: &[u8]) -> Vec<(f64, bool)> {
        s.iter().zip(y).map(|(&s, &y)| (s, y == 1)).collect()
    }

    #[test]
    fn classic_four_points() {
        // scikit-learn's documented example: roc_auc 0.75, average precision 0.8333….
        let p = pairs(&[0.1, 0.4, 0.35, 0.8], &[0, 0, 1, 1]);
        close(roc_auc(&p).expect("two classes"), 0.75);
        close(pr_auc(&p).expect("positives"), 5.0 / 6.0);
    }

    #[test]
    fn ties_count_half_and_form_one_step() {
        // Pairs (pos, neg): (0.9,0.5)=1, (0.9,0.1)=1, (0.5,0.5)=½, (0.5,0.1)=1 → 3.5 / 4.
        let p = pairs(&[0.9, 0.5, 0.5, 0.1], &[1, 1, 0, 0]);
        close(roc_auc(&p).expect("two classes"), 0.875);
        // Steps: 0.9 → R ½, P 1; 0.5 → R 1, P ⅔. AP = ½·1 + ½·⅔.
        close(pr_auc(&p).expect("positives"), 0.5 + 1.0 / 3.0);
        let all_tied = pairs(&[0.5; 4], &[1, 0, 1, 0]);
        close(roc_auc(&all_tied).expect("two classes"), 0.5);
        close(pr_auc(&all_tied).expect("positives"), 0.5);
    }

    #[test]
    fn threshold_metrics() {
        let p = pairs(&[0.9, 0.5, 0.5, 0.1], &[1, 1, 0, 0]);
        let m = Metrics::compute(&p, 0.5);
        assert_eq!(m.confusion, Confusion { true_pos: 2, false_pos: 1, true_neg: 1, false_neg: 0 });
        close(m.precision, 2.0 / 3.0);
        close(m.recall, 1.0);
        close(m.f1, 0.8);
        let m = Metrics::compute(&p, 0.95);
        assert_eq!((m.precision, m.recall, m.f1), (0.0, 0.0, 0.0));
    }

    #[test]
    fn perfect_and_inverted_rankings() {
        let p = pairs(&[0.1, 0.2, 0.8, 0.9], &[0, 0, 1, 1]);
        close(roc_auc(&p).expect("two classes"), 1.0);
        close(pr_auc(&p).expect("positives"), 1.0);
        let p = pairs(&[0.9, 0.8, 0.2, 0.1], &[0, 0, 1, 1]);
        close(roc_auc(&p).expect("two classes"), 0.0);
        // Positives found at ranks 3 and 4: ½·⅓ + ½·½.
        close(pr_auc(&p).expect("positives"), 1.0 / 6.0 + 0.25);
    }

    #[test]
    fn undefined_cases() {
        let p = pairs(&[0.3, 0.6], &[0, 0]);
        assert_eq!(roc_auc(&p), None);
        assert_eq!(pr_auc(&p), None);
        let text = Metrics::compute(&p, 0.5).to_string();
        assert!(text.contains("roc_auc: nan\n"));
        assert_eq!(text.lines().count(), 5);
    }
}
