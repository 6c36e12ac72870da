//! The card model: the chip map as data ([`chipmap`]), the command decoder and selection
//! tracker ([`command`]) and the command layer above the transport seam ([`session`]).

// Card answers and fixture bytes are untrusted: no indexing that could panic
// (docs/safety.md, "Never crash").
#![deny(clippy::indexing_slicing)]

pub mod chipmap;
pub mod command;
pub mod identify;
pub mod ids;
pub mod session;

pub use session::{Session, SessionError};
