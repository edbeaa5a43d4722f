use netra_screen::classifier::{Model, TrainParams, read_labelled, train};
use netra_screen::{Label, Screener};

const MODEL: &str = include_str!("../../../../data/lexicon/default-model.json");
const CORPUS: &str = include_str!("../../../../data/lexicon/train-id.jsonl");

#[test]
fn shipped_model_loads_and_is_small() {
    assert!(MODEL.len() < 2 * 1024 * 1024, "default model is {} bytes", MODEL.len());
    let m = Model::from_json(MODEL).expect("default model loads");
    assert_eq!(m.training().examples, CORPUS.lines().count() as u64);
    assert!(m.nonzero() > 1000);
}

/// Sentences that are not in the training corpus.
#[test]
fn shipped_model_scores_held_out_sentences_sensibly() {
    let m = Model::builtin();
    let campaign = [
        "Ayo warga, coblos nomor 2 tanggal 27 November, Pak Bima pasti menang!",
        "Dukung terus Bu Sinta sampai jadi bupati 💪 #SintaMenang",
        "Sudah saya share ke grup keluarga, pilih paslon 03 ya semuanya",
        "Bismillah, menangkan paslon 1 satu putaran!",
    ];
    let neutral = [
        "Rapat evaluasi pelayanan puskesmas bersama kepala desa se-kecamatan.",
        "Selamat Hari Raya Idul Fitri, mohon maaf lahir dan batin untuk semua.",
        "Sebagai ASN saya tidak mendukung calon mana pun dan tetap netral.",
        "KPU mengumumkan jadwal debat ketiga pasangan calon minggu depan.",
    ];
    for t in campaign {
        assert!(m.score(t) > 0.6, "{t}: {}", m.score(t));
    }
    for t in neutral {
        assert!(m.score(t) < 0.4, "{t}: {}", m.score(t));
    }
}

#[test]
fn screener_labels_held_out_posts() {
    let mut s = Screener::builtin();
    let r = s.score_text("Jangan lupa 14 Februari coblos no. 2 ya bapak ibu, salam dua jari ✌️");
    assert_eq!(r.label, Label::LikelyCampaign, "{r:#?}");
    let r = s.score_text("Jangan lupa datang ke TPS tanggal 14 Februari, gunakan hak pilih Anda dengan bijak.");
    assert_eq!(r.label, Label::Unlikely, "{r:#?}");
    let r = s.score_text("Saya tidak mendukung siapa pun. ASN wajib netral.");
    assert_eq!(r.label, Label::Unlikely, "{r:#?}");
}

/// The shipped model is exactly what the trainer makes of the shipped corpus
/// (`cargo run --release -p netra-screen --example train_default` regenerates it).
#[cfg(target_arch = "x86_64")]
#[test]
fn shipped_model_is_reproducible_from_the_corpus() {
    let (rows, skipped) = read_labelled(CORPUS.as_bytes());
    assert_eq!(skipped.total, 0);
    assert!(rows.len() >= 300);
    let examples: Vec<_> = rows.iter().map(|e| e.to_example()).collect();
    let mut model = train(&examples, &TrainParams { prune_below: 2e-3, ..TrainParams::default() });
    model.set_note("data/lexicon/train-id.jsonl (Netra's own corpus, AGPL-3.0-or-later)");
    assert!(model.to_json() == MODEL, "retrain with the train_default example");
}
