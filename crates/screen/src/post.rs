//! The generic post schema and streaming readers for post exports.
//!
//! Formats ([`InputFormat`]): the generic schema as JSONL or CSV (with a header row naming the
//! columns), X/Twitter API v2 tweet objects (JSONL, either `{"data": …, "includes": …}` responses or
//! bare tweet objects), and the plain link sheets monitoring teams keep (`link,text[,author,date]`, the
//! platform inferred from the link's host).
//!
//! Invariants: reading never panics and never stops at a bad line; a line that cannot be used
//! (invalid JSON or CSV, invalid UTF-8, empty text, a text over the size limit, an unknown platform, a
//! missing field) becomes a [`Skipped`] entry in the reader's [`SkipSummary`] and reading goes on.
//! Memory stays flat: one line buffer is reused, lines longer than the limit are discarded without
//! being held, and the summary keeps counts plus at most [`SkipSummary::MAX_LISTED`] line numbers.

use std::borrow::Cow;
use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::io::{BufRead, Read};

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

/// Texts longer than this (in bytes) are skipped.
pub const MAX_TEXT_BYTES: usize = 1 << 20;

/// Social-media platforms Netra knows. Anything else is skipped as an unknown platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    X,
    Facebook,
    Instagram,
    Tiktok,
    Youtube,
    Threads,
    Telegram,
    Whatsapp,
    Linkedin,
}

impl Platform {
    /// Parse a platform name (case-insensitive; "twitter", "fb", "ig", "yt", "wa" and host names too).
    pub fn parse(s: &str) -> Option<Platform> {
        let s = s.trim();
        let eq = |a: &str| s.eq_ignore_ascii_case(a);
        Some(if eq("x") || eq("twitter") || eq("x.com") || eq("twitter.com") {
            Platform::X
        } else if eq("facebook") || eq("fb") || eq("facebook.com") {
            Platform::Facebook
        } else if eq("instagram") || eq("ig") || eq("instagram.com") {
            Platform::Instagram
        } else if eq("tiktok") || eq("tiktok.com") {
            Platform::Tiktok
        } else if eq("youtube") || eq("yt") || eq("youtube.com") {
            Platform::Youtube
        } else if eq("threads") || eq("threads.net") {
            Platform::Threads
        } else if eq("telegram") || eq("t.me") {
            Platform::Telegram
        } else if eq("whatsapp") || eq("wa") {
            Platform::Whatsapp
        } else if eq("linkedin") || eq("linkedin.com") {
            Platform::Linkedin
        } else {
            return None;
        })
    }

    /// The platform of a post URL, from its host ("https://mobile.twitter.com/…" → X).
    pub fn from_url(url: &str) -> Option<Platform> {
        let host = url_host(url)?;
        const HOSTS: &[(&str, Platform)] = &[
            ("x.com", Platform::X),
            ("twitter.com", Platform::X),
            ("facebook.com", Platform::Facebook),
            ("fb.com", Platform::Facebook),
            ("fb.watch", Platform::Facebook),
            ("fb.me", Platform::Facebook),
            ("instagram.com", Platform::Instagram),
            ("instagr.am", Platform::Instagram),
            ("tiktok.com", Platform::Tiktok),
            ("youtube.com", Platform::Youtube),
            ("youtu.be", Platform::Youtube),
            ("threads.net", Platform::Threads),
            ("threads.com", Platform::Threads),
            ("t.me", Platform::Telegram),
            ("telegram.me", Platform::Telegram),
            ("wa.me", Platform::Whatsapp),
            ("whatsapp.com", Platform::Whatsapp),
            ("linkedin.com", Platform::Linkedin),
            ("lnkd.in", Platform::Linkedin),
        ];
        HOSTS.iter().find(|(d, _)| host_is(&host, d)).map(|(_, p)| *p)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Platform::X => "x",
            Platform::Facebook => "facebook",
            Platform::Instagram => "instagram",
            Platform::Tiktok => "tiktok",
            Platform::Youtube => "youtube",
            Platform::Threads => "threads",
            Platform::Telegram => "telegram",
            Platform::Whatsapp => "whatsapp",
            Platform::Linkedin => "linkedin",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the account engaged with the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engagement {
    /// Own post.
    #[default]
    Post,
    /// Share, retweet, repost or quote.
    Share,
    /// Comment or reply.
    Comment,
    /// Like or reaction.
    Like,
}

impl Engagement {
    /// Parse an engagement name (also "retweet", "repost", "quote", "reply", "reaction", "suka").
    pub fn parse(s: &str) -> Option<Engagement> {
        let s = s.trim();
        let any = |names: &[&str]| names.iter().any(|n| s.eq_ignore_ascii_case(n));
        Some(if s.is_empty() || any(&["post", "posting", "unggahan"]) {
            Engagement::Post
        } else if any(&["share", "retweet", "repost", "quote", "bagikan"]) {
            Engagement::Share
        } else if any(&["comment", "reply", "komentar", "balasan"]) {
            Engagement::Comment
        } else if any(&["like", "reaction", "suka", "favorite"]) {
            Engagement::Like
        } else {
            return None;
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Engagement::Post => "post",
            Engagement::Share => "share",
            Engagement::Comment => "comment",
            Engagement::Like => "like",
        }
    }
}

/// One post (or share, comment, like) in the generic schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Post {
    pub id: String,
    pub platform: Platform,
    /// Account handle without the leading `@` (may be empty for link sheets without an author).
    pub author_handle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
    pub text: String,
    /// As given in the export (RFC 3339 recommended).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Id or URL of the post this comments on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    /// Id or URL of the post this shares (or likes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_of: Option<String>,
    #[serde(default)]
    pub engagement: Engagement,
}

impl Default for Post {
    fn default() -> Self {
        Self {
            id: String::new(),
            platform: Platform::X,
            author_handle: String::new(),
            author_name: None,
            text: String::new(),
            created_at: None,
            url: None,
            reply_to: None,
            share_of: None,
            engagement: Engagement::Post,
        }
    }
}

/// Input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// Generic schema, one JSON object per line.
    Jsonl,
    /// Generic schema, CSV with a header row.
    Csv,
    /// X/Twitter API v2 tweet objects, one JSON object per line.
    TwitterV2,
    /// A spreadsheet of `link,text[,author,date]` (header row optional).
    LinkSheet,
}

impl InputFormat {
    /// "jsonl", "csv", "twitter" (or "x", "twitter-v2"), "links" (or "link-sheet").
    pub fn parse(s: &str) -> Option<InputFormat> {
        match s.trim().to_ascii_lowercase().as_str() {
            "jsonl" | "json" | "ndjson" => Some(InputFormat::Jsonl),
            "csv" => Some(InputFormat::Csv),
            "twitter" | "twitter-v2" | "x" => Some(InputFormat::TwitterV2),
            "links" | "link-sheet" | "linksheet" => Some(InputFormat::LinkSheet),
            _ => None,
        }
    }
}

/// Why a line was skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum SkipReason {
    InvalidJson(String),
    InvalidCsv(String),
    InvalidUtf8,
    EmptyText,
    TextTooLong(usize),
    LineTooLong,
    UnknownPlatform(String),
    UnknownEngagement(String),
    MissingField(&'static str),
    /// Reading failed; nothing after this line was read.
    Io(String),
}

impl SkipReason {
    /// Stable short name, used for counts.
    pub fn kind(&self) -> &'static str {
        match self {
            SkipReason::InvalidJson(_) => "invalid_json",
            SkipReason::InvalidCsv(_) => "invalid_csv",
            SkipReason::InvalidUtf8 => "invalid_utf8",
            SkipReason::EmptyText => "empty_text",
            SkipReason::TextTooLong(_) => "text_too_long",
            SkipReason::LineTooLong => "line_too_long",
            SkipReason::UnknownPlatform(_) => "unknown_platform",
            SkipReason::UnknownEngagement(_) => "unknown_engagement",
            SkipReason::MissingField(_) => "missing_field",
            SkipReason::Io(_) => "io_error",
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::InvalidJson(e) => write!(f, "invalid JSON: {e}"),
            SkipReason::InvalidCsv(e) => write!(f, "invalid CSV: {e}"),
            SkipReason::InvalidUtf8 => f.write_str("not valid UTF-8"),
            SkipReason::EmptyText => f.write_str("empty text"),
            SkipReason::TextTooLong(n) => write!(f, "text of {n} bytes is over the limit"),
            SkipReason::LineTooLong => f.write_str("line is over the size limit"),
            SkipReason::UnknownPlatform(p) if p.is_empty() => f.write_str("unknown platform (none given)"),
            SkipReason::UnknownPlatform(p) => write!(f, "unknown platform {p:?}"),
            SkipReason::UnknownEngagement(e) => write!(f, "unknown engagement {e:?}"),
            SkipReason::MissingField(name) => write!(f, "missing field {name}"),
            SkipReason::Io(e) => write!(f, "read error: {e}"),
        }
    }
}

