//! Synthetic Indonesian social-media posts for the screening benchmark (`netra-bench gen-posts`,
//! `run --only screen`): deterministic (fixed seed), one JSON object per line in the generic post
//! schema of `crates/screen/README.md`.
//!
//! The mix is meant to look like what a monitoring team exports, not like the classifier's training
//! corpus: about 55 % everyday posts of civil servants (office, family, food, weather, religion, public
//! services), 20 % neutral election talk (TPS, neutrality reminders, news naming candidates), 18 %
//! campaigning (calls to action, ballot numbers, candidate names, acronyms, slogans and hashtags of
//! `data/lexicon/example-election.json`) and 7 % coordinated copies (40 campaign messages re-posted
//! with small edits by many accounts). Sentences have slots (places, offices, names, days, food,
//! topics, numbers); words are randomly written in slang (`yg`, `gk`, `dkg`, `bgt`), dropped, or
//! joined by particles (`sih`, `dong`, `nih`), with repeated letters (`mantaaap`), letter-number
//! spelling (`c0bl0s`), capitals, emoji, hashtags, mentions and links, so most texts are unique as in
//! real exports. Texts are 1–4 sentences (about 40–300 characters); 5 % of sentence breaks are line
//! breaks. 200,000 accounts post with a skewed frequency; 75 % of posts have a URL; 18 % are shares
//! (60 % of them carry the text of one of the last 20,000 posts, as re-posts do) and 12 % comments.

use std::io::Write;

use anyhow::Context;
use serde::Serialize;

use crate::seed::Rng;

const SEED: u64 = 0x6e65_7472_615f_7363;
const ACCOUNTS: u64 = 200_000;
/// Texts that shares may carry (the last this many generated).
const RECENT: usize = 20_000;

const FIRST: &[&str] = &[
    "budi", "siti", "agus", "dewi", "eko", "sri", "rina", "andi", "yusuf", "nurul", "dian", "hendra", "wahyu", "fitri",
    "rahmat", "indah", "bambang", "lestari", "joko", "ayu", "teguh", "ratna", "iwan", "putri", "hadi", "novi", "arif",
    "wulan", "fajar", "maya", "rizki", "sari", "dedi", "yuni", "imam", "tika",
];
const LAST: &[&str] = &[
    "santoso",
    "wijaya",
    "pratama",
    "saputra",
    "hidayat",
    "nugroho",
    "kusuma",
    "rahayu",
    "susanti",
    "purnomo",
    "setiawan",
    "wibowo",
    "lubis",
    "siregar",
    "nasution",
    "harahap",
    "manurung",
    "pardede",
    "tanjung",
    "syahputra",
];
const PLATFORMS: &[(u64, &str)] =
    &[(40, "x"), (30, "facebook"), (15, "instagram"), (10, "tiktok"), (3, "youtube"), (2, "threads")];

const OPENERS: &[&str] = &[
    "Selamat pagi semuanya",
    "Alhamdulillah",
    "Bismillah",
    "Info penting buat warga",
    "Gaes",
    "Lur",
    "Pagi ini",
    "Hari ini",
    "Wkwkwk",
    "Mohon izin berbagi",
    "Bapak ibu sekalian",
    "Assalamualaikum",
    "Sekadar mengingatkan",
    "Kabar dari kantor",
];

