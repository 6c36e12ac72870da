//! doctor

pub mod atr;
