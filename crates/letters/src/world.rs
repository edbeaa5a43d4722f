//! The typst `World` letters compile in: entirely in memory.
//!
//! Three files exist: `/main.typ` (the letter's template, shipped or an administrator's override),
//! `/common.typ` (the shipped shared layout) and `/data.json` (the letter's data). Fonts come only
//! from `typst-assets`; there are no system fonts, no file system, no network and no packages
//! (`@preview/…` imports fail with a clear message). The standard library, the font book and the
//! parsed fonts are built once per process ([`OnceLock`]) and shared by every render.

use std::sync::OnceLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The shared layout every shipped template imports.
pub(crate) const COMMON: &str = include_str!("../../../data/letters/common.typ");

struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: FileId,
    common: Source,
    data: FileId,
}

fn file_id(path: &str) -> FileId {
    RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).expect("valid virtual path")).intern()
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let fonts: Vec<Font> = typst_assets::fonts().flat_map(|data| Font::iter(Bytes::new(data))).collect();
        Shared {
            library: LazyHash::new(Library::builder().build()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            // Fixed paths: file ids are interned for the life of the process, so they must not be
            // minted per render.
            main: file_id("/main.typ"),
            common: Source::new(file_id("/common.typ"), COMMON.to_owned()),
            data: file_id("/data.json"),
        }
    })
}

/// Builds the shared parts now (fonts, library), e.g. at server start, so the first letter a user
/// asks for is as fast as the others.
pub fn warm_up() {
    shared();
}

/// One letter's compilation world.
pub(crate) struct LetterWorld {
    shared: &'static Shared,
    main: Source,
    data: Bytes,
}

impl LetterWorld {
    pub(crate) fn new(template: &str, data_json: Vec<u8>) -> Self {
        let shared = shared();
        LetterWorld { shared, main: Source::new(shared.main, template.to_owned()), data: Bytes::new(data_json) }
    }

    /// The source behind a file id (for turning diagnostics into line and column).
    pub(crate) fn source_of(&self, id: FileId) -> Option<&Source> {
        if id == self.shared.main {
            Some(&self.main)
        } else if id == self.shared.common.id() {
            Some(&self.shared.common)
        } else {
            None
        }
    }
}

fn not_available(id: FileId) -> FileError {
    match id.root() {
        VirtualRoot::Package(spec) => {
            FileError::Other(Some(format!("packages are not available to letter templates ({spec})").into()))
        }
        VirtualRoot::Project => FileError::NotFound(id.vpath().get_without_slash().into()),
    }
}

impl World for LetterWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.shared.book
    }

    fn main(&self) -> FileId {
        self.shared.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.source_of(id)
            .cloned()
            .ok_or_else(|| if id == self.shared.data { FileError::NotSource } else { not_available(id) })
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.shared.data {
            Ok(self.data.clone())
        } else if let Some(s) = self.source_of(id) {
            Ok(Bytes::from_string(s.text().to_owned()))
        } else {
            Err(not_available(id))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.get(index).cloned()
    }

    /// No clock: a letter's dates come from its data, so the same data always gives the same PDF.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}
