//! `notify`: a native push notification to the devices subscribed to interests (beta).

use clap::Args;
use pusher::api::{Notification, WebhookLevel};
use serde::Deserialize;

use super::Context;
use crate::failure::Failure;
use crate::input::DataArgs;

/// Send a native push notification to the devices subscribed to interests (beta)
#[derive(Args)]
#[command(after_help = "\
The JSON is the notification: at least one of \"apns\", \"fcm\" and \"gcm\" (each the platform's
payload), and optionally \"webhook_url\" and \"webhook_level\" (\"INFO\" or \"DEBUG\").

Example:
  pusher notify donuts --data '{\"fcm\": {\"notification\": {\"title\": \"Hi\", \"body\": \"Donuts!\"}}}'")]
pub(crate) struct NotifyArgs {
    /// The interests (1 to 10)
    #[arg(required = true, value_name = "INTEREST")]
    interests: Vec<String>,

    #[command(flatten)]
    data: DataArgs,
}

/// The notification's JSON, as `--data` gives it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Payload {
    apns: Option<serde_json::Value>,
    fcm: Option<serde_json::Value>,
    gcm: Option<serde_json::Value>,
    webhook_url: Option<String>,
    webhook_level: Option<WebhookLevel>,
}

impl NotifyArgs {
    pub(crate) async fn run(self, context: &Context<'_>) -> Result<(), Failure> {
        let payload: Payload = serde_json::from_str(&self.data.read()?)
            .map_err(|e| Failure::invalid(format!("the notification is not the expected JSON: {e}")))?;
        let mut notification = Notification::new(self.interests.iter().cloned())?;
        if let Some(apns) = payload.apns {
            notification = notification.apns(apns);
        }
        if let Some(fcm) = payload.fcm {
            notification = notification.fcm(fcm);
        }
        if let Some(gcm) = payload.gcm {
            notification = notification.gcm(gcm);
        }
        if let Some(url) = payload.webhook_url {
            notification = notification.webhook_url(url);
        }
        if let Some(level) = payload.webhook_level {
            notification = notification.webhook_level(level);
        }
        let answer = context.pusher()?.notify(notification).await?;
        context.output.show(&answer, || {
            let fields: Vec<String> = answer
                .fields
                .iter()
                .map(|(name, value)| format!("{name}: {value}"))
                .collect();
            format!("sent to {}\n{}", self.interests.join(", "), fields.join("\n"))
                .trim_end()
                .to_owned()
        })
    }
}