/// A skipped line (1-based line number; for CSV the line where the record starts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub line: u64,
    pub reason: SkipReason,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// Counts of skipped lines and the first [`Self::MAX_LISTED`] of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SkipSummary {
    pub total: u64,
    pub by_reason: BTreeMap<&'static str, u64>,
    pub lines: Vec<Skipped>,
    /// More lines were skipped than listed.
    pub truncated: bool,
}

impl SkipSummary {
    /// At most this many skipped lines are kept with their reason.
    pub const MAX_LISTED: usize = 10_000;

    pub(crate) fn record(&mut self, s: Skipped) {
        self.total += 1;
        *self.by_reason.entry(s.reason.kind()).or_default() += 1;
        if self.lines.len() < Self::MAX_LISTED {
            self.lines.push(s);
        } else {
            self.truncated = true;
        }
    }
}

impl fmt::Display for SkipSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} skipped", self.total)?;
        for (kind, n) in &self.by_reason {
            let lines: Vec<String> =
                self.lines.iter().filter(|s| s.reason.kind() == *kind).take(20).map(|s| s.line.to_string()).collect();
            let more = if (lines.len() as u64) < *n { ", …" } else { "" };
            write!(f, "; {kind}: {n} (lines {}{more})", lines.join(", "))?;
        }
        Ok(())
    }
}

/// Streaming reader of posts. Use [`PostReader::read_into`] to reuse one [`Post`] (no allocation per
/// post in the generic JSONL path), or iterate to get owned posts (skipped lines are recorded).
pub struct PostReader<R: BufRead> {
    source: Source<R>,
    pending: VecDeque<Result<Post, Skipped>>,
    summary: SkipSummary,
    max_text: usize,
    done: bool,
    /// False while [`PostReader::read_batch`] reads: its caller records the skips.
    record_skips: bool,
}

enum Source<R: BufRead> {
    Lines { reader: R, buf: Vec<u8>, line: u64, twitter: bool },
    Csv { reader: csv::Reader<R>, record: csv::ByteRecord, columns: Option<Columns>, links: bool },
}

impl<R: BufRead> fmt::Debug for PostReader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostReader").field("summary", &self.summary).finish_non_exhaustive()
    }
}

impl<R: BufRead> PostReader<R> {
    pub fn new(reader: R, format: InputFormat) -> Self {
        let source = match format {
            InputFormat::Jsonl | InputFormat::TwitterV2 => {
                Source::Lines { reader, buf: Vec::new(), line: 0, twitter: format == InputFormat::TwitterV2 }
            }
            InputFormat::Csv | InputFormat::LinkSheet => Source::Csv {
                reader: csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(reader),
                record: csv::ByteRecord::new(),
                columns: None,
                links: format == InputFormat::LinkSheet,
            },
        };
        Self {
            source,
            pending: VecDeque::new(),
            summary: SkipSummary::default(),
            max_text: MAX_TEXT_BYTES,
            done: false,
            record_skips: true,
        }
    }

