//! The forms of the case page, declared once: which fields each workflow action asks for, and how
//! the submitted fields become the same JSON command the API accepts (so validation lives in one
//! place, the core use case).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value, json};

/// How a field is entered.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Text,
    TextArea,
    /// One item per line → JSON array of strings.
    Lines,
    /// Comma-separated codes → JSON array of strings.
    Codes,
    Date,
    /// `datetime-local`, interpreted in the case's time zone.
    DateTime,
    Checkbox,
    Select(&'static [&'static str]),
    /// The subject tracks of the case.
    Track,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// Translation-key prefix of the select's options (`category-` → `category-disiplin`).
    pub options_key: &'static str,
}

const fn f(name: &'static str, kind: Kind, required: bool) -> Field {
    Field { name, kind, required, options_key: "" }
}

const fn sel(name: &'static str, options: &'static [&'static str], key: &'static str) -> Field {
    Field { name, kind: Kind::Select(options), required: true, options_key: key }
}

/// Fields of a case command (`decide_*` actions share the `decide` form).
pub fn case_fields(action: &str) -> Option<&'static [Field]> {
    use Kind::*;
    Some(match action {
        "mark_incomplete" => const { &[f("missing", Lines, true)] },
        "complete" | "finish_clarification" => const { &[f("note", TextArea, false)] },
        "refuse_registration" | "withdraw" => const { &[f("reason", TextArea, true)] },
        "transfer" => const { &[f("to_region", Text, true), f("reason", TextArea, true)] },
        "forward_direct" => const { &[f("reason", TextArea, true), f("letter_number", Text, false)] },
        "accept_transfer" | "register" | "start_clarification" => const { &[] },
        "submit_study" => const { &[f("summary", TextArea, true)] },
        "decide" => {
            const { &[f("summary", TextArea, true), f("letter_number", Text, false), f("gakkumdu", Checkbox, false)] }
        }
        _ => return None,
    })
}

/// Fields of a track command.
pub fn track_fields(action: &str) -> Option<&'static [Field]> {
    use Kind::*;
    Some(match action {
        "reject" | "cancel" | "find_not_proven" | "record_left_service" => const { &[f("reason", TextArea, true)] },
        "issue_recommendation" => {
            const {
                &[
                    sel("category", &["kode_etik", "disiplin"], "category-"),
                    sel("sanction_level", &["moral", "ringan", "sedang", "berat", "ptdh"], "level-"),
                    f("sanction_option", Text, false),
                    f("violation_codes", Codes, true),
                    f("letter_number", Text, false),
                ]
            }
        }
        "deliver_to_ppk" => const { &[f("letter_number", Text, false)] },
        "mark_overdue" => const { &[] },
        "block_data" => const { &[f("reference", Text, true)] },
        "escalate" => {
            const {
                &[
                    sel("kind", &["kemendagri_reprimand", "president_escalation", "ppk_sanction"], "escalation-"),
                    f("reference", Text, false),
                ]
            }
        }
        "record_sanction" => {
            const { &[f("sanction_option", Text, true), f("decree_number", Text, true), f("decree_date", Date, true)] }
        }
        "unblock" => const { &[f("reference", Text, false)] },
        // Forward/drop happen through the plenary decision of the case.
        _ => return None,
    })
}

/// Fields of a clarification invitation.
pub const SCHEDULE_FIELDS: &[Field] = &[
    f("invitee_name", Kind::Text, true),
    sel("invitee_role", &["subject", "witness", "reporter", "expert"], "role-"),
    Field { name: "subject_track_id", kind: Kind::Track, required: false, options_key: "" },
    f("scheduled_at", Kind::DateTime, true),
    f("delivered_at", Kind::DateTime, true),
    f("delivery_channel", Kind::Text, true),
    sel("mode", &["in_person", "online"], "mode-"),
    f("online_reason", Kind::Text, false),
    f("place", Kind::Text, true),
];

/// Fields of an attendance record.
pub const ATTENDANCE_FIELDS: &[Field] = &[f("attended", Kind::Checkbox, false), f("minutes", Kind::TextArea, false)];

/// Submitted form fields (the last value wins for repeated names).
pub type Submitted = BTreeMap<String, String>;

