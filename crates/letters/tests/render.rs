//! Renders every letter kind and reads the PDF back: the registration number must be findable as
//! text, user text must print literally, broken templates must fail with typst's message.

use std::collections::HashMap;
use std::io::Read;
use std::time::Instant;

use netra_letters::{LetterData, LetterError, LetterKind, render, sample, verification_hash};

/// Minimal PDF text extraction: inflates every stream, reads the ToUnicode CMaps of the embedded
/// fonts and decodes the hex strings of the content streams with each of them. Enough to find a
/// string typst printed; not a general PDF reader.
fn pdf_texts(pdf: &[u8]) -> Vec<String> {
    let mut streams = Vec::new();
    let mut i = 0;
    while let Some(p) = find(&pdf[i..], b"stream") {
        let start = i + p + b"stream".len();
        let body = match pdf.get(start..start + 2) {
            Some(b"\r\n") => start + 2,
            Some([b'\n', _]) => start + 1,
            _ => {
                i = start;
                continue;
            }
        };
        let Some(end) = find(&pdf[body..], b"endstream") else { break };
        let raw = &pdf[body..body + end];
        let mut out = Vec::new();
        if flate2::read::ZlibDecoder::new(raw).read_to_end(&mut out).is_err() || out.is_empty() {
            out = raw.to_vec();
        }
        streams.push(out);
        i = body + end + b"endstream".len();
    }
    let cmaps: Vec<HashMap<u32, String>> = streams
        .iter()
        .filter(|s| find(s, b"begincmap").is_some())
        .map(|s| parse_cmap(&String::from_utf8_lossy(s)))
        .collect();
    let mut texts = Vec::new();
    for s in streams.iter().filter(|s| find(s, b"Tf").is_some() && find(s, b"begincmap").is_none()) {
        let strings = content_strings(s);
        for cmap in &cmaps {
            let mut t = String::new();
            for bytes in &strings {
                for pair in bytes.chunks(2) {
                    let code = pair.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
                    if let Some(u) = cmap.get(&code) {
                        t.push_str(u);
                    }
                }
            }
            texts.push(t);
        }
    }
    texts
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The byte strings shown by a content stream: literal `(…)` strings with their escapes, and `<…>`
/// hex strings, in order.
fn content_strings(content: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < content.len() {
        match content[i] {
            b'(' => {
                let mut depth = 1;
                let mut bytes = Vec::new();
                i += 1;
                while i < content.len() && depth > 0 {
                    let c = content[i];
                    match c {
                        b'\\' => {
                            i += 1;
                            let e = content.get(i).copied().unwrap_or(b'\\');
                            match e {
                                b'0'..=b'7' => {
                                    let mut v = 0u32;
                                    let mut n = 0;
                                    while n < 3 && i < content.len() && (b'0'..=b'7').contains(&content[i]) {
                                        v = v * 8 + u32::from(content[i] - b'0');
                                        i += 1;
                                        n += 1;
                                    }
                                    bytes.push(v as u8);
                                    continue;
                                }
                                b'n' => bytes.push(b'\n'),
                                b'r' => bytes.push(b'\r'),
                                b't' => bytes.push(b'\t'),
                                b'b' => bytes.push(8),
                                b'f' => bytes.push(12),
                                other => bytes.push(other),
                            }
                        }
                        b'(' => {
                            depth += 1;
                            bytes.push(c);
                        }
                        b')' => {
                            depth -= 1;
                            if depth > 0 {
                                bytes.push(c);
                            }
                        }
                        _ => bytes.push(c),
                    }
                    i += 1;
                }
                out.push(bytes);
            }
            b'<' if content.get(i + 1) != Some(&b'<') => {
                let end = content[i..].iter().position(|c| *c == b'>').map_or(content.len(), |p| i + p);
                let hex: Vec<u8> = content[i + 1..end].iter().copied().filter(u8::is_ascii_hexdigit).collect();
                out.push(
                    hex.chunks(2).filter_map(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()).collect(),
                );
                i = end + 1;
            }
            b'<' => i += 2,
            _ => i += 1,
        }
    }
    out
}

fn hex_strings(content: &str) -> Vec<String> {
    let b = content.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'<'
            && b.get(i + 1) != Some(&b'<')
            && (i == 0 || b[i - 1] != b'<')
            && let Some(end) = content[i + 1..].find('>')
        {
            let s: String = content[i + 1..i + 1 + end].chars().filter(|c| c.is_ascii_hexdigit()).collect();
            out.push(s);
            i += end + 2;
            continue;
        }
        i += 1;
    }
    out
}