    /// Change the text size limit (default [`MAX_TEXT_BYTES`]).
    pub fn with_max_text_bytes(mut self, bytes: usize) -> Self {
        self.max_text = bytes;
        self
    }

    /// Skipped lines so far.
    pub fn summary(&self) -> &SkipSummary {
        &self.summary
    }

    pub fn into_summary(self) -> SkipSummary {
        self.summary
    }

    /// Read the next post into `post`, reusing its buffers. `None` at the end of input;
    /// `Some(Err(skipped))` for a skipped line (also recorded in [`Self::summary`]).
    pub fn read_into(&mut self, post: &mut Post) -> Option<Result<(), Skipped>> {
        loop {
            if let Some(p) = self.pending.pop_front() {
                return Some(self.deliver(p.map(|p| *post = p)));
            }
            if self.done {
                return None;
            }
            let max_text = self.max_text;
            let step = match &mut self.source {
                Source::Lines { reader, buf, line, twitter } => match next_line(reader, buf, line, max_text) {
                    Line::Eof => {
                        self.done = true;
                        continue;
                    }
                    Line::Blank => continue,
                    Line::Skip(s) => Some(Err(s)),
                    Line::Fatal(s) => {
                        self.done = true;
                        Some(Err(s))
                    }
                    Line::Text(text) => {
                        if *twitter {
                            twitter_line(text, *line, max_text, &mut self.pending);
                            None
                        } else {
                            Some(generic_json(text, max_text, post).map_err(|reason| Skipped { line: *line, reason }))
                        }
                    }
                },
                Source::Csv { reader, record, columns, links } => match reader.read_byte_record(record) {
                    Ok(false) => {
                        self.done = true;
                        continue;
                    }
                    Ok(true) => {
                        let line = record.position().map_or(0, csv::Position::line);
                        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                            continue;
                        }
                        let mut header_error = None;
                        if columns.is_none() {
                            match Columns::from_first(record, *links) {
                                Ok((cols, is_data)) => {
                                    *columns = Some(cols);
                                    if !is_data {
                                        continue;
                                    }
                                }
                                Err(reason) => header_error = Some(Skipped { line, reason }),
                            }
                        }
                        if let Some(e) = header_error {
                            self.done = true;
                            Some(Err(e))
                        } else if let Some(cols) = columns.as_ref() {
                            Some(csv_post(cols, record, max_text, post).map_err(|reason| Skipped { line, reason }))
                        } else {
                            continue;
                        }
                    }
                    Err(e) => {
                        let line = e.position().map_or(0, csv::Position::line);
                        if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                            self.done = true;
                            Some(Err(Skipped { line, reason: SkipReason::Io(e.to_string()) }))
                        } else {
                            Some(Err(Skipped { line, reason: SkipReason::InvalidCsv(e.to_string()) }))
                        }
                    }
                },
            };
            if let Some(result) = step {
                return Some(self.deliver(result));
            }
        }
    }

    fn deliver(&mut self, r: Result<(), Skipped>) -> Result<(), Skipped> {
        if let Err(s) = &r
            && self.record_skips
        {
            self.summary.record(s.clone());
        }
        r
    }
}

/// A batch of input for parsing and scoring on another thread: raw generic-JSONL lines (parsed there
/// with [`Batch::parse`]) or posts the reader parsed already (CSV, X API v2, link sheets), and the
/// skipped lines between them, in input order. Buffers are reused from batch to batch.
#[derive(Debug, Default)]
pub struct Batch {
    raw: String,
    items: Vec<BatchItem>,
    /// One slot per item: the parsed post (for skipped items, whatever was there before).
    posts: Vec<Post>,
    max_text: usize,
}

/// One input item of a [`Batch`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchItem {
    /// A generic JSONL line (`start..end` in the batch's text), not parsed yet.
    Raw { line: u64, start: usize, end: usize },
    /// A post in the same slot of [`Batch::post`].
    Parsed,
    /// A line the reader skipped.
    Skipped(Skipped),
}

impl Batch {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn clear(&mut self) {
        self.raw.clear();
        self.items.clear();
    }

    pub fn items(&self) -> &[BatchItem] {
        &self.items
    }

    /// The post in slot `i` (meaningful after a successful [`Self::parse`] of it).
    pub fn post(&self, i: usize) -> &Post {
        &self.posts[i]
    }

    /// Parses item `i` into its slot: `Ok` when [`Self::post`]`(i)` is a post, `Err` with the
    /// skipped line otherwise (the same result [`PostReader::read_into`] gives for that line).
    pub fn parse(&mut self, i: usize) -> Result<&Post, Skipped> {
        match &self.items[i] {
            BatchItem::Raw { line, start, end } => {
                generic_json(&self.raw[*start..*end], self.max_text, &mut self.posts[i])
                    .map_err(|reason| Skipped { line: *line, reason })?;
            }
            BatchItem::Parsed => {}
            BatchItem::Skipped(s) => return Err(s.clone()),
        }
        Ok(&self.posts[i])
    }

    fn slot(&mut self) -> &mut Post {
        let i = self.items.len();
        if self.posts.len() <= i {
            self.posts.resize_with(i + 1, Post::default);
        }
        &mut self.posts[i]
    }
}

