//! `rms-conformance`: replay setups and print their ledgers.

use clap::{Parser, Subcommand, ValueEnum};
use rms_conformance::runner::{self, Mode};
use rms_conformance::setup;
use std::path::PathBuf;
use std::process::ExitCode;

/// The exit statuses, as `--help` and the README give them.
const EXIT_STATUS: &str = "Exit status:\n  \
    0  every setup ran; its ledger is printed\n  \
    1  kept for differences found by a comparison\n  \
    2  a setup could not be run as written: a setup error (a bad key or value, a step naming an\n     \
    item, variant, order or fault that does not exist), a step the fake could not apply during\n     \
    the run, a failing --integration-cmd (cannot start, exits non-zero, killed), an unreachable\n     \
    --base-url, or a usage error. The other setups still run and print their ledgers.";

/// A setup could not be run as written (see [`EXIT_STATUS`]).
const SETUP_FAILED: u8 = 2;

#[derive(Parser)]
#[command(
    name = "rms-conformance",
    version,
    about = "Replays customer integration setups against rms-mock and prints the order-flow ledger.",
    after_help = EXIT_STATUS
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run setups (default: every fixtures/setups/*.toml) and print their ledgers.
    #[command(after_help = EXIT_STATUS)]
    Run {
        /// Setup files. Faults they declare ([[faults]], `fault` / `fault_off` steps) are
        /// installed on the fake through its control plane; the ledger marks those met.
        setups: Vec<PathBuf>,
        /// A running rms-mock to use instead of one in this process (its /__admin/ too).
        #[arg(long, env = "RMS_CONFORMANCE_BASE_URL")]
        base_url: Option<String>,
        /// The admin token of a --base-url server started with --admin-token (the same env
        /// var as the server's).
        #[arg(long, env = "RMS_MOCK_ADMIN_TOKEN", value_name = "TOKEN", hide_env_values = true)]
        admin_token: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Run this command at every poll tick instead of the reference integration
        /// (env: RMS_BASE_URL, RMS_SERVICE_SECRET, RMS_LICENSE_KEY, RMS_NOW). A run of it that
        /// cannot start, exits non-zero, is killed or takes over 120 s fails the setup (its
        /// stderr shown once).
        #[arg(long)]
        integration_cmd: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[tokio::main]
async fn main() -> ExitCode {
    let Command::Run { mut setups, base_url, admin_token, format, integration_cmd } = Cli::parse().command;
    if setups.is_empty() {
        let mut found: Vec<PathBuf> = std::fs::read_dir("fixtures/setups")
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        found.sort();
        setups = found;
    }
    if setups.is_empty() {
        eprintln!("rms-conformance: no setup files given and none in fixtures/setups");
        return ExitCode::from(SETUP_FAILED);
    }
    let mut loaded = Vec::new();
    for p in &setups {
        match setup::load(p) {
            Ok(s) => loaded.push(s),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(SETUP_FAILED);
            }
        }
    }
    // The in-process fake serves until dropped at the end of main.
    let mut _fake = None;
    let base = match base_url {
        Some(b) => {
            if let Err(e) = runner::check_reachable(&b).await {
                eprintln!("rms-conformance: {e}");
                return ExitCode::from(SETUP_FAILED);
            }
            b
        }
        None => match runner::start_in_process().await {
            Ok(fake) => _fake.insert(fake).uri(),
            Err(e) => {
                eprintln!("rms-conformance: cannot start the fake: {e}");
                return ExitCode::from(SETUP_FAILED);
            }
        },
    };
    let mut control = rms_mock::ControlClient::new(&base);
    if let Some(token) = admin_token.as_deref() {
        control = control.with_admin_token(token);
    }
    let mode = integration_cmd.map(Mode::Command).unwrap_or(Mode::Reference);
    let many = loaded.len() > 1;
    let mut json_out = Vec::new();
    let mut failed = false;
    for (i, s) in loaded.iter().enumerate() {
        if many {
            eprintln!("[{}/{}] {} ({})", i + 1, loaded.len(), s.file.name, s.path.display());
        }
        match runner::run_with(s, &control, &mode).await {
            Ok(ledger) => match format {
                Format::Text => println!("{}", ledger.to_text()),
                Format::Json => json_out.push(ledger),
            },
            Err(e) => {
                eprintln!("{}: {e}", s.path.display());
                failed = true;
            }
        }
    }
    if let Format::Json = format {
        println!("{}", serde_json::to_string_pretty(&json_out).unwrap_or_default());
    }
    if failed {
        ExitCode::from(SETUP_FAILED)
    } else {
        ExitCode::SUCCESS
    }
}
