//! `subscribe`: a WebSocket client (protocol 7) that subscribes to channels, authorizing itself
//! with the app's secret, and prints every event as it arrives.

use std::time::Duration;

use clap::Args;
use pusher::encryption::decrypt;
use pusher::{ChannelKind, ChannelName, Pusher};
use pusher_emulator::Subscriber;
use pusher_emulator::client::subscriber::Message;
use serde::Serialize;
use serde_json::value::RawValue;

use super::Context;
use super::auth::{Member, authenticate, authorize};
use crate::failure::Failure;
use crate::input::parse_json;
use crate::output::{one_line, status};
use crate::until::Until;

/// How long one wait for the next message lasts before the connection is looked at again.
const READ_SLICE: Duration = Duration::from_secs(3600);

/// Subscribe to channels and print every event as it arrives
#[derive(Args)]
#[command(after_help = "\
Private, presence and private-encrypted- channels are authorized with the app's secret;
encrypted events are printed decrypted (the master key is needed). Presence member changes are
printed too. Runs until interrupted, --count events or --timeout. With --user-id it also signs
in as that user, so events sent with `pusher send-to-user` arrive, and joins presence channels
as that user (default there: cli-SOCKET_ID).

Output, one line per event: CHANNEL  EVENT  DATA (--json: one object per line).

Examples:
  pusher subscribe orders private-invoices
  pusher subscribe presence-room --user-id 42 --user-info '{\"name\": \"Ada\"}'
  pusher --timeout 30s subscribe orders --count 1 --json")]
pub(crate) struct SubscribeArgs {
    /// The channels
    #[arg(required = true, value_name = "CHANNEL")]
    channels: Vec<String>,

    /// Sign in as this user, and join presence channels as them
    #[arg(long, value_name = "USER_ID")]
    user_id: Option<String>,

    /// Public information about the user, JSON
    #[arg(long, value_name = "JSON", value_parser = parse_json)]
    user_info: Option<Box<RawValue>>,

    /// Stop after N events
    #[arg(long, value_name = "N")]
    count: Option<u64>,

    /// The WebSocket URL (default: from the connection settings, e.g.
    /// wss://ws-eu.pusher.com/app/KEY?protocol=7 for the eu cluster)
    #[arg(long, value_name = "URL")]
    ws_url: Option<String>,
}

/// One event, as it is printed.
#[derive(Debug, Serialize)]
struct Event<'a> {
    channel: Option<&'a str>,
    event: &'a str,
    data: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<&'a str>,
}

impl Event<'_> {
    /// `CHANNEL  EVENT  DATA`, and the sender of a client event on a presence channel.
    fn line(&self) -> String {
        let mut line = format!(
            "{}  {}  {}",
            self.channel.unwrap_or("-"),
            self.event,
            one_line(self.data.unwrap_or_default())
        );
        if let Some(user) = self.user_id {
            line.push_str(&format!("  (from user {user})"));
        }
        line.trim_end().to_owned()
    }
}

impl SubscribeArgs {
    pub(crate) async fn run(self, context: &Context<'_>) -> Result<(), Failure> {
        let pusher = context.pusher()?;
        let channels = self
            .channels
            .iter()
            .map(|channel| ChannelName::try_from(channel.as_str()))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(channel) = channels.iter().find(|c| c.kind() == ChannelKind::ServerToUser) {
            return Err(Failure::invalid(format!(
                "{channel} is reached by signing in: use --user-id instead"
            )));
        }
        let url = match &self.ws_url {
            Some(url) => url.clone(),
            None => pusher.config().websocket_url(),
        };
        let mut subscriber = Subscriber::connect(&url).await?;
        let socket_id = subscriber.socket_id().to_owned();
        status(&format!("connected to {url} as socket {socket_id}"));
        if let Some(id) = &self.user_id {
            let member = Member {
                id,
                info: self.user_info.as_deref(),
            };
            let auth = authenticate(&pusher, &socket_id, member)?;
            subscriber.signin(&auth.auth, &auth.user_data).await?;
            status(&format!("signed in as user {id}"));
        }
        let default_id = format!("cli-{socket_id}");
        for channel in &channels {
            self.subscribe(&pusher, &mut subscriber, channel, &default_id)
                .await?;
        }
        status("watching; Ctrl-C stops");
        let watched = self.watch(context, &pusher, &mut subscriber).await;
        subscriber.close().await;
        watched
    }

