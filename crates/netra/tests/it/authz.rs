//! The authorisation matrix: every official role × every demo case × the object's relation to the
//! official (own region, child, parent, sibling, other; forwarded or not; own or other agency;
//! closed or open), checked through the real binary against a declarative table written here,
//! independently of the implementation. Lists, search and counts must return exactly the allowed
//! set; reads and writes outside it must look exactly like a missing case.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use sqlx::Row;

use crate::support::Instance;

/// How a case relates to an official's region scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rel {
    National,
    Own,
    Child,
    Parent,
    Sibling,
    Other,
}

fn relation(scope: Option<&str>, handling: &str) -> Rel {
    let Some(scope) = scope else { return Rel::National };
    let parent = |c: &str| c.rsplit_once('.').map(|(p, _)| p.to_owned());
    if handling == scope {
        Rel::Own
    } else if handling.starts_with(&format!("{scope}.")) {
        Rel::Child
    } else if scope.starts_with(&format!("{handling}.")) {
        Rel::Parent
    } else if parent(handling).is_some() && parent(handling) == parent(scope) {
        Rel::Sibling
    } else {
        Rel::Other
    }
}

/// Which relations let a region-scoped role see a case. Forwarded-only roles (authority, PPK,
/// inspectorate) additionally need the case forwarded and, with an agency scope, a forwarded
/// subject of that agency.
const REGION_TABLE: &[(&str, &[Rel])] = &[
    ("bawaslu_ri", &[Rel::National]),
    ("bawaslu_provinsi", &[Rel::Own, Rel::Child]),
    ("bawaslu_kabkota", &[Rel::Own, Rel::Child]),
    ("panwaslu_kecamatan", &[Rel::Own, Rel::Child]),
    ("identity_custodian", &[Rel::Own, Rel::Child]),
    ("authority_verifier", &[Rel::National]),
    ("authority_analyst", &[Rel::National]),
    ("ppk", &[Rel::National]),
    ("inspectorate", &[Rel::National]),
    ("administrator", &[]),
    ("auditor", &[]),
];
const FORWARDED_ONLY: &[&str] = &["authority_verifier", "authority_analyst", "ppk", "inspectorate"];

struct Official {
    username: &'static str,
    role: &'static str,
    region: Option<&'static str>,
    agency: Option<&'static str>,
}

const OFFICIALS: &[Official] = &[
    Official { username: "m.ri", role: "bawaslu_ri", region: None, agency: None },
    Official { username: "m.jateng", role: "bawaslu_provinsi", region: Some("33"), agency: None },
    Official { username: "m.jatim", role: "bawaslu_provinsi", region: Some("35"), agency: None },
    Official { username: "m.semarang", role: "bawaslu_kabkota", region: Some("33.74"), agency: None },
    Official { username: "m.banyumas", role: "bawaslu_kabkota", region: Some("33.02"), agency: None },
    Official { username: "m.malang", role: "bawaslu_kabkota", region: Some("35.07"), agency: None },
    Official { username: "m.kec", role: "panwaslu_kecamatan", region: Some("33.74.05"), agency: None },
    Official { username: "m.custodian", role: "identity_custodian", region: Some("33"), agency: None },
    Official { username: "m.bkn", role: "authority_verifier", region: None, agency: None },
    Official { username: "m.analyst", role: "authority_analyst", region: None, agency: None },
    Official { username: "m.ppk", role: "ppk", region: None, agency: Some("pemkot-semarang") },
    Official { username: "m.ppk2", role: "ppk", region: None, agency: Some("pemkab-garut") },
    Official { username: "m.insp", role: "inspectorate", region: None, agency: Some("pemkot-semarang") },
    Official { username: "m.admin", role: "administrator", region: None, agency: None },
    Official { username: "m.audit", role: "auditor", region: None, agency: None },
];

struct CaseFacts {
    handling: String,
    forwarded: bool,
    closed: bool,
    /// Agency codes of subjects the authority has (track beyond Bawaslu).
    forwarded_agencies: BTreeSet<String>,
}

