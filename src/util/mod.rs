//! The bottom layer: file IO that keeps harden's promises (no write
//! through a link, no rename over a device, no input that hangs or floods),
//! the one masking path every output goes through, dates and text
//! positions.

pub mod dates;
pub mod exit;
pub mod fsio;
pub mod redact;
pub mod text;
