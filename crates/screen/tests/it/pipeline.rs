use std::io::Write;

use netra_screen::cluster::Clusterer;
use netra_screen::lexicon::{Candidate, Lexicon, LexiconFile};
use netra_screen::post::{InputFormat, Post, PostReader};
use netra_screen::score::{ScoreParams, ScoredRecord, Screener, WatchList};
use netra_screen::{Label, Model, Normalizer};

fn lexicon() -> Lexicon {
    let file = LexiconFile {
        name: "Pilkada Contoh".into(),
        candidates: vec![Candidate {
            id: "paslon-2".into(),
            name: "Bima Saputra – Sinta Maharani".into(),
            members: vec!["Bima Saputra".into(), "Sinta Maharani".into()],
            nicknames: vec!["Pak Bima".into(), "Bu Sinta".into()],
            ballot_number: Some(2),
            acronyms: vec!["BISA".into()],
            slogans: vec!["Bersama Kita Bisa".into()],
            hashtags: vec!["#BisaMenang".into()],
        }],
        ..LexiconFile::default()
    };
    Lexicon::compile(file, Normalizer::builtin()).expect("compiles")
}

/// File in → scored JSONL out, with bad lines skipped, watch-list priority and one cluster for a
/// text pushed by several accounts.
#[test]
fn jsonl_in_scored_jsonl_out() {
    let mut input = Vec::new();
    let push = |input: &mut Vec<u8>, id: usize, handle: &str, text: &str| {
        let line = serde_json::json!({"id": id.to_string(), "platform": "x", "author_handle": handle, "text": text});
        writeln!(input, "{line}").expect("write to vec");
    };
    push(&mut input, 1, "budi_asn", "Ayo coblos no. 2! Pak Bima pasti menang #BisaMenang ✌️");
    input.extend_from_slice(b"{broken\n");
    push(&mut input, 2, "ani", "Rapat koordinasi pelayanan publik di kantor camat.");
    for (i, h) in ["a1", "a2", "a3"].iter().enumerate() {
        let edit = ["", " 🔥", " mantap"][i];
        push(
            &mut input,
            10 + i,
            h,
            &format!("Warga desa, mari menangkan BISA: jalan mulus, sekolah gratis, puskesmas dekat{edit}"),
        );
    }
    input.extend_from_slice(b"{\"id\":\"9\",\"platform\":\"x\",\"author_handle\":\"z\",\"text\":\"\"}\n");

    let (watch, _) = WatchList::from_csv("handle,nip,nama,instansi\nbudi_asn,1980,Budi,Dinas Pendidikan\n".as_bytes());
    let mut screener =
        Screener::new(lexicon(), Some(std::sync::Arc::new(Model::builtin().clone())), ScoreParams::default());
    let mut clusters = Clusterer::default();
    let mut reader = PostReader::new(&input[..], InputFormat::Jsonl);
    let mut post = Post::default();
    let mut out = Vec::new();
    while let Some(r) = reader.read_into(&mut post) {
        if r.is_err() {
            continue;
        }
        let scored = screener.score_post(&post, Some(&watch));
        let cluster = clusters.assign(screener.normalized(), &post.author_handle);
        let asn = watch.lookup(post.platform, &post.author_handle);
        serde_json::to_writer(&mut out, &ScoredRecord::new(&post, &scored, asn, Some(cluster))).expect("json");
        out.push(b'\n');
    }
    assert_eq!(reader.summary().total, 2);
    assert_eq!(reader.summary().lines.iter().map(|s| s.line).collect::<Vec<_>>(), vec![2, 7]);
    let rows: Vec<serde_json::Value> =
        out.split(|b| *b == b'\n').filter(|l| !l.is_empty()).map(|l| serde_json::from_slice(l).expect("row")).collect();
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[0]["label"], "likely_campaign");
    assert_eq!(rows[0]["priority"], true);
    assert_eq!(rows[0]["asn"]["agency"], "Dinas Pendidikan");
    assert!(rows[0]["explanation"].as_array().expect("list").iter().any(|e| e["category"] == "hashtag"
        && e["text"] == "#BisaMenang"
        && e["candidate"] == "Bima Saputra – Sinta Maharani"));
    assert_eq!(rows[1]["label"], "unlikely");
    let ids: Vec<&serde_json::Value> = rows[2..5].iter().map(|r| &r["cluster_id"]).collect();
    assert!(ids.iter().all(|id| *id == ids[0]));
    assert_eq!(rows[4]["cluster_accounts"], 3);
    assert_ne!(rows[1]["cluster_id"], rows[0]["cluster_id"]);
    assert_eq!(Label::LikelyCampaign.as_str(), "likely_campaign");
}

/// The same line-level robustness for every input format: the good rows are read.
#[test]
fn every_format_survives_garbage() {
    let garbage: &[u8] = b"\xff\xfe\x00garbage\n{\"a\":\n,,,,\n\"unterminated\n";
    for format in [InputFormat::Jsonl, InputFormat::Csv, InputFormat::TwitterV2, InputFormat::LinkSheet] {
        let mut r = PostReader::new(garbage, format);
        let mut p = Post::default();
        let mut n = 0;
        while let Some(res) = r.read_into(&mut p) {
            n += 1;
            assert!(n < 100);
            let _ = res;
        }
    }
}

/// The example lexicon in `data/lexicon/` (the `--lexicon FILE` format) loads and round-trips.
#[test]
fn example_lexicon_file_loads() {
    let json = include_str!("../../../../data/lexicon/example-election.json");
    let lex = Lexicon::from_json(json).expect("example lexicon is valid");
    assert_eq!(lex.candidates().len(), 3);
    let again = Lexicon::from_json(&lex.to_json()).expect("round trip");
    assert_eq!(again.file(), lex.file());
    let mut s = Screener::new(lex, None, ScoreParams::default());
    let r = s.score_text("Gabung relawan HERA, kita menangkan Kang Hendra! #02Lanjut");
    assert_eq!(r.label, Label::LikelyCampaign);
    let who: Vec<&str> = r.explanation.iter().filter_map(|e| e.candidate.as_deref()).collect();
    assert!(who.iter().all(|c| *c == "Hendra Wijaya – Ratna Dewi"), "{who:?}");
}