impl<R: BufRead> PostReader<R> {
    /// Reads up to `max_items` items (or about `max_bytes` of raw lines) into `batch` (cleared first);
    /// false at the end of input. Generic JSONL lines are only split and checked for UTF-8 here and
    /// parsed by [`Batch::parse`] (on any thread); other formats are parsed here. Skipped lines are
    /// items of the batch and are NOT recorded in [`Self::summary`]: the caller records them in
    /// order (reading then parsing on several threads gives the same skips as [`Self::read_into`]).
    pub fn read_batch(&mut self, batch: &mut Batch, max_items: usize, max_bytes: usize) -> bool {
        batch.clear();
        batch.max_text = self.max_text;
        let max_items = max_items.max(1);
        while batch.items.len() < max_items && batch.raw.len() < max_bytes {
            if let Some(p) = self.pending.pop_front() {
                match p {
                    Ok(p) => {
                        *batch.slot() = p;
                        batch.items.push(BatchItem::Parsed);
                    }
                    Err(s) => batch.items.push(BatchItem::Skipped(s)),
                }
                continue;
            }
            if self.done {
                break;
            }
            let max_text = self.max_text;
            match &mut self.source {
                Source::Lines { reader, buf, line, twitter: false } => match next_line(reader, buf, line, max_text) {
                    Line::Eof => self.done = true,
                    Line::Blank => {}
                    Line::Skip(s) => batch.items.push(BatchItem::Skipped(s)),
                    Line::Fatal(s) => {
                        self.done = true;
                        batch.items.push(BatchItem::Skipped(s));
                    }
                    Line::Text(text) => {
                        let start = batch.raw.len();
                        batch.raw.push_str(text);
                        batch.slot();
                        batch.items.push(BatchItem::Raw { line: *line, start, end: batch.raw.len() });
                    }
                },
                _ => {
                    // Other formats: parse here, keeping the skips out of the summary.
                    let mut post = std::mem::take(batch.slot());
                    let r = self.read_into_unrecorded(&mut post);
                    *batch.slot() = post;
                    match r {
                        None => break,
                        Some(Ok(())) => batch.items.push(BatchItem::Parsed),
                        Some(Err(s)) => batch.items.push(BatchItem::Skipped(s)),
                    }
                }
            }
        }
        !batch.items.is_empty() || !self.done
    }

    fn read_into_unrecorded(&mut self, post: &mut Post) -> Option<Result<(), Skipped>> {
        self.record_skips = false;
        let r = self.read_into(post);
        self.record_skips = true;
        r
    }
}

impl<R: BufRead> Iterator for PostReader<R> {
    type Item = Post;

    fn next(&mut self) -> Option<Post> {
        let mut post = Post::default();
        loop {
            match self.read_into(&mut post)? {
                Ok(()) => return Some(post),
                Err(_) => continue,
            }
        }
    }
}

enum Line<'a> {
    Eof,
    Blank,
    Text(&'a str),
    Skip(Skipped),
    Fatal(Skipped),
}

/// Reads one line into `buf` without holding more than the line limit in memory.
fn next_line<'a, R: BufRead>(reader: &mut R, buf: &'a mut Vec<u8>, line: &mut u64, max_text: usize) -> Line<'a> {
    // JSON escapes can double a text's size; leave room for the other fields.
    let limit = max_text.saturating_mul(2).saturating_add(64 * 1024) as u64;
    buf.clear();
    let n = match reader.by_ref().take(limit).read_until(b'\n', buf) {
        Ok(n) => n,
        Err(e) => return Line::Fatal(Skipped { line: *line + 1, reason: SkipReason::Io(e.to_string()) }),
    };
    if n == 0 {
        return Line::Eof;
    }
    *line += 1;
    if n as u64 == limit && buf.last() != Some(&b'\n') {
        // Discard the rest of the over-long line in bounded chunks.
        loop {
            buf.clear();
            match reader.by_ref().take(64 * 1024).read_until(b'\n', buf) {
                Ok(0) => break,
                Ok(_) if buf.last() == Some(&b'\n') => break,
                Ok(_) => {}
                Err(e) => return Line::Fatal(Skipped { line: *line, reason: SkipReason::Io(e.to_string()) }),
            }
        }
        return Line::Skip(Skipped { line: *line, reason: SkipReason::LineTooLong });
    }
    let mut bytes: &[u8] = buf;
    if *line == 1 && bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes = &bytes[3..];
    }
    match std::str::from_utf8(bytes) {
        Ok(s) if s.trim_ascii().is_empty() => Line::Blank,
        Ok(s) => Line::Text(s.trim_ascii_end()),
        Err(_) => Line::Skip(Skipped { line: *line, reason: SkipReason::InvalidUtf8 }),
    }
}

fn check_text(text: &str, max_text: usize) -> Result<(), SkipReason> {
    if text.len() > max_text {
        Err(SkipReason::TextTooLong(text.len()))
    } else if text.trim().is_empty() {
        Err(SkipReason::EmptyText)
    } else {
        Ok(())
    }
}

fn set(dst: &mut String, src: &str) {
    dst.clear();
    dst.push_str(src);
}

fn set_opt(dst: &mut Option<String>, src: Option<&str>) {
    match (dst.as_mut(), src.filter(|s| !s.is_empty())) {
        (Some(d), Some(s)) => set(d, s),
        (None, Some(s)) => *dst = Some(s.to_owned()),
        (_, None) => *dst = None,
    }
}

fn clean_handle(h: &str) -> &str {
    h.trim().trim_start_matches('@')
}

/// A JSON string (borrowed when it has no escapes) or number, as text.
#[derive(Debug)]
struct Str<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_any(V)
    }
}

/// Like [`Str`], always owned (for the X/Twitter structures).
#[derive(Debug)]
struct OwnedStr(String);

impl<'de> Deserialize<'de> for OwnedStr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Str::deserialize(d).map(|s| OwnedStr(s.0.into_owned()))
    }
}

fn s<'x>(v: &'x Option<Str<'_>>) -> Option<&'x str> {
    v.as_ref().map(|s| &*s.0)
}