fn expected_visible(o: &Official, c: &CaseFacts) -> bool {
    let rels = REGION_TABLE.iter().find(|(r, _)| *r == o.role).map(|(_, rels)| *rels).unwrap_or(&[]);
    if !rels.contains(&relation(o.region, &c.handling)) {
        return false;
    }
    if FORWARDED_ONLY.contains(&o.role) {
        if !c.forwarded {
            return false;
        }
        if let Some(agency) = o.agency {
            return c.forwarded_agencies.contains(agency);
        }
    }
    true
}

async fn facts(n: &Instance) -> BTreeMap<String, CaseFacts> {
    let mut conn = n.connect().await;
    let mut out = BTreeMap::new();
    let rows = sqlx::query(
        "SELECT id, COALESCE(handling_region, '') AS handling_region, state, \
         CAST(CASE WHEN forwarded THEN 1 ELSE 0 END AS BIGINT) AS forwarded FROM cases",
    )
    .fetch_all(&mut conn)
    .await
    .expect("cases");
    for r in rows {
        let state: String = r.get("state");
        out.insert(
            r.get::<String, _>("id"),
            CaseFacts {
                handling: r.get("handling_region"),
                forwarded: r.get::<i64, _>("forwarded") == 1,
                closed: ["stopped", "not_registered", "withdrawn", "gakkumdu", "referred", "forwarded_direct"]
                    .contains(&state.as_str()),
                forwarded_agencies: BTreeSet::new(),
            },
        );
    }
    let tracks = sqlx::query(
        "SELECT st.case_id, a.code FROM subject_tracks st JOIN agencies a ON a.id = st.agency_id \
         WHERE st.state NOT IN ('in_bawaslu', 'not_forwarded')",
    )
    .fetch_all(&mut conn)
    .await
    .expect("tracks");
    for r in tracks {
        if let Some(c) = out.get_mut(&r.get::<String, _>("case_id")) {
            c.forwarded_agencies.insert(r.get("code"));
        }
    }
    out
}

fn token_of(n: &Instance, o: &Official) -> String {
    let mut args = vec!["admin", "create-user", "--username", o.username, "--role", o.role];
    if let Some(r) = o.region {
        args.extend(["--region", r]);
    }
    if let Some(a) = o.agency {
        args.extend(["--agency", a]);
    }
    n.run(&args).success();
    let out = n.run(&["admin", "create-token", "--username", o.username]).success();
    out.stdout.lines().last().expect("token line").trim().to_owned()
}

