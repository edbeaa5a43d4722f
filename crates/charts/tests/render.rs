//! Renders every chart kind and the maps, parses the SVG as XML and checks what a reader would
//! notice: proportional bars, escaped labels, accessible structure, placeholders, no lost regions.

use netra_charts::map::{self, Breaks, Choropleth, MapLevel, RegionValue};
use netra_charts::{Chart, Series, bar, donut, line, stacked_bar, table};
use roxmltree::Document;

fn chart(categories: &[&str], series: &[(&str, &[Option<f64>])]) -> Chart {
    Chart {
        title: "Pelanggaran menurut jabatan".into(),
        description: String::new(),
        categories: categories.iter().map(|c| (*c).to_owned()).collect(),
        series: series.iter().map(|(n, v)| Series { name: (*n).to_owned(), values: v.to_vec() }).collect(),
        unit: "ASN".into(),
    }
}

/// Parses the SVG and checks the accessible frame every chart shares.
fn accessible<'a>(svg: &'a str, title: &str) -> Document<'a> {
    let doc = Document::parse(svg).unwrap_or_else(|e| panic!("not XML: {e}\n{svg}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    // Charts are images; maps hold region links, so they are groups (links may not nest in an image).
    let has_links = doc.descendants().any(|n| n.has_tag_name("a"));
    assert_eq!(root.attribute("role"), Some(if has_links { "group" } else { "img" }));
    let first = root.first_element_child().expect("children");
    assert_eq!(first.tag_name().name(), "title", "<title> must come first");
    assert_eq!(first.text(), Some(title));
    let desc = root.children().find(|n| n.has_tag_name("desc")).expect("<desc>");
    assert!(desc.text().is_some_and(|t| t.len() > 10), "desc says something");
    let labelled = root.attribute("aria-labelledby").expect("aria-labelledby");
    for id in labelled.split(' ') {
        assert!(doc.descendants().any(|n| n.attribute("id") == Some(id)), "aria-labelledby points at {id}");
    }
    for n in doc.descendants() {
        assert!(!n.has_tag_name("script") && !n.has_tag_name("image") && !n.has_tag_name("foreignObject"));
        for a in n.attributes() {
            assert!(!a.name().starts_with("on"), "event handler attribute {}", a.name());
            assert!(
                !a.value().contains("http") || a.name() == "xmlns",
                "external reference {}={}",
                a.name(),
                a.value()
            );
        }
        // Every url(#id) fill refers to a pattern defined in this document.
        if let Some(id) = n.attribute("fill").and_then(|f| f.strip_prefix("url(#")).and_then(|f| f.strip_suffix(')')) {
            assert!(doc.descendants().any(|p| p.has_tag_name("pattern") && p.attribute("id") == Some(id)), "{id}");
        }
    }
    doc
}

fn texts(doc: &Document<'_>) -> Vec<String> {
    doc.descendants().filter(|n| n.is_text()).filter_map(|n| n.text().map(str::to_owned)).collect()
}

fn value_rects<'a>(doc: &'a Document<'a>) -> Vec<(f64, f64)> {
    doc.descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("data-value").is_some())
        .map(|n| (n.attribute("data-value").unwrap().parse().unwrap(), n.attribute("width").unwrap().parse().unwrap()))
        .collect()
}

#[test]
fn bar_lengths_are_proportional_to_values() {
    let c = chart(
        &["JPT Pratama", "Fungsional", "Administrator", "Camat/Lurah (kepala wilayah)"],
        &[("ASN", &[Some(379.0), Some(227.0), Some(130.0), Some(69.0)])],
    );
    let svg = bar(&c);
    let doc = accessible(&svg, &c.title);
    let bars = value_rects(&doc);
    assert_eq!(bars.len(), 4);
    let (v0, w0) = bars[0];
    for (v, w) in &bars {
        assert!((w / v - w0 / v0).abs() < 1e-3, "bar {v} has width {w}; expected {}", v * w0 / v0);
    }
    assert!(texts(&doc).iter().any(|t| t == "JPT Pratama"), "labels are text");
    assert!(texts(&doc).iter().any(|t| t == "379"));
}

#[test]
fn thousands_use_indonesian_separators_and_withheld_values_are_not_zero_bars() {
    let c = chart(&["Jawa Tengah", "Papua Pegunungan"], &[("kasus", &[Some(1234.0), None])]);
    let svg = bar(&c);
    let doc = accessible(&svg, &c.title);
    assert_eq!(value_rects(&doc).len(), 1, "a withheld value draws no bar");
    let t = texts(&doc);
    assert!(t.iter().any(|t| t == "1.234"), "{t:?}");
    assert!(t.iter().any(|t| t == "disembunyikan"), "{t:?}");
}

