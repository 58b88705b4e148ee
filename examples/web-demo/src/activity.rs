//! What the verified webhooks said: who joined and left, which channels filled and emptied.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

use pusher::WebhookEvent;
use serde::Serialize;

/// How many webhook events the app keeps, the oldest dropped first.
pub const KEPT: usize = 100;

/// One event of a verified webhook, as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Activity {
    /// The webhook event's name: `member_added`, `member_removed`, `channel_occupied` or
    /// `channel_vacated`.
    pub event: &'static str,
    /// The channel.
    pub channel: String,
    /// The user, for member events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

impl Activity {
    /// The activity `event` reports; `None` for the kinds of event this app does not show.
    pub fn from_event(event: &WebhookEvent) -> Option<Self> {
        let (name, channel, user_id) = match event {
            WebhookEvent::MemberAdded { channel, user_id } => ("member_added", channel, Some(user_id)),
            WebhookEvent::MemberRemoved { channel, user_id } => ("member_removed", channel, Some(user_id)),
            WebhookEvent::ChannelOccupied { channel } => ("channel_occupied", channel, None),
            WebhookEvent::ChannelVacated { channel } => ("channel_vacated", channel, None),
            _ => return None,
        };
        Some(Self {
            event: name,
            channel: channel.clone(),
            user_id: user_id.cloned(),
        })
    }
}

/// The latest [`KEPT`] activities, shared by the request handlers.
#[derive(Debug, Default)]
pub struct ActivityLog(Mutex<VecDeque<Activity>>);

impl ActivityLog {
    /// Keeps `activity`, dropping the oldest beyond [`KEPT`].
    pub fn push(&self, activity: Activity) {
        let mut kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.len() == KEPT {
            kept.pop_front();
        }
        kept.push_back(activity);
    }

    /// What is kept, oldest first.
    pub fn all(&self) -> Vec<Activity> {
        let kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        kept.iter().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_and_channel_events_are_shown() {
        let added = WebhookEvent::MemberAdded {
            channel: "presence-room".into(),
            user_id: "ada".into(),
        };
        assert_eq!(
            Activity::from_event(&added),
            Some(Activity {
                event: "member_added",
                channel: "presence-room".into(),
                user_id: Some("ada".into()),
            })
        );
        let vacated = WebhookEvent::ChannelVacated {
            channel: "presence-room".into(),
        };
        assert_eq!(
            Activity::from_event(&vacated).map(|a| a.event),
            Some("channel_vacated")
        );
        let unknown = WebhookEvent::Unknown {
            raw: pusher::serde_json::json!({"name": "new_kind"}),
        };
        assert_eq!(Activity::from_event(&unknown), None);
    }

    #[test]
    fn the_log_keeps_the_latest() {
        let log = ActivityLog::default();
        for i in 0..KEPT + 2 {
            log.push(Activity {
                event: "channel_occupied",
                channel: format!("c{i}"),
                user_id: None,
            });
        }
        let all = log.all();
        assert_eq!(all.len(), KEPT);
        assert_eq!(all.first().map(|a| a.channel.as_str()), Some("c2"));
    }
}
