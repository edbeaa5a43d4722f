//! `netra demo` is idempotent: a second run changes nothing and says so.

use serde_json::Value;

use crate::support::Instance;

async fn second_run_changes_nothing(n: &Instance) {
    let first = n.run(&["demo"]).success();
    let first_json = first.json();
    assert_eq!(first_json["loaded"], true, "first run loads the demo:\n{first}");
    assert_eq!(first_json["elections"], 2, "{first}");
    let cases = first_json["cases"].as_u64().unwrap_or_else(|| panic!("`cases` is a count:\n{first}"));
    assert!(cases >= 20, "the demo holds cases in every state, got {cases}:\n{first}");
    let states = first_json["states"].as_array().expect("states");
    let sum: u64 = states.iter().map(|s| s[1].as_u64().expect("a count per state")).sum();
    assert_eq!(sum, cases, "states add up to cases:\n{first}");
    let audit_after_first = n.run(&["audit", "verify"]).success();

    let second = n.run(&["demo"]).success();
    assert!(second.stdout.contains("\"loaded\": false"), "second run prints `\"loaded\": false`:\n{second}");
    let mut second_json = second.json();
    second_json["loaded"] = Value::Bool(true);
    assert_eq!(second_json, first_json, "the second run reports the same counts:\n{first}\n{second}");

    // Nothing was written either: the audit chain has the same length and head.
    let audit_after_second = n.run(&["audit", "verify"]).success();
    let strip = |s: &str| s.split(" (").next().unwrap_or_default().to_owned();
    assert_eq!(strip(&audit_after_second.stdout), strip(&audit_after_first.stdout));
}

on_both_engines!(demo_twice, super::second_run_changes_nothing);
