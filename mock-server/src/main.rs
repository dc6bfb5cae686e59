//! `rms-mock`: parse flags, bind, serve until Ctrl-C / SIGTERM. All logic is in the library.

use clap::Parser;
use rms_mock::{check_shop_files, run_server, Cli, Command};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let args = match cli.command {
        Some(Command::Check { files }) => return check_shop_files(&files),
        Some(Command::Serve(args)) => args,
        None => cli.serve,
    };
    rms_mock::install_logging(args.log_format);
    match run_server(args, shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, msg)) => {
            eprintln!("rms-mock: {msg}");
            ExitCode::from(code)
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
