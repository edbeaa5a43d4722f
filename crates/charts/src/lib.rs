//! SVG charts (bar, stacked bar, line, donut) and choropleth maps, rendered on the server.
//!
//! Pure: no I/O, no database, no scripts or external resources in the output. Every chart is
//! accessible (`role="img"`, `<title>`, `<desc>`, visible labels, patterns beside colours) and has
//! an HTML table twin ([`chart::table`], [`map::Choropleth::table`]) to place next to it. Numbers
//! are formatted Indonesian style ([`format`]). The map geometry is compiled in from `data/geo/`.

pub mod chart;
pub mod format;
pub mod map;
pub mod svg;

pub use chart::{Chart, Series, bar, donut, line, stacked_bar, table};
pub use map::{Breaks, Choropleth, MapLevel, MapOutput, RegionValue};
