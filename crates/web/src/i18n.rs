//! Locale catalogues (`locales/{id,en}/*.ftl`, Fluent syntax). The API only needs simple messages,
//! so they are read as `key = value` lines; Indonesian is the default, English on request.

use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Id,
    En,
}

impl Lang {
    /// Picks the language from an `Accept-Language` header (first supported tag wins).
    pub fn from_accept_language(h: Option<&str>) -> Lang {
        let Some(h) = h else { return Lang::Id };
        for part in h.split(',') {
            let tag = part.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            if tag.starts_with("en") {
                return Lang::En;
            }
            if tag.starts_with("id") || tag.starts_with("in") {
                return Lang::Id;
            }
        }
        Lang::Id
    }
}

pub const ID_ERRORS: &str = include_str!("../locales/id/errors.ftl");
pub const EN_ERRORS: &str = include_str!("../locales/en/errors.ftl");
pub const ID_UI: &str = include_str!("../locales/id/ui.ftl");
pub const EN_UI: &str = include_str!("../locales/en/ui.ftl");
/// The public portal's text (reporting form, receipt follow-up).
pub const ID_PORTAL: &str = include_str!("../locales/id/portal.ftl");
pub const EN_PORTAL: &str = include_str!("../locales/en/portal.ftl");

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    pub fn from_code(s: &str) -> Option<Lang> {
        match s {
            "id" => Some(Lang::Id),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// Parses the simple-message subset of Fluent used here.
pub fn parse_ftl(text: &str) -> HashMap<String, String> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

fn catalogue(lang: Lang) -> &'static HashMap<String, String> {
    static ID: OnceLock<HashMap<String, String>> = OnceLock::new();
    static EN: OnceLock<HashMap<String, String>> = OnceLock::new();
    match lang {
        Lang::Id => ID.get_or_init(|| parse_ftl(&format!("{ID_ERRORS}\n{ID_UI}\n{ID_PORTAL}"))),
        Lang::En => EN.get_or_init(|| parse_ftl(&format!("{EN_ERRORS}\n{EN_UI}\n{EN_PORTAL}"))),
    }
}

/// The message for `key` if the catalogue has it.
pub fn try_t(lang: Lang, key: &str) -> Option<String> {
    catalogue(lang).get(key).cloned()
}

/// The message for `key`, or the key itself if a catalogue lacks it (a test prevents that).
pub fn t(lang: Lang, key: &str) -> String {
    catalogue(lang).get(key).cloned().unwrap_or_else(|| key.to_owned())
}

/// The message for `key` with Fluent placeables `{ $name }` filled in.
pub fn t_args(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut m = t(lang, key);
    for (name, value) in args {
        m = m.replace(&format!("{{ ${name} }}"), value);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_locales_have_the_same_keys() {
        let mut id: Vec<_> = parse_ftl(ID_ERRORS).into_keys().collect();
        let mut en: Vec<_> = parse_ftl(EN_ERRORS).into_keys().collect();
        id.sort();
        en.sort();
        assert_eq!(id, en);
        assert!(id.len() >= 15);
        let mut id: Vec<_> = parse_ftl(&format!("{ID_UI}\n{ID_PORTAL}")).into_keys().collect();
        let mut en: Vec<_> = parse_ftl(&format!("{EN_UI}\n{EN_PORTAL}")).into_keys().collect();
        id.sort();
        en.sort();
        let missing: Vec<_> =
            id.iter().filter(|k| !en.contains(k)).chain(en.iter().filter(|k| !id.contains(k))).collect();
        assert!(missing.is_empty(), "keys in only one UI catalogue: {missing:?}");
        assert!(id.len() >= 100);
    }

    #[test]
    fn catalogues_have_no_duplicate_keys() {
        let id_all = format!("{ID_ERRORS}\n{ID_UI}\n{ID_PORTAL}");
        let en_all = format!("{EN_ERRORS}\n{EN_UI}\n{EN_PORTAL}");
        for text in [id_all.as_str(), en_all.as_str()] {
            let mut seen = std::collections::HashSet::new();
            for l in text.lines().filter(|l| !l.trim_start().starts_with('#') && l.contains('=')) {
                let k = l.split_once('=').map(|(k, _)| k.trim()).unwrap_or_default();
                assert!(seen.insert(k.to_owned()), "duplicate key {k}");
            }
        }
    }

    #[test]
    fn accept_language_prefers_first_supported() {
        assert_eq!(Lang::from_accept_language(Some("en-US,en;q=0.9")), Lang::En);
        assert_eq!(Lang::from_accept_language(Some("id-ID,en;q=0.5")), Lang::Id);
        assert_eq!(Lang::from_accept_language(Some("fr")), Lang::Id);
        assert_eq!(Lang::from_accept_language(None), Lang::Id);
    }
}
