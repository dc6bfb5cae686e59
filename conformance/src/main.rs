//! `rms-conformance`: replay setups and print their ledgers; compare two runs.

use clap::{Parser, Subcommand, ValueEnum};
use rms_conformance::runner::{self, Mode};
use rms_conformance::setup;
use std::path::PathBuf;
use std::process::ExitCode;

/// The exit statuses, as `--help` and the README give them.
const EXIT_STATUS: &str = "Exit status:\n  \
    0  every setup ran; its ledger is printed\n  \
    1  `diff`: the two runs differ (`run` never exits 1)\n  \
    2  a setup could not be run as written: a setup error (a bad key or value, a step naming an\n     \
    item, variant, order or fault that does not exist), a step the fake could not apply during\n     \
    the run, a failing --integration-cmd (cannot start, exits non-zero, killed), an unreachable\n     \
    --base-url, or a usage error. The other setups still run and print their ledgers.";

/// `rms-conformance diff`'s exit statuses.
const DIFF_EXIT_STATUS: &str = "Exit status:\n  \
    0  the two runs gave the same ledgers\n  \
    1  they differ (the differences are printed)\n  \
    2  a file cannot be read: missing, not JSON, or not a JSON ledger of this version (made by\n     \
    `run --format json`); or a usage error";

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
        /// `text`: the readable ledger; `json`: every entry an object, for machines
        /// (schemas/ledger.schema.json; `diff` reads it).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Run this command at every poll tick instead of the reference integration
        /// (env: RMS_BASE_URL, RMS_SERVICE_SECRET, RMS_LICENSE_KEY, RMS_NOW). A run of it that
        /// cannot start, exits non-zero, is killed or takes over 120 s fails the setup (its
        /// stderr shown once).
        #[arg(long)]
        integration_cmd: Option<String>,
        /// Also write the ledgers as one self-contained HTML report (swimlane timelines per
        /// order, the summary, the text ledger) to this file.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
    },
    /// Compare two runs' JSON ledgers; exit 0 the same, 1 different, 2 unreadable input.
    ///
    /// Reads two files made by `run --format json`. Setups are matched by file (two single
    /// ledgers are compared whatever their files), orders by label: the status changes,
    /// integration actions and calls added (+), removed (-) or moved in time (~), and the
    /// summary's calls, errors, stock, faults and notes.
    #[command(after_help = DIFF_EXIT_STATUS)]
    Diff {
        /// The earlier run's JSON ledger.
        a: PathBuf,
        /// The later run's JSON ledger.
        b: PathBuf,
        /// Also write the diff as HTML (the report's lanes of both sides, changes highlighted).
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[tokio::main]
async fn main() -> ExitCode {
    let (mut setups, base_url, admin_token, format, integration_cmd, html) = match Cli::parse().command {
        Command::Run { setups, base_url, admin_token, format, integration_cmd, html } => {
            (setups, base_url, admin_token, format, integration_cmd, html)
        }
        Command::Diff { a, b, html } => return diff(&a, &b, html.as_deref()),
    };
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
            Ok(ledger) => {
                if let Format::Text = format {
                    println!("{}", ledger.to_text());
                }
                json_out.push(ledger);
            }
            Err(e) => {
                eprintln!("{}: {e}", s.path.display());
                failed = true;
            }
        }
    }
    if let Format::Json = format {
        println!("{}", serde_json::to_string_pretty(&json_out).unwrap_or_default());
    }
    if let Some(path) = html {
        if let Err(e) = std::fs::write(&path, rms_conformance::report::html(&json_out)) {
            eprintln!("rms-conformance: cannot write {}: {e}", path.display());
            return ExitCode::from(SETUP_FAILED);
        }
    }
    if failed {
        ExitCode::from(SETUP_FAILED)
    } else {
        ExitCode::SUCCESS
    }
}

/// `rms-conformance diff A B`: 0 the same, 1 different, 2 unreadable input.
fn diff(a: &std::path::Path, b: &std::path::Path, html: Option<&std::path::Path>) -> ExitCode {
    use rms_conformance::diff;
    let (left, right) = match (diff::read(a), diff::read(b)) {
        (Ok(l), Ok(r)) => (l, r),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("rms-conformance diff: {e}");
            return ExitCode::from(2);
        }
    };
    let d = diff::diff(&a.display().to_string(), &left, &b.display().to_string(), &right);
    print!("{}", d.to_text());
    if let Some(path) = html {
        if let Err(e) = std::fs::write(path, d.to_html()) {
            eprintln!("rms-conformance diff: cannot write {}: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    if d.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