#[test]
fn labels_and_titles_are_escaped() {
    let mut c = chart(&["<script>alert(1)</script> & \"kutip\""], &[("A&B <x>", &[Some(3.0)])]);
    c.title = "Judul <b>tebal</b> & 'kutip'".into();
    for svg in [bar(&c), stacked_bar(&c), line(&c), donut(&c)] {
        assert!(!svg.contains("<script>") && !svg.contains("<b>"), "unescaped markup in {svg}");
        let doc = accessible(&svg, &c.title);
        let all = texts(&doc).join("|");
        assert!(
            all.contains("<script>alert(1)</script> & \"kutip\"") || all.contains("<script>alert(1)</script>"),
            "{all}"
        );
    }
    let html = table(&c);
    assert!(!html.contains("<script>") && html.contains("&lt;script&gt;") && html.contains("A&amp;B &lt;x&gt;"));
    let doc = Document::parse(&html).expect("table is well-formed");
    assert_eq!(doc.descendants().find(|n| n.has_tag_name("caption")).and_then(|n| n.text()), Some(c.title.as_str()));
}

#[test]
fn empty_data_renders_a_placeholder() {
    let empty = chart(&[], &[("ASN", &[])]);
    let all_withheld = chart(&["Aceh"], &[("ASN", &[None])]);
    for c in [&empty, &all_withheld] {
        for svg in [bar(c), stacked_bar(c), line(c), donut(c)] {
            let doc = accessible(&svg, &c.title);
            assert!(texts(&doc).iter().any(|t| t == "Tidak ada data"), "{svg}");
            assert!(value_rects(&doc).is_empty());
        }
    }
    assert!(table(&empty).contains("Tidak ada data"));
}

#[test]
fn stacked_segments_are_proportional_and_patterned() {
    let c = chart(
        &["Kementerian/lembaga", "Pemerintah provinsi", "Pemerintah kabupaten/kota"],
        &[("Kode etik", &[Some(10.0), Some(5.0), Some(40.0)]), ("Disiplin", &[Some(30.0), Some(0.0), Some(60.0)])],
    );
    let svg = stacked_bar(&c);
    let doc = accessible(&svg, &c.title);
    let segs = value_rects(&doc);
    assert_eq!(segs.len(), 6);
    let unit = segs[0].1 / segs[0].0;
    for (v, w) in &segs {
        assert!((w - v * unit).abs() < 1e-2, "segment {v} has width {w}");
    }
    // The second series is told apart by a pattern, and both appear in the legend as text.
    assert!(doc.descendants().any(|n| n.has_tag_name("pattern")));
    let t = texts(&doc);
    assert!(t.iter().any(|t| t == "Kode etik") && t.iter().any(|t| t == "Disiplin"));
    assert!(t.iter().any(|t| t == "100"), "total of the last bar: {t:?}");
}

#[test]
fn line_chart_marks_every_value_and_breaks_at_withheld_months() {
    let months: Vec<String> =
        ["2024-08", "2024-09", "2024-10", "2024-11"].iter().map(|m| netra_charts::format::month_label(m)).collect();
    let months: Vec<&str> = months.iter().map(String::as_str).collect();
    let c = chart(
        &months,
        &[
            ("Kasus", &[Some(4.0), Some(9.0), None, Some(12.0)]),
            ("ASN", &[Some(5.0), Some(11.0), Some(20.0), Some(15.0)]),
        ],
    );
    let svg = line(&c);
    let doc = accessible(&svg, &c.title);
    let lines: Vec<_> =
        doc.descendants().filter(|n| n.has_tag_name("path") && n.attribute("fill") == Some("none")).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0].attribute("d").unwrap().matches('M').count(), 2, "the withheld month breaks the line");
    assert_ne!(
        lines[0].attribute("stroke-dasharray"),
        lines[1].attribute("stroke-dasharray"),
        "dash tells series apart"
    );
    let markers = doc
        .descendants()
        .filter(|n| {
            n.parent().is_some_and(|p| !p.has_tag_name("pattern"))
                && (n.has_tag_name("circle") || n.has_tag_name("rect"))
                && n.children().any(|c| c.has_tag_name("title"))
        })
        .count();
    assert_eq!(markers, 7, "one marker per known value");
    assert!(texts(&doc).iter().any(|t| t == "Okt 2024"));
}

#[test]
fn donut_shows_shares_in_text() {
    let c = chart(&["Media sosial", "Luring"], &[("Kasus", &[Some(379.0), Some(621.0)])]);
    let svg = donut(&c);
    let doc = accessible(&svg, &c.title);
    let slices =
        doc.descendants().filter(|n| n.has_tag_name("path") && n.children().any(|c| c.has_tag_name("title"))).count();
    assert_eq!(slices, 2);
    let t = texts(&doc);
    assert!(t.iter().any(|t| t == "379 (37,9 %)"), "{t:?}");
    assert!(t.iter().any(|t| t == "1.000"), "total in the middle: {t:?}");
}

