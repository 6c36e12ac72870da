//! doctor

pub mod atr;
pub mod readers;
