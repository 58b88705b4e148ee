//! `channels`, `channel` and `users`: what the server knows of its channels.

use std::collections::BTreeMap;

use clap::Args;
use pusher::api::{ChannelAttribute, ChannelInfo};

use super::Context;
use crate::failure::Failure;
use crate::input::parse_attribute;
use crate::output::table;

/// List the occupied channels
#[derive(Args)]
#[command(after_help = "\
Examples:
  pusher channels
  pusher channels --prefix presence- --info user_count")]
pub(crate) struct ChannelsArgs {
    /// Only the channels whose name starts with PREFIX
    #[arg(long, value_name = "PREFIX")]
    prefix: Option<String>,

    /// Also show these attributes: user_count (needs --prefix presence-), subscription_count
    #[arg(long, value_name = "ATTRIBUTES", value_delimiter = ',', value_parser = parse_attribute)]
    info: Vec<ChannelAttribute>,
}

impl ChannelsArgs {
    pub(crate) async fn run(self, context: &Context<'_>) -> Result<(), Failure> {
        let list = context
            .pusher()?
            .channels(self.prefix.as_deref(), &self.info)
            .await?;
        context.output.show(&list, || {
            if list.channels.is_empty() {
                "no occupied channels".to_owned()
            } else {
                channel_table(&list.channels, &self.info)
            }
        })
    }
}

/// Show one channel's state
#[derive(Args)]
#[command(after_help = "\
Example:
  pusher channel presence-room --info user_count,subscription_count")]
pub(crate) struct ChannelArgs {
    /// The channel
    channel: String,

    /// Also show these attributes: user_count (presence channels), subscription_count
    #[arg(long, value_name = "ATTRIBUTES", value_delimiter = ',', value_parser = parse_attribute)]
    info: Vec<ChannelAttribute>,
}

impl ChannelArgs {
    pub(crate) async fn run(self, context: &Context<'_>) -> Result<(), Failure> {
        let pusher = context.pusher()?;
        let state = pusher.channel(&self.channel, &self.info).await?;
        context.output.show(&state, || {
            let mut lines = vec![format!("occupied: {}", state.occupied)];
            let attributes = [
                ("user_count", state.user_count),
                ("subscription_count", state.subscription_count),
            ];
            for (name, value) in attributes {
                if let Some(value) = value {
                    lines.push(format!("{name}: {value}"));
                }
            }
            lines.join("\n")
        })
    }
}

/// List the users on a presence channel
#[derive(Args)]
#[command(after_help = "\
Example:
  pusher users presence-room")]
pub(crate) struct UsersArgs {
    /// The presence channel
    channel: String,
}

impl UsersArgs {
    pub(crate) async fn run(self, context: &Context<'_>) -> Result<(), Failure> {
        let users = context.pusher()?.presence_users(&self.channel).await?;
        context.output.show(&users, || {
            if users.users.is_empty() {
                format!("no users on {}", self.channel)
            } else {
                let ids: Vec<&str> = users.users.iter().map(|user| user.id.as_str()).collect();
                ids.join("\n")
            }
        })
    }
}

/// A table of channels with a column per attribute in `info` ("-" where the server gave none).
pub(crate) fn channel_table(channels: &BTreeMap<String, ChannelInfo>, info: &[ChannelAttribute]) -> String {
    let mut columns = info.to_vec();
    columns.sort();
    columns.dedup();
    let mut headers = vec!["CHANNEL".to_owned()];
    headers.extend(columns.iter().map(|attribute| attribute.as_str().to_uppercase()));
    let rows: Vec<Vec<String>> = channels
        .iter()
        .map(|(name, info)| {
            let mut row = vec![name.clone()];
            row.extend(columns.iter().map(|attribute| {
                let value = match attribute {
                    ChannelAttribute::UserCount => info.user_count,
                    ChannelAttribute::SubscriptionCount => info.subscription_count,
                    _ => None,
                };
                value.map_or_else(|| "-".to_owned(), |v| v.to_string())
            }));
            row
        })
        .collect();
    table(&headers, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_a_column_per_attribute_asked_for() {
        let channels: BTreeMap<String, ChannelInfo> = serde_json::from_str(
            r#"{"presence-a": {"user_count": 2, "subscription_count": 3}, "presence-bb": {"user_count": 10}}"#,
        )
        .unwrap();
        let attributes = [
            ChannelAttribute::SubscriptionCount,
            ChannelAttribute::UserCount,
            ChannelAttribute::UserCount,
        ];
        assert_eq!(
            channel_table(&channels, &attributes),
            "CHANNEL      USER_COUNT  SUBSCRIPTION_COUNT\n\
             presence-a   2           3\n\
             presence-bb  10          -"
        );
        assert_eq!(channel_table(&channels, &[]), "CHANNEL\npresence-a\npresence-bb");
    }
}