/// Slots: `{place}`, `{org}`, `{name}`, `{day}`, `{time}`, `{num}`, `{food}`, `{topic}`, `{thing}`.
const EVERYDAY: &[&str] = &[
    "Apel pagi di halaman kantor {org} berjalan tertib, dipimpin langsung {name}",
    "Lembur lagi ngerjain laporan {topic} sampai jam {num} malam, semoga cepat beres",
    "Rapat koordinasi dengan {org} soal {topic} di {place} sampai sore",
    "Pelayanan {thing} di kantor camat {place} buka sampai jam {num} sore mulai {day}",
    "Sarapan {food} dulu sebelum berangkat ke {place}",
    "Anak-anak libur sekolah, rencananya {day} jalan-jalan ke {place} naik motor",
    "Hujan deras dari {time}, jalan depan pasar {place} banjir setinggi {num} senti",
    "Macet parah di jalan {place} arah kota, hati-hati kalau lewat {time}",
    "Selamat Hari Raya Idul Fitri {num} H, mohon maaf lahir dan batin untuk keluarga besar {org}",
    "Jangan lupa sholat jumat, khutbah di masjid {place} hari ini tentang {topic}",
    "Posyandu bulan ini pindah ke balai desa {place} karena gedung lama direnovasi",
    "Vaksinasi lanjutan di puskesmas {place} hari {day}, bawa kartu keluarga dan {thing}",
    "Timnas main {time}, nobar di pos ronda {place} bareng {name}",
    "Harga {food} di pasar {place} naik jadi {num} ribu sekilo, ibu-ibu pada mengeluh",
    "Kerja bakti membersihkan saluran air bersama warga RT {num} di {place}",
    "Pelatihan aplikasi {thing} untuk operator {org} selesai {time}",
    "Selamat ulang tahun untuk {name}, kepala bidang kami di {org}, sehat selalu pak",
    "Laporan kinerja triwulan {org} sudah dikirim tepat waktu, terima kasih {name}",
    "Mati lampu di {place} dari {time}, genset kantor {org} juga rusak",
    "Antrean BBM di SPBU dekat {place} panjang sekali {time}",
    "Pengajian rutin malam Jumat di masjid {place}, temanya {topic}, semua diundang",
    "Lomba tujuh belasan di {place}, tim {org} juara tarik tambang",
    "Sosialisasi {topic} di aula kelurahan {place} bersama {name}",
    "Gaji ke-13 katanya cair {day}, semoga benar ya {name}",
    "Ngopi sore di warung {name} biar nggak ngantuk di jalan pulang ke {place}",
    "Musrenbang desa {place} tahun ini fokus ke {topic}",
    "Anak saya baru masuk SD di {place}, seragamnya lucu banget",
    "Mutasi pejabat eselon tiga di {org} diumumkan {day} pagi",
    "Cuaca panas sekali di {place} siang ini, jangan lupa minum air putih",
    "Pendaftaran CPNS dibuka {day}, siapkan {thing} dari sekarang",
    "Makan siang {food} di kantin {org}, harganya cuma {num} ribu",
    "Jalan rusak di {place} sudah dilaporkan ke {org} sejak bulan lalu, belum ada kabar",
    "Kunjungan kerja {name} ke {place} membahas {topic}",
    "Besok {day} kantor {org} tutup karena cuti bersama",
    "Bapak ibu, {thing} yang hilang di {place} sudah ditemukan, silakan ambil di pos satpam",
];

const ELECTION_NEUTRAL: &[&str] = &[
    "Jangan lupa datang ke TPS {num} di {place} tanggal 27 November, gunakan hak pilih dengan bijak",
    "ASN wajib netral, dilarang like, share dan komentar pada unggahan peserta pilkada, pesan {name}",
    "KPU {place} menetapkan tiga pasangan calon dan nomor urutnya dalam rapat pleno terbuka",
    "Debat kandidat {time} di TV lokal, siapa pun yang menang semoga amanah untuk warga {place}",
    "Cek DPT kamu di situs KPU sebelum hari pencoblosan, kata petugas PPS {place}",
    "Bawaslu {place} mengingatkan netralitas ASN selama masa kampanye",
    "{nick} dan {nick2} hadir di debat kedua, diskusinya soal {topic}",
    "Hasil survei terbaru di {place} menunjukkan selisih tipis antara paslon",
    "Petugas KPPS sedang merakit kotak suara di balai desa {place}",
    "Kami sebagai ASN {org} tidak memihak, hormati perbedaan pilihan",
    "Pemilu damai, jangan mudah percaya hoaks di grup WA {place}",
    "Rapat persiapan pengamanan pilkada bersama polres dan kodim di {place}",
    "Surat edaran netralitas ASN sudah disebar ke semua OPD termasuk {org}",
    "Pilkada tinggal {num} hari lagi, logistik pemilu mulai didistribusikan ke {place}",
    "Nonton debat semalam, ketiga paslon sama-sama bahas {topic}",
    "Laporkan ke Bawaslu kalau menemukan politik uang di {place}",
];