    /// Subscribes to `channel`, authorized unless it is public; presence members as `default_id`
    /// without `--user-id`.
    async fn subscribe(
        &self,
        pusher: &Pusher,
        subscriber: &mut Subscriber,
        channel: &ChannelName,
        default_id: &str,
    ) -> Result<(), Failure> {
        if channel.kind() == ChannelKind::Public {
            subscriber.subscribe(channel.as_str()).await?;
            status(&format!("subscribed to {channel}"));
            return Ok(());
        }
        let member = Member {
            id: self.user_id.as_deref().unwrap_or(default_id),
            info: self.user_info.as_deref(),
        };
        let auth = authorize(
            pusher,
            subscriber.socket_id(),
            channel.as_str(),
            Some(member),
            "--user-id",
        )?;
        let subscription = subscriber
            .subscribe_with_auth(channel.as_str(), &auth.auth, auth.channel_data.as_deref())
            .await?;
        match subscription.presence {
            Some(presence) => status(&format!(
                "subscribed to {channel} as user {}; {} members: {}",
                member.id,
                presence.count,
                presence.ids.join(", ")
            )),
            None => status(&format!("subscribed to {channel}")),
        }
        Ok(())
    }

    /// Prints what arrives until interrupted, `--count` events, `--timeout` or a closed
    /// connection.
    async fn watch(
        &self,
        context: &Context<'_>,
        pusher: &Pusher,
        subscriber: &mut Subscriber,
    ) -> Result<(), Failure> {
        let until = Until::new(context.timeout, self.count);
        until
            .run("events", async |tally| {
                let Some(message) = subscriber.next_event(READ_SLICE).await else {
                    // No message for a while, or none ever again.
                    if subscriber.wait_closed(Duration::ZERO).await {
                        return Err(closed(subscriber));
                    }
                    return Ok(());
                };
                if show(context, pusher, &message)? {
                    tally.add();
                }
                Ok(())
            })
            .await
    }
}

/// The failure of a connection the server closed.
fn closed(subscriber: &Subscriber) -> Failure {
    let why = match subscriber.close_info() {
        Some(close) if close.reason.is_empty() => format!(" with {}", close.code),
        Some(close) => format!(" with {}: {}", close.code, close.reason),
        None => String::new(),
    };
    Failure::network(format!("the server closed the connection{why}"))
}

/// Prints `message` if it is an event (a channel's, or a presence member change); whether it was.
fn show(context: &Context<'_>, pusher: &Pusher, message: &Message) -> Result<bool, Failure> {
    if message.event == "pusher:error" {
        status(&format!(
            "the server sent pusher:error {}",
            message.data.as_deref().unwrap_or_default()
        ));
        return Ok(false);
    }
    if message.event.starts_with("pusher:") || message.event == "pusher_internal:subscription_succeeded" {
        return Ok(false);
    }
    let channel = message.channel.as_deref();
    let data = match (channel, &message.data) {
        (Some(channel), Some(data)) => Some(decrypted(pusher, channel, data)),
        (_, data) => data.clone(),
    };
    let event = Event {
        channel,
        event: &message.event,
        data: data.as_deref(),
        user_id: message.user_id.as_deref(),
    };
    context.output.show(&event, || event.line())?;
    Ok(true)
}

/// `data` on `channel` decrypted when the channel is end-to-end encrypted; as it is otherwise,
/// or when it cannot be decrypted (said on stderr).
fn decrypted(pusher: &Pusher, channel: &str, data: &str) -> String {
    let encrypted = ChannelName::try_from(channel).is_ok_and(|channel| channel.is_encrypted());
    let Some(master_key) = pusher.config().master_key().filter(|_| encrypted) else {
        return data.to_owned();
    };
    decrypt(channel, master_key, data).unwrap_or_else(|e| {
        status(&format!(
            "cannot decrypt an event on {channel}: {e}; printed as received"
        ));
        data.to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_read_as_one_line() {
        let event = Event {
            channel: Some("presence-room"),
            event: "client-typing",
            data: Some("{\"a\":\n1}"),
            user_id: Some("42"),
        };
        assert_eq!(
            event.line(),
            r#"presence-room  client-typing  "{\"a\":\n1}"  (from user 42)"#
        );
        let bare = Event {
            channel: None,
            event: "e",
            data: None,
            user_id: None,
        };
        assert_eq!(bare.line(), "-  e");
    }
}