async fn every_role_sees_exactly_its_cases(n: &Instance) {
    n.run(&["demo"]).success();
    let tokens: Vec<String> = OFFICIALS.iter().map(|o| token_of(n, o)).collect();
    let facts = facts(n).await;
    assert!(facts.len() >= 40, "the demo has its cases");
    let server = n.serve(&[]);
    server.wait_healthy().await;
    let missing = "00000000-0000-7000-8000-000000000000";

    // Coverage: the relations the matrix must exercise really occur in the data.
    let mut seen: BTreeSet<(String, Rel, bool, bool)> = BTreeSet::new();
    for (o, tok) in OFFICIALS.iter().zip(&tokens) {
        let expected: BTreeSet<&String> =
            facts.iter().filter(|(_, c)| expected_visible(o, c)).map(|(id, _)| id).collect();
        for c in facts.values() {
            seen.insert((o.role.to_owned(), relation(o.region, &c.handling), c.forwarded, c.closed));
        }
        let (st, _, missing_body) = server.get(&format!("/api/v1/cases/{missing}"), Some(tok)).await;
        let not_allowed_at_all = o.role == "administrator" || o.role == "auditor";
        if not_allowed_at_all {
            assert_eq!(st, 403, "{} may not read cases at all", o.username);
            let (st, _, _) = server.get("/api/v1/cases?limit=500", Some(tok)).await;
            assert_eq!(st, 403, "{} may not list cases", o.username);
            continue;
        }
        assert_eq!(st, 404);

        // The list, the desk (all cases), and the desk's search return exactly the allowed set.
        let (st, _, body) = server.get("/api/v1/cases?limit=500", Some(tok)).await;
        assert_eq!(st, 200, "{body}");
        let listed: Value = serde_json::from_str(&body).expect("json");
        let listed: BTreeSet<String> = listed["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|c| c["id"].as_str().expect("id").to_owned())
            .collect();
        assert_eq!(listed.iter().collect::<BTreeSet<_>>(), expected, "{} ({}): /api/v1/cases", o.username, o.role);

        let (st, _, body) = server.get("/api/v1/desk?view=all", Some(tok)).await;
        assert_eq!(st, 200, "{body}");
        let desk: Value = serde_json::from_str(&body).expect("json");
        let on_desk: BTreeSet<String> = desk["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .map(|r| r["case"]["id"].as_str().expect("id").to_owned())
            .collect();
        assert_eq!(on_desk.iter().collect::<BTreeSet<_>>(), expected, "{} ({}): /api/v1/desk", o.username, o.role);

        // Search for a word every demo summary shares cannot widen the set.
        let (st, _, body) = server.get("/api/v1/desk?view=all&q=ASN", Some(tok)).await;
        assert_eq!(st, 200, "{body}");
        let found: Value = serde_json::from_str(&body).expect("json");
        for r in found["rows"].as_array().expect("rows") {
            let id = r["case"]["id"].as_str().expect("id").to_owned();
            assert!(expected.contains(&id), "{}: search returned a case outside scope", o.username);
        }

        // The inbox count never exceeds what the official may see.
        let (_, _, body) = server.get("/api/v1/desk", Some(tok)).await;
        let inbox: Value = serde_json::from_str(&body).expect("json");
        assert!(inbox["counts"]["open"].as_i64().expect("open") as usize <= expected.len());

        // Each case: readable when allowed; otherwise byte-for-byte the missing-case answer.
        for id in facts.keys() {
            let (st, _, body) = server.get(&format!("/api/v1/cases/{id}"), Some(tok)).await;
            if expected.contains(id) {
                assert_eq!(st, 200, "{} should read {id}: {body}", o.username);
            } else {
                assert_eq!(
                    (st.as_u16(), body.as_str()),
                    (404, missing_body.as_str()),
                    "{} must not see {id}",
                    o.username
                );
            }
        }

        // Writing to a case out of scope also looks like a missing case.
        if ["bawaslu_provinsi", "bawaslu_kabkota"].contains(&o.role)
            && let Some((id, _)) = facts.iter().find(|(id, _)| !expected.contains(id))
        {
            let post = |id: String| {
                server
                    .http
                    .post(server.url(&format!("/api/v1/cases/{id}/transitions")))
                    .bearer_auth(tok)
                    .json(&serde_json::json!({"expected_version": 1, "command": {"action": "register"}}))
                    .send()
            };
            let a = post(id.clone()).await.expect("post");
            let (sa, ba) = (a.status(), a.text().await.expect("body"));
            let b = post(missing.to_owned()).await.expect("post");
            let (sb, bb) = (b.status(), b.text().await.expect("body"));
            assert_eq!((sa, ba), (sb, bb), "{}: writing a foreign case must look like a missing one", o.username);
        }
    }
    for (role, rel) in [
        ("bawaslu_kabkota", Rel::Own),
        ("bawaslu_kabkota", Rel::Sibling),
        ("bawaslu_kabkota", Rel::Parent),
        ("bawaslu_provinsi", Rel::Child),
        ("bawaslu_provinsi", Rel::Other),
    ] {
        assert!(seen.iter().any(|(r, x, _, _)| r == role && *x == rel), "the data lacks a {rel:?} case for {role}");
    }
    assert!(seen.iter().any(|(r, _, fwd, _)| r == "ppk" && *fwd), "a forwarded case exists");
    assert!(seen.iter().any(|(r, _, _, closed)| r == "bawaslu_kabkota" && *closed), "a closed case exists");
    server.kill();
}

on_both_engines!(authorisation_matrix, super::every_role_sees_exactly_its_cases);
