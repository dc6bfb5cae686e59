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
    let served = run_server(args, shutdown_signal()).await;
    rms_mock::flush_logging();
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, msg)) => {
            eprintln!("rms-mock: {msg}");
            ExitCode::from(code)
        }
    }
}

/// Ctrl-C or SIGTERM. The handlers are installed here, before the banner is printed, so a
/// signal sent as soon as the banner appears stops the server cleanly instead of killing it.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let (int, term) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate()));
        async move {
            let recv = |s: std::io::Result<tokio::signal::unix::Signal>| async move {
                match s {
                    Ok(mut s) => {
                        s.recv().await;
                    }
                    Err(_) => std::future::pending::<()>().await,
                }
            };
            tokio::select! { _ = recv(int) => {}, _ = recv(term) => {} }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}