const PLACES: &[&str] = &[
    "Cibiru",
    "Cimahi",
    "Sumedang",
    "Garut",
    "Tasikmalaya",
    "Ciamis",
    "Kuningan",
    "Majalengka",
    "Indramayu",
    "Subang",
    "Purwakarta",
    "Karawang",
    "Bekasi",
    "Bogor",
    "Depok",
    "Sukabumi",
    "Cianjur",
    "Lembang",
    "Soreang",
    "Banjaran",
    "Cicalengka",
    "Rancaekek",
    "Jatinangor",
    "Padalarang",
    "Ngamprah",
    "Cileunyi",
    "Margahayu",
    "Dayeuhkolot",
    "Baleendah",
    "Majalaya",
    "Ciparay",
    "Pangalengan",
    "Ciwidey",
    "Pameungpeuk",
    "Kadungora",
    "Leles",
    "Wanaraja",
    "Malangbong",
    "Limbangan",
    "Cikajang",
    "Singaparna",
    "Rajapolah",
    "Panjalu",
    "Kawali",
    "Banjarsari",
    "Pangandaran",
    "Kalipucang",
    "Cijulang",
    "Parigi",
    "Cigugur",
    "Luragung",
    "Kadipaten",
    "Jatiwangi",
    "Haurgeulis",
    "Jatibarang",
    "Pamanukan",
    "Jalancagak",
    "Wanayasa",
    "Plered",
    "Cikampek",
    "Rengasdengklok",
    "Cibitung",
    "Tambun",
    "Cileungsi",
    "Cibinong",
    "Parung",
    "Leuwiliang",
    "Pelabuhan Ratu",
    "Cibadak",
    "Cipanas",
    "Pacet",
    "Sindanglaya",
    "Alun-alun",
    "Pasar Baru",
    "Terminal Cicaheum",
    "Gedebage",
    "Ujungberung",
    "Antapani",
];
const ORGS: &[&str] = &[
    "Dinas Pendidikan",
    "Dinas Kesehatan",
    "Dinas PUPR",
    "Dinas Sosial",
    "Dinas Perhubungan",
    "BPKAD",
    "Bappeda",
    "BKPSDM",
    "Dinas Kominfo",
    "Satpol PP",
    "Dinas Pertanian",
    "Dinas Koperasi",
    "Disdukcapil",
    "Inspektorat",
    "Sekretariat Daerah",
    "Kecamatan",
    "Kelurahan",
    "RSUD",
    "Puskesmas",
    "Dinas Lingkungan Hidup",
    "DPMPTSP",
    "Dinas Pariwisata",
    "Dinas Perikanan",
    "BPBD",
    "Dinas Perpustakaan",
    "Kesbangpol",
    "Dinas Tenaga Kerja",
];
const NAMES: &[&str] = &[
    "Pak Asep",
    "Bu Euis",
    "Kang Dadang",
    "Teh Nining",
    "Pak Ujang",
    "Bu Iis",
    "Pak Cecep",
    "Bu Yayah",
    "Mas Bayu",
    "Mbak Rini",
    "Pak Sodikin",
    "Bu Nur",
    "Pak Haji Mamat",
    "Bu Ani",
    "Kang Ridwan",
    "Teh Rina",
    "Pak Dedi",
    "Bu Tati",
    "Pak Wawan",
    "Bu Entin",
    "Pak Kades",
    "Bu Camat",
    "Pak Lurah",
    "Pak Sekdes",
];
const DAYS: &[&str] =
    &["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu", "besok", "lusa", "minggu depan"];