fn utf16_hex(h: &str) -> String {
    let units: Vec<u16> =
        h.as_bytes().chunks(4).filter_map(|c| u16::from_str_radix(std::str::from_utf8(c).ok()?, 16).ok()).collect();
    String::from_utf16_lossy(&units)
}

fn parse_cmap(s: &str) -> HashMap<u32, String> {
    let mut map = HashMap::new();
    for section in s.split("beginbfchar").skip(1) {
        let body = section.split("endbfchar").next().unwrap_or("");
        let toks = hex_strings(body);
        for pair in toks.chunks(2) {
            if let [src, dst] = pair {
                map.insert(u32::from_str_radix(src, 16).unwrap_or(0), utf16_hex(dst));
            }
        }
    }
    for section in s.split("beginbfrange").skip(1) {
        let body = section.split("endbfrange").next().unwrap_or("");
        for line in body.lines() {
            let toks = hex_strings(line);
            if toks.len() == 3 && !line.contains('[') {
                let (a, b) =
                    (u32::from_str_radix(&toks[0], 16).unwrap_or(0), u32::from_str_radix(&toks[1], 16).unwrap_or(0));
                let base = utf16_hex(&toks[2]);
                let mut units: Vec<u16> = base.encode_utf16().collect();
                for code in a..=b {
                    map.insert(code, String::from_utf16_lossy(&units));
                    if let Some(last) = units.last_mut() {
                        *last += 1;
                    }
                }
            } else if toks.len() >= 2 && line.contains('[') {
                let a = u32::from_str_radix(&toks[0], 16).unwrap_or(0);
                for (k, dst) in toks[2..].iter().enumerate() {
                    map.insert(a + k as u32, utf16_hex(dst));
                }
            }
        }
    }
    map
}

/// Whether `needle` is printed (whitespace ignored: typst may or may not draw spaces as glyphs).
fn contains_text(pdf: &[u8], needle: &str) -> bool {
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let wanted = squash(needle);
    pdf_texts(pdf).iter().any(|t| squash(t).contains(&wanted))
}

#[test]
fn every_kind_renders_a_pdf_with_its_number_as_text() {
    for kind in LetterKind::ALL {
        let data = sample(*kind);
        let started = Instant::now();
        let r = render(&data, None).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        eprintln!("{kind:?}: {} bytes in {:?}, warnings {:?}", r.pdf.len(), started.elapsed(), r.warnings);
        assert!(r.pdf.starts_with(b"%PDF-"), "{kind:?} is not a PDF");
        assert_eq!(r.verification_hash, verification_hash(&data));
        let number = data.registration_number().to_owned();
        assert!(contains_text(&r.pdf, &number), "{kind:?}: `{number}` not found in {:?}", pdf_texts(&r.pdf));
        assert!(contains_text(&r.pdf, &r.verification_hash), "{kind:?}: hash not printed");
    }
}

#[test]
fn user_text_is_printed_literally_never_as_markup() {
    let attacks = [
        r#"#panic("x")"#,
        "] *bold* _em_ $x^2$ <label> @ref",
        r#"#eval("1 + 1") #read("/etc/passwd") #import "@preview/x:0.1.0""#,
        "` ``` // /* \\ #{ } #[ ]",
    ];
    for attack in attacks {
        let LetterData::Receipt(mut d) = sample(LetterKind::Receipt) else { unreachable!() };
        d.reporter_name = Some(attack.to_owned());
        d.incident_summary = format!("Peristiwa {attack}");
        d.evidence = vec![attack.to_owned()];
        let r = render(&LetterData::Receipt(d), None).unwrap_or_else(|e| panic!("`{attack}` broke the letter: {e}"));
        assert!(r.pdf.starts_with(b"%PDF-"));
        assert!(contains_text(&r.pdf, attack), "`{attack}` not printed literally: {:?}", pdf_texts(&r.pdf));
    }
}

#[test]
fn a_broken_override_fails_with_typsts_message_and_position() {
    let data = sample(LetterKind::Invitation);
    let broken = "#import \"/common.typ\": *\n#show: letter\n\n#let x = (\nUndangan #L.no_such_field\n";
    match render(&data, Some(broken)) {
        Err(LetterError::Template { diagnostics }) => {
            assert!(!diagnostics.is_empty());
            let d = &diagnostics[0];
            assert_eq!(d.file.as_deref(), Some("/main.typ"));
            assert!(d.line.is_some() && d.column.is_some(), "{d:?}");
            assert!(!d.message.is_empty());
        }
        other => panic!("expected a template error, got {other:?}"),
    }
    // An unknown field is a runtime error with typst's own words.
    let e = render(&data, Some("#let data = json(\"/data.json\")\n#data.letter.no_such_field\n")).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("/main.typ:2:") && msg.contains("no_such_field"), "{msg}");
    // Packages and files outside the world are unavailable.
    let e = render(&data, Some("#import \"@preview/cetz:0.3.0\": *\n")).unwrap_err();
    assert!(matches!(e, LetterError::Template { .. }), "{e}");
    let e = render(&data, Some("#read(\"/etc/passwd\")\n")).unwrap_err();
    assert!(e.to_string().contains("not found"), "{e}");
}