#[derive(Deserialize)]
struct RawPost<'a> {
    #[serde(borrow, default)]
    id: Option<Str<'a>>,
    #[serde(borrow, default)]
    platform: Option<Str<'a>>,
    #[serde(borrow, default, alias = "author", alias = "handle", alias = "username")]
    author_handle: Option<Str<'a>>,
    #[serde(borrow, default)]
    author_name: Option<Str<'a>>,
    #[serde(borrow, default)]
    text: Option<Str<'a>>,
    #[serde(borrow, default)]
    created_at: Option<Str<'a>>,
    #[serde(borrow, default)]
    url: Option<Str<'a>>,
    #[serde(borrow, default)]
    reply_to: Option<Str<'a>>,
    #[serde(borrow, default)]
    share_of: Option<Str<'a>>,
    #[serde(borrow, default)]
    engagement: Option<Str<'a>>,
}

/// The fields of one generic post, borrowed from a JSON line or CSV record.
struct Fields<'a> {
    id: Option<&'a str>,
    platform: Option<&'a str>,
    author_handle: Option<&'a str>,
    author_name: Option<&'a str>,
    text: Option<&'a str>,
    created_at: Option<&'a str>,
    url: Option<&'a str>,
    reply_to: Option<&'a str>,
    share_of: Option<&'a str>,
    engagement: Option<&'a str>,
}

fn generic_json(line: &str, max_text: usize, post: &mut Post) -> Result<(), SkipReason> {
    let raw: RawPost<'_> = serde_json::from_str(line).map_err(|e| SkipReason::InvalidJson(e.to_string()))?;
    fill_generic(
        &Fields {
            id: s(&raw.id),
            platform: s(&raw.platform),
            author_handle: s(&raw.author_handle),
            author_name: s(&raw.author_name),
            text: s(&raw.text),
            created_at: s(&raw.created_at),
            url: s(&raw.url),
            reply_to: s(&raw.reply_to),
            share_of: s(&raw.share_of),
            engagement: s(&raw.engagement),
        },
        max_text,
        post,
    )
}

fn fill_generic(f: &Fields<'_>, max_text: usize, post: &mut Post) -> Result<(), SkipReason> {
    let text = f.text.ok_or(SkipReason::MissingField("text"))?;
    check_text(text, max_text)?;
    let platform = match f.platform.filter(|p| !p.trim().is_empty()) {
        Some(p) => Platform::parse(p).ok_or_else(|| SkipReason::UnknownPlatform(p.to_owned()))?,
        None => f.url.and_then(Platform::from_url).ok_or_else(|| SkipReason::UnknownPlatform(String::new()))?,
    };
    let id = f.id.map(str::trim).filter(|s| !s.is_empty()).ok_or(SkipReason::MissingField("id"))?;
    let handle =
        f.author_handle.map(clean_handle).filter(|s| !s.is_empty()).ok_or(SkipReason::MissingField("author_handle"))?;
    let engagement = match f.engagement {
        None => Engagement::Post,
        Some(e) => Engagement::parse(e).ok_or_else(|| SkipReason::UnknownEngagement(e.to_owned()))?,
    };
    set(&mut post.id, id);
    post.platform = platform;
    set(&mut post.author_handle, handle);
    set_opt(&mut post.author_name, f.author_name);
    set(&mut post.text, text);
    set_opt(&mut post.created_at, f.created_at);
    set_opt(&mut post.url, f.url);
    set_opt(&mut post.reply_to, f.reply_to);
    set_opt(&mut post.share_of, f.share_of);
    post.engagement = engagement;
    Ok(())
}

/// Column positions of a CSV file.
#[derive(Debug, Clone, Default)]
struct Columns {
    links: bool,
    id: Option<usize>,
    platform: Option<usize>,
    author_handle: Option<usize>,
    author_name: Option<usize>,
    text: Option<usize>,
    created_at: Option<usize>,
    url: Option<usize>,
    reply_to: Option<usize>,
    share_of: Option<usize>,
    engagement: Option<usize>,
}

impl Columns {
    /// From the first record: the columns, and whether that record is data (a link sheet without header).
    fn from_first(record: &csv::ByteRecord, links: bool) -> Result<(Columns, bool), SkipReason> {
        let names: Vec<String> = record
            .iter()
            .map(|f| String::from_utf8_lossy(f).trim().trim_start_matches('\u{feff}').to_lowercase())
            .collect();
        if links {
            let first = names.first().map(String::as_str).unwrap_or_default();
            if looks_like_url(first) {
                return Ok((Columns::positional_links(), true));
            }
        }
        let find = |aliases: &[&str]| names.iter().position(|n| aliases.contains(&n.as_str()));
        let mut c = Columns {
            links,
            id: find(&["id", "post_id"]),
            platform: find(&["platform", "platform_name"]),
            author_handle: find(&["author_handle", "handle", "author", "username", "akun", "penulis", "pemilik akun"]),
            author_name: find(&["author_name", "name", "nama", "nama akun"]),
            text: find(&["text", "teks", "isi", "konten", "content", "caption", "unggahan", "isi unggahan"]),
            created_at: find(&["created_at", "date", "tanggal", "waktu", "time", "timestamp"]),
            url: find(&["url", "link", "tautan", "tautan unggahan"]),
            reply_to: find(&["reply_to", "balasan_untuk"]),
            share_of: find(&["share_of", "bagikan_dari"]),
            engagement: find(&["engagement", "type", "jenis"]),
        };
        if links && (c.url.is_none() || c.text.is_none()) {
            c = Columns::positional_links();
        }
        if c.text.is_none() {
            return Err(SkipReason::MissingField("text"));
        }
        Ok((c, false))
    }

    fn positional_links() -> Columns {
        Columns {
            links: true,
            url: Some(0),
            text: Some(1),
            author_handle: Some(2),
            created_at: Some(3),
            ..Columns::default()
        }
    }
}

