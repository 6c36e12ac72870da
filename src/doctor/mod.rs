//! doctor

pub mod atr;
pub mod readers;
pub mod service;