/// A value that could not be read from the form, before any domain validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormProblem {
    pub field: String,
    pub code: &'static str,
}

/// Turns submitted fields into the JSON object of a command, typed per field.
pub fn to_json(
    fields: &[Field],
    form: &Submitted,
    zone: chrono::FixedOffset,
) -> Result<Map<String, Value>, Vec<FormProblem>> {
    let mut out = Map::new();
    let mut problems = Vec::new();
    for field in fields {
        let raw = form.get(field.name).map(|s| s.trim()).unwrap_or("");
        let value = match field.kind {
            Kind::Checkbox => Some(json!(matches!(raw, "on" | "true" | "1" | "ya"))),
            _ if raw.is_empty() => {
                if field.required {
                    problems.push(FormProblem { field: field.name.into(), code: "required" });
                }
                None
            }
            Kind::Lines => Some(json!(raw.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>())),
            Kind::Codes => Some(json!(
                raw.split([',', ' ', ';'])
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(str::to_uppercase)
                    .collect::<Vec<_>>()
            )),
            Kind::Date => match chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
                Ok(d) => Some(json!(d)),
                Err(_) => {
                    problems.push(FormProblem { field: field.name.into(), code: "invalid_date" });
                    None
                }
            },
            Kind::DateTime => {
                let parsed = chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M")
                    .or_else(|_| chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S"));
                match parsed.ok().and_then(|t| t.and_local_timezone(zone).single()) {
                    Some(t) => Some(json!(t.with_timezone(&chrono::Utc))),
                    None => {
                        problems.push(FormProblem { field: field.name.into(), code: "invalid_datetime" });
                        None
                    }
                }
            }
            Kind::Select(options) => {
                if options.contains(&raw) {
                    Some(json!(raw))
                } else {
                    problems.push(FormProblem { field: field.name.into(), code: "invalid_choice" });
                    None
                }
            }
            Kind::Text | Kind::TextArea | Kind::Track => Some(json!(raw)),
        };
        if let Some(v) = value {
            out.insert(field.name.to_owned(), v);
        }
    }
    if problems.is_empty() { Ok(out) } else { Err(problems) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Submitted {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn every_case_and_track_action_has_a_form_or_is_plenary() {
        use netra_domain::workflow::{CaseAction, TrackAction};
        for a in CaseAction::ALL {
            let name = if a.as_str().starts_with("decide_") { "decide" } else { a.as_str() };
            assert!(case_fields(name).is_some(), "no form for case action {a}");
        }
        for a in TrackAction::ALL {
            let plenary = matches!(a, TrackAction::Forward | TrackAction::Drop);
            assert_eq!(track_fields(a.as_str()).is_none(), plenary, "track action {a}");
        }
    }

    #[test]
    fn fields_become_typed_json() {
        let zone = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
        let fields = track_fields("issue_recommendation").unwrap();
        let out = to_json(
            fields,
            &form(&[("category", "disiplin"), ("sanction_level", "sedang"), ("violation_codes", "d-2, KE-4")]),
            zone,
        )
        .unwrap();
        assert_eq!(out["violation_codes"], json!(["D-2", "KE-4"]));
        assert!(!out.contains_key("letter_number"));

        let errs = to_json(fields, &form(&[("category", "x"), ("sanction_level", "sedang")]), zone).unwrap_err();
        assert_eq!(
            errs,
            vec![
                FormProblem { field: "category".into(), code: "invalid_choice" },
                FormProblem { field: "violation_codes".into(), code: "required" }
            ]
        );

        let s = to_json(
            SCHEDULE_FIELDS,
            &form(&[
                ("invitee_name", "Budi"),
                ("invitee_role", "subject"),
                ("scheduled_at", "2024-10-18T09:00"),
                ("delivered_at", "2024-10-16T10:00"),
                ("delivery_channel", "langsung"),
                ("mode", "in_person"),
                ("place", "Kantor"),
            ]),
            zone,
        )
        .unwrap();
        // 09:00 WITA is 01:00 UTC.
        assert_eq!(s["scheduled_at"], json!("2024-10-18T01:00:00Z"));
        assert!(!s.contains_key("subject_track_id"), "an empty optional field is omitted");
    }
}
