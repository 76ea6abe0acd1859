//! The bottom layer: file IO that keeps harden's promises (no write
//! through a link, no rename over a device, no input that hangs or floods)
//! and the one masking path every output goes through.

pub mod fsio;
pub mod redact;