#[test]
fn every_regency_in_the_catalogue_has_a_shape_or_is_listed_as_missing() {
    let missing = map::regencies_without_shape();
    assert_eq!(missing.len(), 7);
    let regions = netra_domain::catalogue::regions();
    for r in regions.regencies() {
        let code = r.code.as_str();
        assert!(
            map::has_shape(MapLevel::Regency, code) != missing.iter().any(|(m, _)| *m == code),
            "{code} {} must have a shape or be listed as missing (exactly one)",
            r.name
        );
    }
    for p in regions.provinces() {
        assert!(map::has_shape(MapLevel::Province, p.code.as_str()), "province {} has no shape", p.code.as_str());
    }
    for level in [MapLevel::Province, MapLevel::Regency] {
        for (code, _) in map::shapes(level) {
            let c = netra_domain::ids::RegionCode::parse(code).unwrap();
            assert!(regions.get(&c).is_some(), "shape {code} is not a catalogue region");
        }
    }
    let bytes = include_str!("../../../data/geo/provinces.paths").len()
        + include_str!("../../../data/geo/regencies.paths").len();
    assert!(bytes < 500_000, "embedded geometry is {bytes} bytes");
}

#[test]
fn regency_map_links_every_region_and_lists_those_without_shape() {
    let regions = netra_domain::catalogue::regions();
    let values: Vec<RegionValue> = regions
        .regencies()
        .iter()
        .enumerate()
        .map(|(i, r)| RegionValue {
            code: r.code.as_str().to_owned(),
            name: r.name.clone(),
            value: if i % 50 == 7 { None } else { Some((i % 13) as f64) },
        })
        .collect();
    let m = Choropleth {
        title: "Kasus per kabupaten/kota".into(),
        description: String::new(),
        level: MapLevel::Regency,
        unit: "kasus".into(),
        values: values.clone(),
        breaks: Breaks::Quantiles(5),
        link_prefix: "?region=".into(),
    };
    let out = m.render();
    let doc = accessible(&out.svg, &m.title);
    let links: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("a")).collect();
    assert_eq!(links.len(), 507);
    for a in &links {
        let path = a.first_element_child().expect("path");
        let code = path.attribute("data-code").unwrap();
        assert_eq!(a.attribute("href"), Some(format!("?region={code}").as_str()));
        let v = values.iter().find(|v| v.code == code).unwrap();
        let title = path.children().find(|n| n.has_tag_name("title")).and_then(|n| n.text()).unwrap();
        assert!(title.starts_with(&v.name), "{title}");
        match v.value {
            Some(x) => assert!(title.contains(&format!(": {} kasus", x as i64)), "{title}"),
            None => assert!(title.ends_with("disembunyikan"), "{title}"),
        }
    }
    let listed: Vec<&str> = out.without_shape.iter().map(|v| v.code.as_str()).collect();
    assert_eq!(listed, ["12.73", "12.76", "13.74", "13.75", "31.01", "33.71", "35.76"]);
    let desc = doc.descendants().find(|n| n.has_tag_name("desc")).and_then(|n| n.text()).unwrap();
    assert!(desc.contains("Kota Magelang"), "{desc}");
    // Quantile classes cover 1..=12 without gaps and the legend states them in text.
    assert_eq!(out.classes.first().map(|c| c.lower), Some(1.0));
    assert_eq!(out.classes.last().and_then(|c| c.upper), Some(12.0));
    for w in out.classes.windows(2) {
        assert_eq!(w[0].upper.map(|u| u + 1.0), Some(w[1].lower));
    }
    let t = texts(&doc);
    for c in &out.classes {
        assert!(t.contains(&c.label), "legend lacks {}", c.label);
    }
    let html = m.table();
    assert!(html.contains("Kota Magelang</a> (tidak ada di peta)"));
}

#[test]
fn province_map_with_fixed_breaks_colours_by_class() {
    let m = Choropleth {
        title: "ASN dilaporkan per provinsi".into(),
        description: String::new(),
        level: MapLevel::Province,
        unit: "ASN".into(),
        values: vec![
            RegionValue { code: "33".into(), name: "Jawa Tengah".into(), value: Some(57.0) },
            RegionValue { code: "11".into(), name: "Aceh".into(), value: Some(3.0) },
            RegionValue { code: "95".into(), name: "Papua Pegunungan".into(), value: Some(0.0) },
        ],
        breaks: Breaks::Fixed(vec![5.0, 20.0]),
        link_prefix: "?election=pilkada-2024&region=".into(),
    };
    let out = m.render();
    assert!(out.without_shape.is_empty());
    let doc = accessible(&out.svg, &m.title);
    let fill = |code: &str| {
        doc.descendants()
            .find(|n| n.attribute("data-code") == Some(code))
            .and_then(|n| n.attribute("fill"))
            .unwrap()
            .to_owned()
    };
    assert_ne!(fill("33"), fill("11"));
    assert_eq!(fill("95"), "#ffffff", "zero has its own class");
    assert_eq!(fill("12"), "#d9d9d9", "no value given");
    let labels: Vec<&str> = out.classes.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["1–5", "6–20", "> 20"]);
    assert!(out.svg.contains(r#"href="?election=pilkada-2024&amp;region=33""#));
}
