//! Official letters rendered to PDF with typst, fonts embedded.
//!
//! [`render`] takes a letter's typed data ([`LetterData`]) and an optional template override (an
//! administrator-edited template stored elsewhere); without one it uses the shipped template from
//! `data/letters/`. The data reaches typst only as a JSON file (`/data.json`, read by the template
//! with `json()`), never spliced into markup, so text a user typed is always printed literally.
//!
//! Every letter carries a verification hash: SHA-256 over the canonical JSON of its kind and data
//! ([`verification_hash`]). It is printed in the footer and returned, so it can be stored and a
//! paper copy checked later against the stored data. It does not depend on the template.
//!
//! Errors are [`LetterError`]: invalid data, a template that does not compile (with typst's messages
//! and positions), or a failed PDF export.

mod data;
pub mod date;
mod samples;
mod world;

use serde_json::Value;
use sha2::{Digest, Sha256};
use thiserror::Error;
use typst::WorldExt;
use typst::diag::{SourceDiagnostic, Warned};
use typst::ecow::EcoVec;
use typst::foundations::Smart;

pub use data::{
    Addressee, Finding, ForwardingData, InvitationData, Invitee, LetterData, LetterKind, LetterRef, MinutesData,
    Office, Online, Person, PreviousInvitation, ReceiptData, RecommendationData, Signatory, Statement,
};
pub use samples::sample;
pub use world::warm_up;

/// Version tag hashed with the data, so a future change of the hashing rule cannot collide.
pub const HASH_SCHEMA: &str = "netra-letter/1";

/// A rendered letter.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub pdf: Vec<u8>,
    /// Lowercase hex SHA-256 (see [`verification_hash`]); also printed on the letter.
    pub verification_hash: String,
    /// Typst warnings (the letter was still produced).
    pub warnings: Vec<String>,
}

/// One typst message with its position in the template.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub message: String,
    /// `/main.typ` (the template) or `/common.typ`.
    pub file: Option<String>,
    /// 1-based line and column.
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub hints: Vec<String>,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let (Some(file), Some(l), Some(c)) = (&self.file, self.line, self.column) {
            write!(f, "{file}:{l}:{c}: ")?;
        }
        f.write_str(&self.message)?;
        for h in &self.hints {
            write!(f, " (hint: {h})")?;
        }
        Ok(())
    }
}

#[derive(Debug, Error)]
pub enum LetterError {
    #[error("invalid letter data: {0}")]
    Data(String),
    /// The template (shipped or override) does not compile; `diagnostics` holds typst's messages.
    #[error("the letter template does not compile: {}", .diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Template { diagnostics: Vec<Diagnostic> },
    #[error("PDF export failed: {0}")]
    Pdf(String),
}

/// The shipped template of a kind (the fallback when no override is given).
pub fn shipped_template(kind: LetterKind) -> &'static str {
    match kind {
        LetterKind::Receipt => include_str!("../../../data/letters/receipt.typ"),
        LetterKind::Invitation | LetterKind::SecondInvitation => include_str!("../../../data/letters/invitation.typ"),
        LetterKind::ClarificationMinutes => include_str!("../../../data/letters/clarification_minutes.typ"),
        LetterKind::Forwarding => include_str!("../../../data/letters/forwarding.typ"),
        LetterKind::Recommendation => include_str!("../../../data/letters/recommendation.typ"),
    }
}

/// The shared layout module templates import as `/common.typ`.
pub fn common_template() -> &'static str {
    world::COMMON
}

/// Canonical JSON: object keys sorted, no insignificant whitespace, strings escaped as serde_json
/// does (`"`, `\` and control characters; everything else literal UTF-8).
pub fn canonical_json(v: &Value) -> String {
    fn write(v: &Value, out: &mut String) {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                out.push('{');
                for (i, k) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push(':');
                    write(&m[k], out);
                }
                out.push('}');
            }
            Value::Array(a) => {
                out.push('[');
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(x, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut out = String::new();
    write(v, &mut out);
    out
}

/// SHA-256 (lowercase hex) over the canonical JSON of
/// `{"schema": "netra-letter/1", "kind": <kind>, "data": <the letter's data>}`.
pub fn verification_hash(data: &LetterData) -> String {
    let tagged = serde_json::to_value(data).expect("letter data serialises");
    let doc = serde_json::json!({"schema": HASH_SCHEMA, "kind": data.kind().as_str(), "data": tagged["data"]});
    hex::encode(Sha256::digest(canonical_json(&doc).as_bytes()))
}

fn diagnostics(world: &world::LetterWorld, diags: &EcoVec<SourceDiagnostic>) -> Vec<Diagnostic> {
    diags
        .iter()
        .map(|d| {
            let source = d.span.id().and_then(|id| world.source_of(id));
            let pos = source.zip(world.range(d.span)).and_then(|(s, r)| s.lines().byte_to_line_column(r.start));
            Diagnostic {
                message: d.message.to_string(),
                file: source.map(|s| s.id().vpath().get_with_slash().to_owned()),
                line: pos.map(|p| p.0 + 1),
                column: pos.map(|p| p.1 + 1),
                hints: d.hints.iter().map(|h| h.v.to_string()).collect(),
            }
        })
        .collect()
}

/// Renders one letter. `template_override` replaces the shipped template of the letter's kind.
pub fn render(data: &LetterData, template_override: Option<&str>) -> Result<Rendered, LetterError> {
    data.validate()?;
    let hash = verification_hash(data);
    let json = serde_json::to_vec(&data.view(&hash)).expect("view serialises");
    let template = template_override.unwrap_or_else(|| shipped_template(data.kind()));
    let world = world::LetterWorld::new(template, json);
    let Warned { output, warnings } = typst::compile(&world);
    let result = output.map_err(|e| LetterError::Template { diagnostics: diagnostics(&world, &e) }).and_then(|doc| {
        let options = typst_pdf::PdfOptions { ident: Smart::Custom(hash.clone()), ..Default::default() };
        typst_pdf::pdf(&doc, &options).map_err(|e| {
            LetterError::Pdf(diagnostics(&world, &e).iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
        })
    });
    // Typst memoises globally; keep only what recent renders used so memory stays flat.
    typst::comemo::evict(10);
    Ok(Rendered {
        pdf: result?,
        verification_hash: hash,
        warnings: diagnostics(&world, &warnings).iter().map(ToString::to_string).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_keys_and_drops_whitespace() {
        let v = serde_json::json!({"b": [1, {"z": null, "a": "x\"y"}], "a": true});
        assert_eq!(canonical_json(&v), r#"{"a":true,"b":[1,{"a":"x\"y","z":null}]}"#);
    }

    #[test]
    fn the_hash_is_stable_and_changes_with_any_field() {
        let a = sample(LetterKind::Invitation);
        assert_eq!(verification_hash(&a), verification_hash(&a.clone()));
        assert_eq!(verification_hash(&a).len(), 64);
        let LetterData::Invitation(orig) = a.clone() else { unreachable!() };
        let mut d = orig.clone();
        d.place.push('.');
        assert_ne!(verification_hash(&a), verification_hash(&LetterData::Invitation(d)));
        // Same data under another kind is another letter.
        assert_ne!(verification_hash(&a), verification_hash(&LetterData::SecondInvitation(orig)));
    }
}
