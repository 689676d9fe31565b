//! The compute that runs the code which uses a secret: the `--host` values, and their names in reports.
//! Plain data, so the command line can name a host without the remediation that renders for it
//! (`remediation::host` infers one and says how to give it an identity).

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Host {
    Vm,
    Vmss,
    Appservice,
    Functions,
    Containerapps,
    Aks,
    GithubActions,
}

impl Host {
    pub fn as_str(self) -> &'static str {
        match self {
            Host::Vm => "vm",
            Host::Vmss => "vmss",
            Host::Appservice => "appservice",
            Host::Functions => "functions",
            Host::Containerapps => "containerapps",
            Host::Aks => "aks",
            Host::GithubActions => "github-actions",
        }
    }
}
