//! `netra screen`: streaming scoring with explanations and clusters, training and evaluation.

use crate::support::Instance;

const POSTS: &str = r#"{"id":"1","platform":"facebook","author_handle":"budi.camat","text":"Ayo coblos paslon nomor urut 2! #SemarangMaju","engagement":"post"}
{"id":"2","platform":"instagram","author_handle":"siti","text":"Jangan lupa datang ke TPS tanggal 27 November, ASN wajib netral.","engagement":"post"}
this line is not json
{"id":"3","platform":"facebook","author_handle":"andi","text":"Ayo coblos paslon nomor urut 2!! #SemarangMaju","engagement":"share"}
{"id":"4","platform":"myspace","author_handle":"x","text":"platform yang tidak dikenal","engagement":"post"}
"#;

fn lines(stdout: &str) -> Vec<serde_json::Value> {
    stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"))).collect()
}

#[test]
fn score_with_a_lexicon_file_explains_clusters_and_skips_bad_lines() {
    let n = Instance::sqlite();
    let input = n.data().join("posts.jsonl");
    std::fs::write(&input, POSTS).unwrap();
    let lexicon = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/lexicon/example-election.json");
    let out = n.run(&["screen", "score", "--lexicon", lexicon, input.to_str().unwrap()]).success();
    let rows = lines(&out.stdout);
    assert_eq!(rows.iter().map(|r| r["id"].as_str().unwrap()).collect::<Vec<_>>(), ["1", "2", "3"], "{out}");
    assert_eq!(rows[0]["label"], "likely_campaign", "{out}");
    assert_eq!(rows[1]["label"], "unlikely", "{out}");
    assert!(rows[0]["explanation"].as_array().is_some_and(|e| !e.is_empty()), "{out}");
    // The same text pushed by two accounts forms one cluster with both accounts.
    assert_eq!(rows[0]["cluster_id"], rows[2]["cluster_id"]);
    assert_eq!(rows[2]["cluster_accounts"], 2);
    assert_ne!(rows[0]["cluster_id"], rows[1]["cluster_id"]);
    // Bad lines are counted with their line numbers; the rest was still scored.
    let out = out.stderr_has(&["skipped 2", "3", "5"]);
    drop(out);
}

#[test]
fn score_needs_a_lexicon_source_and_a_known_format() {
    let n = Instance::sqlite();
    let input = n.data().join("posts.jsonl");
    std::fs::write(&input, POSTS).unwrap();
    n.run(&["screen", "score", input.to_str().unwrap()]).failure().stderr_has(&["--election", "--lexicon"]);
    let lexicon = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/lexicon/example-election.json");
    n.run(&["screen", "score", "--lexicon", lexicon, "--format", "xml", input.to_str().unwrap()])
        .failure()
        .stderr_has(&["unknown --format `xml`"]);
}

#[test]
fn score_with_the_election_lexicon_from_the_database() {
    let n = Instance::sqlite();
    n.run(&["demo"]).success();
    let input = n.data().join("posts.jsonl");
    std::fs::write(&input, POSTS).unwrap();
    let out = n.run(&["screen", "score", "--election", "pilkada-2024", input.to_str().unwrap()]).success();
    let rows = lines(&out.stdout);
    assert_eq!(rows.len(), 3, "{out}");
    assert_eq!(rows[0]["label"], "likely_campaign", "{out}");
    n.run(&["screen", "score", "--election", "pilkada-1999", input.to_str().unwrap()])
        .failure()
        .stderr_has(&["pilkada-1999"]);
}

#[test]
fn train_then_eval_prints_the_five_metrics() {
    let n = Instance::sqlite();
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/lexicon/train-id.jsonl");
    let model = n.data().join("model.json");
    n.run(&["screen", "train", corpus, "-o", model.to_str().unwrap()]).success();
    let out = n.run(&["screen", "eval", "--model", model.to_str().unwrap(), corpus]).success();
    let names: Vec<&str> = out.stdout.lines().map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(names, ["precision", "recall", "f1", "roc_auc", "pr_auc"], "{out}");
    for l in out.stdout.lines() {
        let v: f64 = l.split(": ").nth(1).unwrap().parse().unwrap();
        assert!((0.9..=1.0).contains(&v), "training-set metric should be high: {l}");
    }
    let one_label = n.data().join("one.jsonl");
    std::fs::write(&one_label, "{\"text\":\"ayo pilih nomor 2\",\"label\":\"support\"}\n").unwrap();
    n.run(&["screen", "train", one_label.to_str().unwrap(), "-o", model.to_str().unwrap()])
        .failure()
        .stderr_has(&["both labels"]);
}