fn csv_post(cols: &Columns, record: &csv::ByteRecord, max_text: usize, post: &mut Post) -> Result<(), SkipReason> {
    let mut bad_utf8 = false;
    let mut get = |i: Option<usize>| -> Option<&str> {
        let bytes = record.get(i?)?;
        match std::str::from_utf8(bytes) {
            Ok(s) => Some(s.trim()).filter(|s| !s.is_empty()),
            Err(_) => {
                bad_utf8 = true;
                None
            }
        }
    };
    let f = Fields {
        id: get(cols.id),
        platform: get(cols.platform),
        author_handle: get(cols.author_handle),
        author_name: get(cols.author_name),
        text: get(cols.text),
        created_at: get(cols.created_at),
        url: get(cols.url),
        reply_to: get(cols.reply_to),
        share_of: get(cols.share_of),
        engagement: get(cols.engagement),
    };
    if bad_utf8 {
        return Err(SkipReason::InvalidUtf8);
    }
    if !cols.links {
        // The text column exists (checked with the header), so a missing value is an empty text.
        if f.text.is_none() {
            return Err(SkipReason::EmptyText);
        }
        return fill_generic(&f, max_text, post);
    }
    let link = f.url.ok_or(SkipReason::MissingField("link"))?;
    let text = f.text.ok_or(SkipReason::EmptyText)?;
    check_text(text, max_text)?;
    let platform = match f.platform {
        Some(p) => Platform::parse(p).ok_or_else(|| SkipReason::UnknownPlatform(p.to_owned()))?,
        None => Platform::from_url(link)
            .ok_or_else(|| SkipReason::UnknownPlatform(url_host(link).unwrap_or_else(|| link.to_owned())))?,
    };
    let handle = f.author_handle.map(clean_handle).or_else(|| author_from_url(platform, link)).unwrap_or_default();
    set(&mut post.id, f.id.unwrap_or(link));
    post.platform = platform;
    set(&mut post.author_handle, handle);
    set_opt(&mut post.author_name, f.author_name);
    set(&mut post.text, text);
    set_opt(&mut post.created_at, f.created_at);
    set_opt(&mut post.url, Some(link));
    set_opt(&mut post.reply_to, None);
    set_opt(&mut post.share_of, None);
    post.engagement = f.engagement.and_then(Engagement::parse).unwrap_or_default();
    Ok(())
}

fn looks_like_url(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://") || l.starts_with("www.") || Platform::from_url(&l).is_some()
}

/// Lowercased host of a URL (scheme optional), without "www.", "m.", "mobile." and similar prefixes.
fn url_host(url: &str) -> Option<String> {
    let u = url.trim();
    let rest = u.split_once("://").map_or(u, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?.to_ascii_lowercase();
    if host.is_empty() || !host.contains('.') {
        return None;
    }
    Some(host)
}

fn host_is(host: &str, domain: &str) -> bool {
    host == domain || host.strip_suffix(domain).is_some_and(|p| p.ends_with('.'))
}

/// The account handle in a post URL, where the platform puts it there.
fn author_from_url(platform: Platform, url: &str) -> Option<&str> {
    let u = url.trim();
    let rest = u.split_once("://").map_or(u, |(_, r)| r);
    let path = rest.split_once('/').map(|(_, p)| p)?;
    let path = path.split(['?', '#']).next()?;
    let mut segs = path.split('/').filter(|s| !s.is_empty());
    let first = segs.next()?;
    let second = segs.next();
    let handle = match platform {
        Platform::X if second == Some("status") && !matches!(first, "i" | "intent" | "search" | "hashtag") => first,
        Platform::Tiktok | Platform::Youtube | Platform::Threads => first.strip_prefix('@')?,
        Platform::Instagram if first == "stories" => second?,
        Platform::Instagram if !matches!(first, "p" | "reel" | "reels" | "tv" | "explore") => first,
        Platform::Facebook
            if !first.contains('.')
                && !matches!(
                    first,
                    "photo" | "watch" | "groups" | "share" | "reel" | "events" | "story" | "permalink"
                ) =>
        {
            first
        }
        Platform::Telegram if first != "s" => first,
        _ => return None,
    };
    Some(handle).filter(|h| !h.is_empty())
}

// --- X/Twitter API v2 ---

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(Box<Tweet>),
    Many(Vec<Tweet>),
}

#[derive(Deserialize, Default)]
struct Tweet {
    #[serde(default)]
    id: Option<OwnedStr>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    author_id: Option<OwnedStr>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    referenced_tweets: Vec<TweetRef>,
    #[serde(default)]
    note_tweet: Option<NoteTweet>,
    /// Some export tools embed the author.
    #[serde(default)]
    author: Option<TwUser>,
}

#[derive(Deserialize)]
struct TweetRef {
    #[serde(rename = "type")]
    kind: String,
    id: OwnedStr,
}

#[derive(Deserialize)]
struct NoteTweet {
    text: String,
}

#[derive(Deserialize)]
struct TwUser {
    #[serde(default)]
    id: Option<OwnedStr>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize, Default)]
struct Includes {
    #[serde(default)]
    users: Vec<TwUser>,
    #[serde(default)]
    tweets: Vec<Tweet>,
}

#[derive(Deserialize)]
struct TwLine {
    #[serde(default)]
    data: Option<OneOrMany>,
    #[serde(default)]
    includes: Option<Includes>,
    #[serde(flatten)]
    bare: Tweet,
}

fn twitter_line(line: &str, line_no: u64, max_text: usize, out: &mut VecDeque<Result<Post, Skipped>>) {
    let skip = |reason| Err(Skipped { line: line_no, reason });
    let parsed: TwLine = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => return out.push_back(skip(SkipReason::InvalidJson(e.to_string()))),
    };
    let includes = parsed.includes.unwrap_or_default();
    let tweets: Vec<Tweet> = match parsed.data {
        Some(OneOrMany::One(t)) => vec![*t],
        Some(OneOrMany::Many(v)) => v,
        None if parsed.bare.id.is_some() => vec![parsed.bare],
        None => return out.push_back(skip(SkipReason::MissingField("data"))),
    };
    if tweets.is_empty() {
        return out.push_back(skip(SkipReason::MissingField("data")));
    }
    for t in tweets {
        out.push_back(tweet_post(t, &includes, max_text).map_err(|reason| Skipped { line: line_no, reason }));
    }
}

