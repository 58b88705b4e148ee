//! The command line as clap parses it, and which code runs each command.

mod auth;
mod auth_server;
mod batch;
mod channels;
mod emulator;
mod notify;
mod subscribe;
mod terminate;
mod trigger;
mod webhook;

use std::time::Duration;

use clap::{CommandFactory as _, Parser, Subcommand};

use crate::connection::ConnectionArgs;
use crate::failure::Failure;
use crate::input::parse_duration;
use crate::output::Output;

/// The command line for Pusher Channels, soketi and any Pusher-compatible server.
#[derive(Parser)]
#[command(
    name = "pusher",
    version,
    about = "The command line for Pusher Channels and compatible servers (soketi, pusher-emulator)",
    after_help = "\
Exit codes: 0 success, 2 bad usage or invalid input (nothing sent), 3 refused by the server,
4 network failure or timeout, 5 webhook invalid.

Example:
  pusher emulator --port 6001                        # a local server; prints its PUSHER_URL
  export PUSHER_URL=http://KEY:SECRET@127.0.0.1:6001/apps/ID
  pusher subscribe orders                            # in a second terminal
  pusher trigger orders --event created --data '{\"id\": 1}'"
)]
pub(crate) struct Cli {
    /// Print JSON: one document, or one JSON object per line for what streams
    #[arg(long, global = true)]
    json: bool,

    /// Each HTTP request's deadline (default 5s); for the commands that run until interrupted,
    /// how long they run. E.g. 500ms, 10s, 2m
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_duration)]
    timeout: Option<Duration>,

    #[command(flatten)]
    connection: ConnectionArgs,

    #[command(subcommand)]
    command: Command,
}

/// What the settings common to every command give it.
pub(crate) struct Context<'a> {
    /// The connection settings.
    pub(crate) connection: &'a ConnectionArgs,
    /// Where results go.
    pub(crate) output: Output,
    /// `--timeout`.
    pub(crate) timeout: Option<Duration>,
}

impl Context<'_> {
    /// The client the connection settings make.
    pub(crate) fn pusher(&self) -> Result<pusher::Pusher, Failure> {
        self.connection.pusher(self.timeout)
    }
}

#[derive(Subcommand)]
enum Command {
    Trigger(trigger::TriggerArgs),
    Batch(batch::BatchArgs),
    Channels(channels::ChannelsArgs),
    Channel(channels::ChannelArgs),
    Users(channels::UsersArgs),
    SendToUser(trigger::SendToUserArgs),
    Terminate(terminate::TerminateArgs),
    Notify(notify::NotifyArgs),
    #[command(subcommand)]
    Auth(auth::AuthCommand),
    AuthServer(auth_server::AuthServerArgs),
    Subscribe(subscribe::SubscribeArgs),
    #[command(subcommand)]
    Webhook(webhook::WebhookCommand),
    Emulator(emulator::EmulatorArgs),
    /// Print a shell completion script
    #[command(
        after_help = "Example:\n  pusher completions bash > ~/.local/share/bash-completion/completions/pusher"
    )]
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
}

impl Cli {
    /// Runs the command.
    pub(crate) async fn run(self) -> Result<(), Failure> {
        let context = Context {
            connection: &self.connection,
            output: Output::new(self.json),
            timeout: self.timeout,
        };
        match self.command {
            Command::Trigger(args) => args.run(&context).await,
            Command::Batch(args) => args.run(&context).await,
            Command::Channels(args) => args.run(&context).await,
            Command::Channel(args) => args.run(&context).await,
            Command::Users(args) => args.run(&context).await,
            Command::SendToUser(args) => args.run(&context).await,
            Command::Terminate(args) => args.run(&context).await,
            Command::Notify(args) => args.run(&context).await,
            Command::Auth(command) => command.run(&context),
            Command::AuthServer(args) => args.run(&context).await,
            Command::Subscribe(args) => args.run(&context).await,
            Command::Webhook(command) => command.run(&context).await,
            Command::Emulator(args) => args.run(&context).await,
            Command::Completions { shell } => {
                let mut script = Vec::new();
                clap_complete::generate(shell, &mut Cli::command(), "pusher", &mut script);
                crate::output::write_stdout(&script)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
