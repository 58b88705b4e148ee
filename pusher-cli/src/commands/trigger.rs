//! `trigger` and `send-to-user`: one event, on channels or to a user's connections.

use clap::Args;
use pusher::api::{ChannelAttribute, EventData, Trigger, TriggerResponse};
use pusher::{ChannelName, EventName, UserId};

use super::Context;
use super::channels::channel_table;
use crate::failure::Failure;
use crate::input::{DataArgs, parse_attribute};

/// Trigger an event on one or more channels; prints the server's answer
#[derive(Args)]
#[command(after_help = "\
The data is sent as the JSON text given: subscribers receive it as it is.

Examples:
  pusher trigger orders --event created --data '{\"id\": 1}'
  pusher trigger orders invoices --event created --data-file event.json --info subscription_count
  echo '{\"id\": 1}' | pusher trigger private-encrypted-orders --event created")]
pub(crate) struct TriggerArgs {
    /// The channels (1 to 100; an encrypted channel alone)
    #[arg(required = true, value_name = "CHANNEL")]
    channels: Vec<String>,

    /// The event name
    #[arg(long, value_name = "NAME")]
    event: String,

    #[command(flatten)]
    data: DataArgs,

    /// Leave out the connection with this socket id (the sender's own)
    #[arg(long, value_name = "SOCKET_ID")]
    socket_id: Option<String>,

    /// Ask for these attributes of each channel in the answer: user_count, subscription_count
    #[arg(long, value_name = "ATTRIBUTES", value_delimiter = ',', value_parser = parse_attribute)]
    info: Vec<ChannelAttribute>,
}

impl TriggerArgs {
    pub(crate) async fn run(self, context: &Context<'_>) -> Result<(), Failure> {
        let channels = self
            .channels
            .iter()
            .map(|channel| ChannelName::try_from(channel.as_str()))
            .collect::<Result<Vec<_>, _>>()?;
        let mut trigger = Trigger::new(
            channels,
            EventName::try_from(self.event.as_str())?,
            EventData::encoded(self.data.read()?),
        )
        .info(self.info.iter().copied());
        if let Some(socket_id) = &self.socket_id {
            trigger = trigger.socket_id(socket_id.parse()?);
        }
        let answer = context.pusher()?.send(trigger).await?;
        let sent_to = self.channels.join(", ");
        show_answer(context, &answer, &self.info, || {
            format!("triggered {:?} on {sent_to}", self.event)
        })
    }
}

/// Send an event to every connection a user has signed in with
#[derive(Args)]
#[command(after_help = "\
The user's connections receive it on #server-to-user-USER_ID once signed in (`pusher subscribe
--user-id USER_ID` signs in).

Example:
  pusher send-to-user 42 --event notice --data '{\"text\": \"hello\"}'")]
pub(crate) struct SendToUserArgs {
    /// The user id
    user_id: String,

    /// The event name
    #[arg(long, value_name = "NAME")]
    event: String,

    #[command(flatten)]
    data: DataArgs,
}

impl SendToUserArgs {
    pub(crate) async fn run(self, context: &Context<'_>) -> Result<(), Failure> {
        let trigger = Trigger::send_to_user(
            &UserId::try_from(self.user_id.as_str())?,
            EventName::try_from(self.event.as_str())?,
            EventData::encoded(self.data.read()?),
        );
        let answer = context.pusher()?.send(trigger).await?;
        show_answer(context, &answer, &[], || {
            format!("sent {:?} to user {}", self.event, self.user_id)
        })
    }
}

/// Prints a trigger's answer: what was sent (`sent`), and the channels' attributes when asked for.
fn show_answer(
    context: &Context<'_>,
    answer: &TriggerResponse,
    info: &[ChannelAttribute],
    sent: impl FnOnce() -> String,
) -> Result<(), Failure> {
    context.output.show(answer, || answer_text(answer, info, sent()))
}

/// The human-readable answer to a trigger that `sent` describes.
fn answer_text(answer: &TriggerResponse, info: &[ChannelAttribute], sent: String) -> String {
    match (info.is_empty(), answer.channels.is_empty()) {
        (true, _) => sent,
        // soketi, for one, ignores `info` on a trigger.
        (false, true) => format!("{sent}; the server answered no channel attributes"),
        (false, false) => format!("{sent}\n{}", channel_table(&answer.channels, info)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_without_the_attributes_asked_for_says_so() {
        let info = [ChannelAttribute::SubscriptionCount];
        let empty = TriggerResponse::default();
        let sent = || "triggered \"e\" on a".to_owned();
        assert_eq!(answer_text(&empty, &[], sent()), "triggered \"e\" on a");
        assert_eq!(
            answer_text(&empty, &info, sent()),
            "triggered \"e\" on a; the server answered no channel attributes"
        );
        let counted: TriggerResponse =
            serde_json::from_str(r#"{"channels": {"a": {"subscription_count": 2}}}"#).unwrap();
        assert_eq!(
            answer_text(&counted, &info, sent()),
            "triggered \"e\" on a\nCHANNEL  SUBSCRIPTION_COUNT\na        2"
        );
    }
}
