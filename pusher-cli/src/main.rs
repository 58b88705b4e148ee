//! `pusher`: the command line for Pusher Channels and any compatible server (soketi, the local
//! `pusher-emulator`), built on the pusher-rs library.
//!
//! It fires test events, shows what channels hold, watches what arrives on a channel, checks why
//! a webhook is refused, signs auth strings by hand, serves a local auth endpoint, and runs a local
//! server. `pusher --help` lists the commands, `pusher COMMAND --help` shows each with an example;
//! the crate's README documents them all.
//!
//! | file | what it holds |
//! |---|---|
//! | `main.rs` | the process: parse, run, print the failure, exit with its code |
//! | `commands/mod.rs` | the command line (clap) and which code runs each command |
//! | `commands/*.rs` | one file per command or group of commands, with its arguments |
//! | `connection.rs` | the connection settings and the client they make |
//! | `input.rs` | JSON from a flag, a file or stdin; durations; channel attributes |
//! | `output.rs` | human-readable or JSON output, tables, one line per event |
//! | `failure.rs` | why a command failed, and the exit code that says so |
//! | `until.rs` | when a command that runs until interrupted stops |
//! | `http_server.rs` | the local HTTP server of `auth-server` and `webhook listen` |

mod commands;
mod connection;
mod failure;
mod http_server;
mod input;
mod output;
mod until;

use std::process::ExitCode;

use clap::Parser as _;

use crate::commands::Cli;
use crate::failure::Failure;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => return report(&Failure::network(format!("cannot start the async runtime: {e}"))),
    };
    match runtime.block_on(cli.run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => report(&failure),
    }
}

/// Prints `failure` as one line on stderr (unless stdout was closed) and gives its exit code.
fn report(failure: &Failure) -> ExitCode {
    if let Failure::Report { message, .. } = failure {
        eprintln!("pusher: error: {message}");
    }
    failure.exit_code()
}
