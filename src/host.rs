//! The compute that runs the code which uses a secret: the `--host` values, and their names in reports.
//! Plain data, so the command line can name a host without the remediation that renders for it
//! (`remediation::host` infers one and says how to give it an identity).

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Host {
    /// An Azure virtual machine
    Vm,
    /// A virtual machine scale set
    Vmss,
    /// Azure App Service (web apps)
    Appservice,
    /// Azure Functions
    Functions,
    /// Azure Container Apps
    Containerapps,
    /// Azure Kubernetes Service (workload identity)
    Aks,
    /// GitHub Actions (OpenID Connect federation)
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
