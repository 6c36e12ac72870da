//! The card layer above the transport seam: the command session ([`session`]) and "is this
//! a My Number Card" ([`identify`]). The chip map is data below it ([`crate::chipmap`]);
//! commands and status words are values below both ([`crate::iso7816`]).

// Card answers and fixture bytes are untrusted: no indexing that could panic
// (docs/safety.md, "Never crash").
#![deny(clippy::indexing_slicing)]

pub mod identify;
pub mod restart;
pub mod session;

/// Temporary paths (issue 16 moved these below the transport); new code names
/// `crate::chipmap` and `crate::iso7816::{command, ids}`.
pub use crate::chipmap;
pub use crate::iso7816::{command, ids};

pub use session::{Session, SessionError};