const TIMES: &[&str] = &["pagi ini", "tadi subuh", "tadi siang", "sore ini", "malam ini", "semalam", "kemarin sore"];
const FOODS: &[&str] = &[
    "nasi uduk",
    "bubur ayam",
    "lontong sayur",
    "gorengan",
    "cabai",
    "bawang merah",
    "beras",
    "telur",
    "minyak goreng",
    "soto",
    "bakso",
    "mie ayam",
    "nasi kuning",
    "surabi",
    "batagor",
    "seblak",
    "cilok",
    "kupat tahu",
];
const TOPICS: &[&str] = &[
    "anggaran tahun depan",
    "SPJ akhir bulan",
    "pencegahan stunting",
    "perbaikan jalan desa",
    "irigasi sawah",
    "sampah pasar",
    "air bersih",
    "banjir musiman",
    "kesehatan ibu dan anak",
    "UMKM",
    "sedekah",
    "kebersihan",
    "digitalisasi layanan",
    "pajak daerah",
    "bantuan sosial",
    "pendidikan anak",
    "keselamatan berkendara",
];
const THINGS: &[&str] = &[
    "KTP elektronik",
    "kartu keluarga",
    "akta kelahiran",
    "SKCK",
    "berkas lamaran",
    "ijazah",
    "dompet",
    "kunci motor",
    "surat pengantar RT",
    "BPJS",
    "NPWP",
    "paspor",
];

/// `{n}` ballot number, `{nick}` nickname, `{acr}` acronym, `{slogan}`, `{tag}` hashtag, `{numw}`
/// number word; the everyday slots too.
const CAMPAIGN: &[&str] = &[
    "Ayo coblos nomor {n} tanggal 27 November, {nick} pasti menang satu putaran!",
    "Dukung terus {nick}, pemimpin yang sudah terbukti kerjanya di {place}",
    "Sudah saya share ke grup keluarga {place}, jangan lupa pilih paslon 0{n} ya semuanya",
    "Foto bareng {nick} {time} di pasar {place}, semoga amanah dan menang",
    "Dukung trs paslon {n} sampai menang!! lanjutkan pembangunan {topic} di desa kita",
    "{slogan}! Bersama {acr} warga {place} bisa",
    "Salam {numw} jari untuk perubahan {place}",
    "Relawan {acr} siap memenangkan {nick} di kecamatan {place}",
    "Pilih yang sudah terbukti membangun {topic}, {acr} menang telak",
    "Mari menangkan {nick}, coblos fotonya tanggal 27 di TPS {num}",
    "Kaos paslon sudah dibagi ke warga {place}, tinggal kawal suara di TPS {num}",
    "Gabung grup pemenangan {acr} wilayah {place}, kita satukan suara",
    "Jagoanku cuma {nick}, yang lain lewat, kata {name}",
    "Tim sukses {acr} kumpul di posko pemenangan {place} {time}",
    "{tag} {tag2} ayo bantu sebarkan sampai ke {place}",
    "Yuk dukung paslon nomor urut {n}, demi {topic} dan masa depan anak cucu",
    "{nick} sudah janji soal {topic}, kita kawal sampai menang",
    "Kemarin {nick} blusukan ke {place}, warga antusias, insyaallah nomor {n} menang",
];
/// A candidate of `data/lexicon/example-election.json`, as posts name it.
struct Cand {
    n: u32,
    word: &'static str,
    nicks: &'static [&'static str],
    acr: &'static str,
    slogan: &'static str,
    tags: &'static [&'static str],
}

const CANDIDATES: &[Cand] = &[
    Cand {
        n: 1,
        word: "satu",
        nicks: &["Pak Sutrisno", "Bu Wulan"],
        acr: "SUWU",
        slogan: "Bersama Membangun Desa",
        tags: &["#Nomor1", "#SuwuMenang"],
    },
    Cand {
        n: 2,
        word: "dua",
        nicks: &["Pak Hendra", "Bu Ratna", "Kang Hendra"],
        acr: "HERA",
        slogan: "Jawa Barat Juara Lanjutkan",
        tags: &["#HeraMenang", "#02Lanjut"],
    },
    Cand {
        n: 3,
        word: "tiga",
        nicks: &["Pak Darmawan", "Bu Lestari"],
        acr: "DARLES",
        slogan: "Perubahan untuk Rakyat",
        tags: &["#03Bersatu"],
    },
];

