//! The compact report: one line per finding, `path:line:col: severity rule-id message`, the shape editors
//! (`errorformat`, VS Code problem matchers) and `grep` read. Suppressed findings are left out as in the
//! text report; the message carries the masked preview, never the secret (unless `--show-secrets`).

use super::human::printable;
use crate::scan::ScanOutcome;
use std::fmt::Write as _;

pub fn render(outcome: &ScanOutcome) -> String {
    let mut out = String::new();
    for f in outcome.findings.iter().filter(|f| !f.is_suppressed()) {
        let mut message = format!("{} ({})", f.title, f.preview);
        if let Some(secret) = &f.secret {
            let _ = write!(message, " secret: {secret}");
        }
        let _ = writeln!(
            out,
            "{}:{}:{}: {} {} {}",
            printable(&f.path),
            f.line,
            f.column,
            f.severity,
            f.rule_id,
            printable(&message)
        );
    }
    out
}