#[test]
fn an_override_replaces_the_shipped_template_and_keeps_the_hash() {
    let data = sample(LetterKind::Recommendation);
    let custom = "#import \"/common.typ\": *\n#show: letter\n= Rekomendasi khusus\nNomor #L.letter_number, registrasi #L.registration_number.\n";
    let shipped = render(&data, None).expect("shipped");
    let r = render(&data, Some(custom)).expect("override");
    assert!(contains_text(&r.pdf, "Rekomendasi khusus"), "override text missing");
    assert!(contains_text(&r.pdf, data.registration_number()));
    assert_eq!(r.verification_hash, shipped.verification_hash, "the hash covers data, not the template");
}

#[test]
fn the_hash_is_stable_for_equal_data_and_changes_with_a_field() {
    let a = sample(LetterKind::ClarificationMinutes);
    let first = render(&a, None).expect("render").verification_hash;
    assert_eq!(first, render(&a.clone(), None).expect("render").verification_hash);
    let LetterData::ClarificationMinutes(mut d) = a else { unreachable!() };
    d.statements[0].answer.push('!');
    assert_ne!(first, verification_hash(&LetterData::ClarificationMinutes(d)));
    // Round-trip through JSON (as stored data would be) keeps the hash.
    let json = serde_json::to_string(&sample(LetterKind::Forwarding)).expect("json");
    let back: LetterData = serde_json::from_str(&json).expect("parse");
    assert_eq!(verification_hash(&back), verification_hash(&sample(LetterKind::Forwarding)));
}

#[test]
fn equal_data_gives_identical_pdfs() {
    let data = sample(LetterKind::Forwarding);
    assert_eq!(render(&data, None).expect("a").pdf, render(&data, None).expect("b").pdf);
}

#[test]
fn invalid_data_is_refused_before_typst_runs() {
    let LetterData::SecondInvitation(mut d) = sample(LetterKind::SecondInvitation) else { unreachable!() };
    d.previous = None;
    assert!(matches!(render(&LetterData::SecondInvitation(d), None), Err(LetterError::Data(_))));
    let LetterData::Receipt(mut r) = sample(LetterKind::Receipt) else { unreachable!() };
    r.registration_number = " ".into();
    assert!(matches!(render(&LetterData::Receipt(r), None), Err(LetterError::Data(_))));
}

#[test]
fn an_anonymous_receipt_names_no_reporter() {
    let LetterData::Receipt(mut d) = sample(LetterKind::Receipt) else { unreachable!() };
    d.reporter_name = None;
    let r = render(&LetterData::Receipt(d), None).expect("render");
    assert!(!contains_text(&r.pdf, "Siti Rahmawati"));
    assert!(contains_text(&r.pdf, "informasi"));
}

#[test]
fn rendering_is_fast_after_the_first_letter() {
    netra_letters::warm_up();
    let data = sample(LetterKind::Invitation);
    let started = Instant::now();
    let n = 5;
    for _ in 0..n {
        render(&data, None).expect("render");
    }
    let each = started.elapsed() / n;
    eprintln!("subsequent render: {each:?} each");
    // Generous bound for unoptimised CI builds on 2 cores; a regression to rebuilding fonts per
    // render would take several times longer.
    assert!(each.as_secs_f64() < 3.0, "render took {each:?}");
}

/// Cross-check of the built-in extraction with poppler's `pdftotext`, where it is installed (it is
/// not required: CI machines may lack it).
#[test]
fn pdftotext_agrees_where_installed() {
    let Ok(out) = std::process::Command::new("pdftotext").arg("-v").output() else {
        eprintln!("skipped: pdftotext not installed");
        return;
    };
    if !out.status.success() && out.stderr.is_empty() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("netra-letters-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for kind in LetterKind::ALL {
        let data = sample(*kind);
        let r = render(&data, None).expect("render");
        let pdf = dir.join(format!("{}.pdf", kind.as_str()));
        std::fs::write(&pdf, &r.pdf).expect("write");
        let text = std::process::Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext");
        let text = String::from_utf8_lossy(&text.stdout);
        // Numbers are kept on one line by the templates, so this is a plain substring.
        assert!(text.contains(data.registration_number()), "{kind:?}: {text}");
        assert!(text.contains(&r.verification_hash), "{kind:?}: hash");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