const CLOSERS: &[&str] = &[
    "semangat!",
    "mantap",
    "😂",
    "🙏",
    "🙏🙏",
    "💪",
    "👍🏽",
    "✌️",
    "🔥🔥",
    "#JumatBerkah",
    "#InfoWarga",
    "#PilkadaDamai",
    "#ASNNetral",
    "#KerjaNyata",
    "cc @camat_kota",
    "@humas_pemkab",
    "wkwk",
    "mohon doanya",
    "salam sehat",
    "terima kasih",
    "😭",
    "🤣",
];

/// Formal → slang spellings that people actually write (and the normaliser's table knows many of).
const SLANG: &[(&str, &[&str])] = &[
    ("yang", &["yg"]),
    ("tidak", &["gak", "gk", "ga", "nggak", "tdk"]),
    ("dukung", &["dkg"]),
    ("terus", &["trs", "teruss"]),
    ("sampai", &["smp", "sampe"]),
    ("untuk", &["utk", "buat"]),
    ("sudah", &["udh", "udah", "sdh"]),
    ("banget", &["bgt", "bangettt"]),
    ("saya", &["sy", "aku", "gue"]),
    ("kita", &["kt"]),
    ("semua", &["smua"]),
    ("lagi", &["lg"]),
    ("dengan", &["dgn", "sama"]),
    ("pasti", &["pst", "pastiii"]),
    ("jangan", &["jgn"]),
    ("bersama", &["bareng"]),
    ("menang", &["mnang", "menaaang"]),
    ("coblos", &["c0bl0s", "coblossss"]),
    ("pilih", &["p1l1h"]),
    ("mantap", &["mantaaap", "mantul"]),
    ("hari", &["hr"]),
    ("karena", &["krn", "soalnya"]),
];

#[derive(Serialize)]
struct Line<'a> {
    id: String,
    platform: &'a str,
    author_handle: &'a str,
    author_name: &'a str,
    text: &'a str,
    created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    share_of: Option<String>,
    engagement: &'a str,
}

/// What [`generate`] wrote.
pub struct Generated {
    pub posts: u64,
    pub bytes: u64,
    pub campaign: u64,
    pub coordinated: u64,
}

/// Writes `n` posts as JSONL.
pub fn generate(n: u64, out: impl Write) -> anyhow::Result<Generated> {
    let mut out = std::io::BufWriter::with_capacity(1 << 20, out);
    let mut rng = Rng::new(SEED);
    let coordinated_base: Vec<String> = (0..40).map(|_| campaign_text(&mut rng, 3)).collect();
    let mut text = String::with_capacity(1024);
    let mut g = Generated { posts: 0, bytes: 0, campaign: 0, coordinated: 0 };
    let start = 1_730_419_200i64; // 2024-11-01T00:00:00Z
    let mut buf = Vec::with_capacity(1024);
    let mut recent: Vec<String> = Vec::with_capacity(RECENT);
    for i in 0..n {
        text.clear();
        let e = rng.below(100);
        let shared = if (70..88).contains(&e) && rng.percent(60) && !recent.is_empty() {
            // Half the shares carry the shared post's text, as re-posts and retweets do.
            Some(recent[rng.below(recent.len() as u64) as usize].clone())
        } else {
            None
        };
        if let Some(t) = shared {
            text.push_str(&t);
        } else {
            let kind = rng.below(100);
            if kind < 55 {
                everyday(&mut rng, &mut text);
            } else if kind < 75 {
                neutral(&mut rng, &mut text);
            } else if kind < 93 {
                let sentences = 1 + rng.below(3) as usize;
                text.push_str(&campaign_text(&mut rng, sentences));
                g.campaign += 1;
            } else {
                let base = &coordinated_base[rng.below(coordinated_base.len() as u64) as usize];
                edit(&mut rng, base, &mut text);
                g.campaign += 1;
                g.coordinated += 1;
            }
            if recent.len() < RECENT {
                recent.push(text.clone());
            } else {
                recent[(i % RECENT as u64) as usize] = text.clone();
            }
        }
        // Skewed activity: a few accounts post a lot.
        let u = rng.below(1 << 20) as f64 / f64::from(1u32 << 20);
        let acct = ((u * u) * ACCOUNTS as f64) as u64;
        let first = FIRST[(acct % FIRST.len() as u64) as usize];
        let last = LAST[((acct / FIRST.len() as u64) % LAST.len() as u64) as usize];
        let handle = format!("{first}_{last}{}", acct % 997);
        let name = format!("{} {}", capitalise(first), capitalise(last));
        let platform = rng.weighted(PLATFORMS);
        let id = format!("{}", 1_800_000_000_000_000_000u64 + i * 7919);
        let url = rng.percent(75).then(|| match platform {
            "x" => format!("https://x.com/{handle}/status/{id}"),
            "facebook" => format!("https://www.facebook.com/{handle}/posts/{id}"),
            "instagram" => format!("https://www.instagram.com/p/{id}/"),
            "tiktok" => format!("https://www.tiktok.com/@{handle}/video/{id}"),
            _ => format!("https://example.org/{platform}/{id}"),
        });
        let (engagement, reply_to, share_of) = if e < 70 {
            ("post", None, None)
        } else if e < 88 {
            ("share", None, Some(format!("{}", 1_800_000_000_000_000_000u64 + rng.below(i + 1) * 7919)))
        } else {
            ("comment", Some(format!("{}", 1_800_000_000_000_000_000u64 + rng.below(i + 1) * 7919)), None)
        };
        let ts = start + (i as i64 * 2_592_000 / n.max(1) as i64) + rng.range(0, 60);
        let created_at = chrono::DateTime::from_timestamp(ts, 0)
            .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            .unwrap_or_default();
        let line = Line {
            id,
            platform,
            author_handle: &handle,
            author_name: &name,
            text: &text,
            created_at,
            url,
            reply_to,
            share_of,
            engagement,
        };
        buf.clear();
        serde_json::to_writer(&mut buf, &line)?;
        buf.push(b'\n');
        out.write_all(&buf).context("writing posts")?;
        g.bytes += buf.len() as u64;
        g.posts += 1;
    }
    out.flush()?;
    Ok(g)
}

