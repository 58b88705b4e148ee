//! `pusher-emulator`: serves a local Pusher Channels compatible server until interrupted.

mod cli;

use std::io::Write as _;
use std::process::ExitCode;

use pusher_emulator::Emulator;

fn main() -> ExitCode {
    let command = match cli::parse(std::env::args().skip(1)) {
        Ok(command) => command,
        Err(e) => {
            eprintln!("pusher-emulator: {e}\n\n{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    let options = match command {
        cli::Command::Help => {
            println!("{}", cli::USAGE);
            return ExitCode::SUCCESS;
        }
        cli::Command::Version => {
            println!("pusher-emulator {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        cli::Command::Run(options) => options,
    };
    let emulator = match options.apply(Emulator::builder()).start_blocking() {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("pusher-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    let lines = [
        format!("PUSHER_URL={}", emulator.pusher_url()),
        format!("PUSHER_WS_URL={}", emulator.ws_url()),
        format!("PUSHER_APP_ID={}", emulator.app_id()),
        format!("PUSHER_KEY={}", emulator.key()),
        format!("PUSHER_SECRET={}", emulator.secret()),
        "PUSHER_HOST=127.0.0.1".to_owned(),
        format!("PUSHER_PORT={}", emulator.port()),
    ];
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
    let _ = out.flush();
    drop(out);
    eprintln!(
        "pusher-emulator: serving on {}; Ctrl-C or SIGTERM stops it",
        emulator.addr()
    );
    if let Err(e) = wait_for_signal() {
        eprintln!("pusher-emulator: cannot wait for signals: {e}");
        return ExitCode::FAILURE;
    }
    eprintln!("pusher-emulator: stopping");
    emulator.stop();
    ExitCode::SUCCESS
}

/// Blocks until Ctrl-C (SIGINT) or, on Unix, SIGTERM.
fn wait_for_signal() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        #[cfg(unix)]
        {
            let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
            tokio::select! {
                result = tokio::signal::ctrl_c() => result,
                _ = term.recv() => Ok(()),
            }
        }
        #[cfg(not(unix))]
        {
            tokio::signal::ctrl_c().await
        }
    })
}
