//! The card model: the chip map as data ([`chipmap`]) and the command layer above the
//! transport seam ([`session`]).

pub mod chipmap;
pub mod session;

pub use session::{Session, SessionError};