fn tweet_post(t: Tweet, inc: &Includes, max_text: usize) -> Result<Post, SkipReason> {
    let id = t.id.as_ref().map(|s| s.0.clone()).ok_or(SkipReason::MissingField("id"))?;
    let author_id = t.author_id.as_ref().map(|s| s.0.as_ref());
    let user = t
        .author
        .as_ref()
        .or_else(|| inc.users.iter().find(|u| u.id.as_ref().map(|i| i.0.as_ref()) == author_id && author_id.is_some()));
    let handle = user
        .and_then(|u| u.username.clone())
        .or_else(|| author_id.map(str::to_owned))
        .ok_or(SkipReason::MissingField("author_id"))?;
    let mut engagement = Engagement::Post;
    let (mut reply_to, mut share_of) = (None, None);
    let mut retweet_of = None;
    for r in &t.referenced_tweets {
        match r.kind.as_str() {
            "retweeted" => {
                engagement = Engagement::Share;
                share_of = Some(r.id.0.clone());
                retweet_of = Some(r.id.0.as_ref());
            }
            "replied_to" => {
                if engagement != Engagement::Share {
                    engagement = Engagement::Comment;
                }
                reply_to = Some(r.id.0.clone());
            }
            "quoted" => {
                if engagement == Engagement::Post {
                    engagement = Engagement::Share;
                }
                share_of.get_or_insert_with(|| r.id.0.clone());
            }
            _ => {}
        }
    }
    let mut text = t.note_tweet.map(|n| n.text).or(t.text).ok_or(SkipReason::MissingField("text"))?;
    // A retweet's own text is truncated ("RT @user: …"); use the original when the response includes it.
    if let Some(orig) = retweet_of.and_then(|rid| inc.tweets.iter().find(|o| o.id.as_ref().is_some_and(|i| i.0 == rid)))
        && let Some(full) = orig.note_tweet.as_ref().map(|n| &n.text).or(orig.text.as_ref())
    {
        text = full.clone();
    }
    check_text(&text, max_text)?;
    let url = match user.and_then(|u| u.username.as_deref()) {
        Some(u) => format!("https://x.com/{u}/status/{id}"),
        None => format!("https://x.com/i/web/status/{id}"),
    };
    Ok(Post {
        id,
        platform: Platform::X,
        author_handle: handle,
        author_name: user.and_then(|u| u.name.clone()),
        text,
        created_at: t.created_at,
        url: Some(url),
        reply_to,
        share_of,
        engagement,
    })
}

