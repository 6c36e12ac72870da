//! What in a card's freely readable data identifies or describes its holder, and how to
//! find it in a stream of exchanges. Shared by the recorder's redactor (`record`), the
//! `--trace` decorator and `fixture check`, so the three agree on where identifiers are.

pub mod context;
pub mod der;
pub mod detect;
pub mod identifiers;
pub mod text;

pub use context::{Assembly, Context, ObjectId, Placement};
pub use identifiers::{IdKind, Span, locate};