fn pick<'a>(rng: &mut Rng, xs: &[&'a str]) -> &'a str {
    xs[rng.below(xs.len() as u64) as usize]
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

fn sentence_sep(rng: &mut Rng, text: &mut String) {
    if text.is_empty() {
        return;
    }
    let seps: &[(u64, &str)] = &[(50, ". "), (20, ", "), (15, "! "), (10, " "), (5, "\n")];
    text.push_str(rng.weighted(seps));
}

fn closer(rng: &mut Rng, text: &mut String) {
    let k = rng.below(100);
    if k < 45 {
        text.push(' ');
        text.push_str(pick(rng, CLOSERS));
    } else if k < 55 {
        text.push_str(" https://t.co/");
        for _ in 0..10 {
            text.push(char::from(b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"[rng.below(57) as usize]));
        }
    } else if k < 58 {
        text.push_str(" \"kerja nyata\"");
    }
}

/// Particles and fillers people sprinkle through informal Indonesian.
const PARTICLES: &[&str] = &[
    "sih",
    "nih",
    "dong",
    "ya",
    "deh",
    "lho",
    "kok",
    "kan",
    "juga",
    "aja",
    "banget",
    "sekali",
    "memang",
    "tuh",
    "pula",
    "loh",
    "toh",
    "kayaknya",
    "katanya",
    "sepertinya",
    "akhirnya",
    "alhamdulillah",
    "btw",
    "gaes",
];

/// Appends `sentence` word by word, sometimes in slang or with other spellings; people also drop
/// words and add particles, so two posts from one template rarely share most of their word pairs.
fn push_words(rng: &mut Rng, sentence: &str, slangy: u64, text: &mut String) {
    let shout = rng.percent(4);
    let mut first = true;
    for (k, w) in sentence.split(' ').enumerate() {
        if k > 0 && rng.percent(8) {
            continue;
        }
        if !first {
            text.push(' ');
        }
        first = false;
        if k > 0 && rng.percent(12) {
            text.push_str(pick(rng, PARTICLES));
            text.push(' ');
        }
        let lower = w.to_lowercase();
        let bare = lower.trim_end_matches([',', '!', '.']);
        let tail = &w[bare.len().min(w.len())..];
        if let Some((_, alts)) = SLANG.iter().find(|(f, _)| *f == bare)
            && rng.percent(slangy)
        {
            text.push_str(pick(rng, alts));
            text.push_str(tail);
        } else if shout {
            text.push_str(&w.to_uppercase());
        } else {
            text.push_str(w);
        }
    }
}

/// Fills the slots of an everyday or neutral sentence.
fn slots(rng: &mut Rng, template: &str) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        let Some(end) = rest[at..].find('}') else { break };
        let name = &rest[at + 1..at + end];
        match name {
            "place" => out.push_str(pick(rng, PLACES)),
            "org" => out.push_str(pick(rng, ORGS)),
            "name" => out.push_str(pick(rng, NAMES)),
            "day" => out.push_str(pick(rng, DAYS)),
            "time" => out.push_str(pick(rng, TIMES)),
            "food" => out.push_str(pick(rng, FOODS)),
            "topic" => out.push_str(pick(rng, TOPICS)),
            "thing" => out.push_str(pick(rng, THINGS)),
            "num" => out.push_str(&(1 + rng.below(30)).to_string()),
            "nick" | "nick2" => {
                let c = rng.pick(CANDIDATES);
                out.push_str(pick(rng, c.nicks));
            }
            _ => {}
        }
        rest = &rest[at + end + 1..];
    }
    out.push_str(rest);
    out
}

