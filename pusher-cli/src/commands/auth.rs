//! `auth channel` and `auth user`: the JSON an auth endpoint returns, signed by hand; and the
//! authorizing every command that signs (`auth-server`, `subscribe`) does the same way.

use clap::{Args, Subcommand};
use pusher::auth::{ChannelAuthorization, UserAuthentication, UserData};
use pusher::{ChannelName, Pusher, UserId};
use serde::Serialize;
use serde_json::value::RawValue;

use super::Context;
use crate::failure::Failure;
use crate::input::parse_json;
use crate::output::print_line;

/// Sign a channel authorization or a user sign-in by hand
#[derive(Subcommand)]
pub(crate) enum AuthCommand {
    /// Print the JSON a channel authorization endpoint returns
    #[command(after_help = "\
A presence channel needs --user-id (and takes --user-info); a private-encrypted- channel needs
the encryption master key.

Examples:
  pusher auth channel --socket-id 1234.5678 --channel private-orders
  pusher auth channel --socket-id 1234.5678 --channel presence-room --user-id 42 --user-info '{\"name\": \"Ada\"}'")]
    Channel(ChannelAuthArgs),

    /// Print the JSON a user authentication endpoint returns
    #[command(after_help = "\
Example:
  pusher auth user --socket-id 1234.5678 --user-data '{\"id\": \"42\", \"user_info\": {\"name\": \"Ada\"}}'")]
    User(UserAuthArgs),
}

#[derive(Args)]
pub(crate) struct ChannelAuthArgs {
    /// The socket id of the connection subscribing
    #[arg(long, value_name = "SOCKET_ID")]
    socket_id: String,

    /// The channel: private-, presence- or private-encrypted-
    #[arg(long, value_name = "CHANNEL")]
    channel: String,

    /// The member's user id (presence channels)
    #[arg(long, value_name = "USER_ID")]
    user_id: Option<String>,

    /// Public information about the member, JSON (presence channels)
    #[arg(long, value_name = "JSON", value_parser = parse_json, requires = "user_id")]
    user_info: Option<Box<RawValue>>,
}

#[derive(Args)]
pub(crate) struct UserAuthArgs {
    /// The socket id of the connection signing in
    #[arg(long, value_name = "SOCKET_ID")]
    socket_id: String,

    /// The user data, JSON: an object with a string "id", and optionally "user_info" and
    /// "watchlist"; signed exactly as written
    #[arg(long, value_name = "JSON", value_parser = parse_json)]
    user_data: Box<RawValue>,
}

impl AuthCommand {
    pub(crate) fn run(self, context: &Context<'_>) -> Result<(), Failure> {
        let pusher = context.pusher()?;
        match self {
            AuthCommand::Channel(args) => {
                let member = args.user_id.as_deref().map(|id| Member {
                    id,
                    info: args.user_info.as_deref(),
                });
                print_json(&authorize(
                    &pusher,
                    &args.socket_id,
                    &args.channel,
                    member,
                    "--user-id",
                )?)
            }
            AuthCommand::User(args) => {
                print_json(&pusher.authenticate_user(&args.socket_id, &args.user_data)?)
            }
        }
    }
}

/// Prints `value` as the JSON an endpoint answers with, whatever the output mode.
fn print_json(value: &impl Serialize) -> Result<(), Failure> {
    let json =
        serde_json::to_string(value).map_err(|e| Failure::invalid(format!("cannot print as JSON: {e}")))?;
    print_line(&json)
}

/// A presence member or a signed-in user: an id, and public information.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Member<'a> {
    /// The user id.
    pub(crate) id: &'a str,
    /// Public information about the user, JSON kept as written.
    pub(crate) info: Option<&'a RawValue>,
}

/// Authorizes `socket_id` to subscribe to `channel`: a presence channel as `member`, which it
/// needs (`how_to_name_one` says how to give one), any other as it is.
pub(crate) fn authorize(
    pusher: &Pusher,
    socket_id: &str,
    channel: &str,
    member: Option<Member<'_>>,
    how_to_name_one: &str,
) -> Result<ChannelAuthorization, Failure> {
    if !ChannelName::try_from(channel)?.is_presence() {
        return Ok(pusher.authorize_channel(socket_id, channel)?);
    }
    let member = member.ok_or_else(|| {
        Failure::invalid(format!(
            "channel {channel:?} is a presence channel: it needs a user id ({how_to_name_one})"
        ))
    })?;
    Ok(pusher.authorize_presence_channel(socket_id, channel, member.id, &member.info)?)
}

/// Authenticates `socket_id`'s sign-in as `member`: user data `{"id", "user_info"}`.
pub(crate) fn authenticate(
    pusher: &Pusher,
    socket_id: &str,
    member: Member<'_>,
) -> Result<UserAuthentication, Failure> {
    let mut user = UserData::new(UserId::try_from(member.id)?);
    if let Some(info) = member.info {
        user = user.user_info(info)?;
    }
    Ok(pusher.authenticate_user(socket_id, &user)?)
}
