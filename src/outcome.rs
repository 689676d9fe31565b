//! What a command ended with; `main` maps it to the exit code (0, 1, 2). A leaf, so every command (the
//! audit included) can return it without reaching up into `commands`.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing at or above the failure threshold.
    Clean,
    /// Findings at or above the threshold, or failed rule checks.
    Findings,
    /// Something could not be read; reports were still written.
    Error,
}