/// Read everything into memory: for tests and small inputs only.
pub fn read_all(reader: impl BufRead, format: InputFormat) -> (Vec<Post>, SkipSummary) {
    let mut r = PostReader::new(reader, format);
    let posts: Vec<Post> = r.by_ref().collect();
    (posts, r.into_summary())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jsonl(input: &[u8]) -> (Vec<Post>, SkipSummary) {
        read_all(input, InputFormat::Jsonl)
    }

    #[test]
    fn generic_jsonl_reads_and_skips_bad_lines() {
        let mut input = Vec::new();
        input.extend_from_slice(br#"{"id":"1","platform":"x","author_handle":"@Budi","text":"Ayo coblos 02","engagement":"share","share_of":"99"}"#);
        input.extend_from_slice(b"\n{not json\n");
        input.extend_from_slice(b"{\"id\":2,\"platform\":\"facebook\",\"author_handle\":\"a\",\"text\":\"caf\xff\"}\n");
        input.extend_from_slice(br#"{"id":"3","platform":"myspace","author_handle":"a","text":"halo"}"#);
        input.extend_from_slice(b"\n\n");
        input.extend_from_slice(br#"{"id":"4","platform":"tiktok","author_handle":"a","text":"   "}"#);
        input.extend_from_slice(b"\n");
        input.extend_from_slice(
            br#"{"id":5,"author_handle":"c","text":"Selamat pagi","url":"https://www.instagram.com/p/abc/"}"#,
        );
        let (posts, summary) = jsonl(&input);
        assert_eq!(posts.len(), 2);
        assert_eq!(posts[0].author_handle, "Budi");
        assert_eq!(posts[0].engagement, Engagement::Share);
        assert_eq!(posts[0].share_of.as_deref(), Some("99"));
        assert_eq!(posts[1].id, "5");
        assert_eq!(posts[1].platform, Platform::Instagram);
        assert_eq!(summary.total, 4);
        let lines: Vec<(u64, &str)> = summary.lines.iter().map(|s| (s.line, s.reason.kind())).collect();
        assert_eq!(lines, vec![(2, "invalid_json"), (3, "invalid_utf8"), (4, "unknown_platform"), (6, "empty_text")]);
        assert!(summary.to_string().contains("invalid_json: 1 (lines 2)"));
    }

    #[test]
    fn oversized_text_and_line_are_skipped_with_bounded_memory() {
        let line =
            |text: &str| format!("{{\"id\":\"1\",\"platform\":\"x\",\"author_handle\":\"a\",\"text\":\"{text}\"}}\n");
        let input = [line(&"a".repeat(300)), line(&"b".repeat(70_000)), line("ok")].concat();
        let mut r = PostReader::new(input.as_bytes(), InputFormat::Jsonl).with_max_text_bytes(200);
        let posts: Vec<Post> = r.by_ref().collect();
        assert_eq!(posts.len(), 1);
        assert_eq!(posts[0].text, "ok");
        let reasons: Vec<&SkipReason> = r.summary().lines.iter().map(|s| &s.reason).collect();
        assert_eq!(reasons, vec![&SkipReason::TextTooLong(300), &SkipReason::LineTooLong]);
        assert!(r.summary().lines.iter().map(|s| s.line).eq([1, 2]));
    }

    #[test]
    fn read_into_reuses_the_post() {
        let input = b"{\"id\":\"1\",\"platform\":\"x\",\"author_handle\":\"a\",\"text\":\"satu\",\"url\":\"u\"}\n{\"id\":\"2\",\"platform\":\"x\",\"author_handle\":\"b\",\"text\":\"dua\"}\n";
        let mut r = PostReader::new(&input[..], InputFormat::Jsonl);
        let mut p = Post::default();
        assert_eq!(r.read_into(&mut p), Some(Ok(())));
        assert_eq!(p.url.as_deref(), Some("u"));
        assert_eq!(r.read_into(&mut p), Some(Ok(())));
        assert_eq!((p.id.as_str(), p.text.as_str(), p.url.as_deref()), ("2", "dua", None));
        assert_eq!(r.read_into(&mut p), None);
    }

    #[test]
    fn generic_csv_with_header_in_any_order() {
        let input = "text,author_handle,platform,id,engagement\n\"Ayo, pilih 2\",budi,X,1,like\nhalo,ani,friendster,2,\n\"\",c,x,3,\n";
        let (posts, summary) = read_all(input.as_bytes(), InputFormat::Csv);
        assert_eq!(posts.len(), 1);
        assert_eq!(posts[0].text, "Ayo, pilih 2");
        assert_eq!(posts[0].engagement, Engagement::Like);
        let lines: Vec<(u64, &str)> = summary.lines.iter().map(|s| (s.line, s.reason.kind())).collect();
        assert_eq!(lines, vec![(3, "unknown_platform"), (4, "empty_text")]);
    }

    #[test]
    fn csv_invalid_utf8_is_skipped() {
        let input = b"id,platform,author_handle,text\n1,x,a,\xff\xfe\n2,x,b,baik\n";
        let (posts, summary) = read_all(&input[..], InputFormat::Csv);
        assert_eq!(posts.len(), 1);
        assert_eq!(summary.lines[0], Skipped { line: 2, reason: SkipReason::InvalidUtf8 });
    }

    #[test]
    fn link_sheet_with_and_without_header() {
        let with = "Tautan,Teks,Akun\nhttps://twitter.com/budi_asn/status/123,Coblos 02!,\nhttps://www.facebook.com/ani.s/posts/1,Halo warga,@ani\nhttps://example.com/x,apa,\n";
        let (posts, summary) = read_all(with.as_bytes(), InputFormat::LinkSheet);
        assert_eq!(posts.len(), 2);
        assert_eq!((posts[0].platform, posts[0].author_handle.as_str()), (Platform::X, "budi_asn"));
        assert_eq!(posts[0].id, "https://twitter.com/budi_asn/status/123");
        assert_eq!((posts[1].platform, posts[1].author_handle.as_str()), (Platform::Facebook, "ani"));
        assert_eq!(summary.lines[0].reason, SkipReason::UnknownPlatform("example.com".into()));
        let without = "https://vt.tiktok.com/@sari/video/1,Salam dua jari,,2024-01-05\n";
        let (posts, _) = read_all(without.as_bytes(), InputFormat::LinkSheet);
        assert_eq!(posts[0].platform, Platform::Tiktok);
        assert_eq!(posts[0].author_handle, "sari");
        assert_eq!(posts[0].created_at.as_deref(), Some("2024-01-05"));
    }

    #[test]
    fn twitter_v2_envelopes_and_bare_tweets() {
        let input = concat!(
            r#"{"data":[{"id":"10","text":"RT @paslon: Ayo menangkan…","author_id":"1","referenced_tweets":[{"type":"retweeted","id":"9"}]},"#,
            r#"{"id":"11","text":"setuju","author_id":"2","referenced_tweets":[{"type":"replied_to","id":"9"}],"created_at":"2024-01-02T03:04:05.000Z"}],"#,
            r#""includes":{"users":[{"id":"1","username":"budi_asn","name":"Budi"}],"tweets":[{"id":"9","text":"Ayo menangkan paslon 2 satu putaran!","author_id":"7"}]}}"#,
            "\n",
            r#"{"id":"12","text":"Kutip","author_id":"3","referenced_tweets":[{"type":"quoted","id":"9"}]}"#,
            "\n",
            r#"{"errors":[{"title":"Not Found"}]}"#,
            "\n"
        );
        let (posts, summary) = read_all(input.as_bytes(), InputFormat::TwitterV2);
        assert_eq!(posts.len(), 3);
        assert_eq!(posts[0].engagement, Engagement::Share);
        assert_eq!(posts[0].text, "Ayo menangkan paslon 2 satu putaran!");
        assert_eq!(posts[0].author_handle, "budi_asn");
        assert_eq!(posts[0].url.as_deref(), Some("https://x.com/budi_asn/status/10"));
        assert_eq!(posts[1].engagement, Engagement::Comment);
        assert_eq!(posts[1].author_handle, "2");
        assert_eq!(posts[1].reply_to.as_deref(), Some("9"));
        assert_eq!(posts[2].engagement, Engagement::Share);
        assert_eq!(summary.lines, vec![Skipped { line: 3, reason: SkipReason::MissingField("data") }]);
    }

    #[test]
    fn platform_from_url_hosts() {
        assert_eq!(Platform::from_url("https://mobile.twitter.com/a/status/1"), Some(Platform::X));
        assert_eq!(Platform::from_url("youtu.be/abc"), Some(Platform::Youtube));
        assert_eq!(Platform::from_url("https://notx.com/a"), None);
        assert_eq!(Platform::from_url("nonsense"), None);
    }
}