fn everyday(rng: &mut Rng, text: &mut String) {
    if rng.percent(35) {
        text.push_str(pick(rng, OPENERS));
    }
    for _ in 0..1 + rng.below(3) {
        sentence_sep(rng, text);
        let t = pick(rng, EVERYDAY);
        let s = slots(rng, t);
        push_words(rng, &s, 30, text);
    }
    closer(rng, text);
}

fn neutral(rng: &mut Rng, text: &mut String) {
    if rng.percent(20) {
        text.push_str(pick(rng, OPENERS));
    }
    sentence_sep(rng, text);
    let t = pick(rng, ELECTION_NEUTRAL);
    let s = slots(rng, t);
    push_words(rng, &s, 25, text);
    if rng.percent(40) {
        sentence_sep(rng, text);
        let t = pick(rng, EVERYDAY);
        let s = slots(rng, t);
        push_words(rng, &s, 25, text);
    }
    closer(rng, text);
}

fn campaign_text(rng: &mut Rng, sentences: usize) -> String {
    let mut text = String::new();
    let c = rng.pick(CANDIDATES);
    let (n, num, nicks, acr, slogan, tags) = (c.n, c.word, c.nicks, c.acr, c.slogan, c.tags);
    if rng.percent(25) {
        text.push_str(pick(rng, OPENERS));
    }
    for _ in 0..sentences {
        sentence_sep(rng, &mut text);
        let t = pick(rng, CAMPAIGN);
        let filled = t
            .replace("{n}", &n.to_string())
            .replace("{numw}", num)
            .replace("{nick}", pick(rng, nicks))
            .replace("{acr}", acr)
            .replace("{slogan}", slogan)
            .replace("{tag2}", pick(rng, tags))
            .replace("{tag}", pick(rng, tags));
        let filled = slots(rng, &filled);
        push_words(rng, &filled, 35, &mut text);
    }
    if rng.percent(40) {
        text.push(' ');
        text.push_str(pick(rng, tags));
    }
    closer(rng, &mut text);
    text
}

/// A light edit of a coordinated message: a swapped word, an added emoji or word, a dropped word.
fn edit(rng: &mut Rng, base: &str, text: &mut String) {
    let mut words: Vec<&str> = base.split(' ').collect();
    let extra = ["mantap", "🔥", "warga", "semua", "sekali", "💯", "ayo", "bismillah"];
    for _ in 0..rng.below(3) {
        match rng.below(3) {
            0 if words.len() > 3 => {
                let at = rng.below(words.len() as u64) as usize;
                words[at] = pick(rng, &extra);
            }
            1 => words.push(pick(rng, &extra)),
            _ if words.len() > 3 => {
                let at = rng.below(words.len() as u64) as usize;
                words.remove(at);
            }
            _ => {}
        }
    }
    text.push_str(&words.join(" "));
}
