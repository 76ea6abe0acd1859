//! The exit codes harden documents, in one place. Scripts and CI branch on
//! them, so they never change meaning.

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: nothing at or above the threshold fails.
    Ok,
    /// 1: an item fails, a waiver expired, or a re-review found a regression.
    Failing,
    /// 2: bad input, a refused path, or an error before any judgement.
    Error,
    /// 3: nothing fails, but something could not be checked.
    Unknown,
    /// 128 + n: stopped by signal n (130 for Ctrl-C).
    Signal(i32),
    /// 101: a bug; the terminal was restored first (Rust's panic code).
    Panic,
}

impl Exit {
    /// The process exit status.
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Failing => 1,
            Exit::Error => 2,
            Exit::Unknown => 3,
            Exit::Signal(n) => u8::try_from(128 + n).unwrap_or(130),
            Exit::Panic => 101,
        }
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> Self {
        std::process::ExitCode::from(e.code())
    }
}

#[cfg(test)]
mod tests {
    use super::Exit;

    #[test]
    fn codes_are_the_documented_ones() {
        let codes: Vec<u8> = [Exit::Ok, Exit::Failing, Exit::Error, Exit::Unknown]
            .iter()
            .map(|e| e.code())
            .collect();
        assert_eq!(codes, [0, 1, 2, 3]);
        assert_eq!(Exit::Signal(2).code(), 130);
        assert_eq!(Exit::Signal(15).code(), 143);
        assert_eq!(Exit::Signal(1000).code(), 130);
        assert_eq!(Exit::Panic.code(), 101);
    }
}
