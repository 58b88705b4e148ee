//! The push notification service's one call (PROTOCOL §10, beta):
//! `POST /server_api/v1/apps/{app_id}/notifications`, served on the emulator's port beside the
//! HTTP API, with the same signature check (http_api.rs routes it here once the request is
//! authenticated).
//!
//! The body is checked as PROTOCOL §10 and pusher-core's `Notification` state it: a JSON object
//! with 1 to 10 `interests`, each 1 to 164 characters of `A-Z a-z 0-9 - _ = @ , . ;`; at least one
//! platform payload (`apns`, `gcm`, `fcm`), each a JSON object; `webhook_url` a string and
//! `webhook_level` `"INFO"` or `"DEBUG"` when given. Anything else is a 400 saying what was wrong.
//! An accepted notification is kept for inspection ([`Emulator::notifications`]) and answered
//! `202 Accepted` with `{"publishId": "pubid-N"}`, N counting from 1; there are no devices to
//! deliver to.
//!
//! [`Emulator::notifications`]: crate::Emulator::notifications

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use pusher_core::limits::{INTEREST_RULE, MAX_INTERESTS, is_interest};
use serde_json::{Map, Value, json};

/// The platforms a notification may carry a payload for (PROTOCOL §10).
const PLATFORMS: [&str; 3] = ["apns", "gcm", "fcm"];

/// A push notification received on `/server_api/v1/apps/{id}/notifications`, as
/// [`Emulator::notifications`](crate::Emulator::notifications) gives it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ReceivedNotification {
    /// The id the answer gave it (`publishId`): `pubid-1`, `pubid-2`, ... in the order received.
    pub publish_id: String,
    /// The interests it was sent to, in the order given.
    pub interests: Vec<String>,
    /// The whole request body as received: `interests`, the platform payloads (`apns`, `gcm`,
    /// `fcm`) and any `webhook_url` or `webhook_level`.
    pub payload: Value,
    /// When the emulator received it.
    pub received_at: SystemTime,
}

impl ReceivedNotification {
    /// The payload for `platform` (`"apns"`, `"gcm"` or `"fcm"`), if the notification has one.
    pub fn platform(&self, platform: &str) -> Option<&Value> {
        self.payload.get(platform)
    }
}

/// The notifications received: the latest `capacity`, the oldest dropped first, and the count of
/// every one ever accepted (which numbers the publish ids).
#[derive(Debug)]
pub(crate) struct NotificationLog {
    inner: Mutex<LogInner>,
}

#[derive(Debug)]
struct LogInner {
    kept: VecDeque<ReceivedNotification>,
    capacity: usize,
    accepted: u64,
}

impl NotificationLog {
    /// A log keeping at most `capacity` notifications (at least one).
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            inner: Mutex::new(LogInner {
                kept: VecDeque::new(),
                capacity: capacity.max(1),
                accepted: 0,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, LogInner> {
        // Every change is one statement: a panic elsewhere leaves the log usable.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps a notification; returns its publish id.
    fn record(&self, interests: Vec<String>, payload: Value) -> String {
        let mut inner = self.lock();
        inner.accepted += 1;
        let publish_id = format!("pubid-{}", inner.accepted);
        if inner.kept.len() >= inner.capacity {
            inner.kept.pop_front();
        }
        inner.kept.push_back(ReceivedNotification {
            publish_id: publish_id.clone(),
            interests,
            payload,
            received_at: SystemTime::now(),
        });
        publish_id
    }

    /// The notifications kept, in the order received.
    pub(crate) fn snapshot(&self) -> Vec<ReceivedNotification> {
        self.lock().kept.iter().cloned().collect()
    }

    /// Forgets the notifications kept (the publish ids keep counting).
    pub(crate) fn clear(&self) {
        self.lock().kept.clear();
    }
}

/// Checks an authenticated notification's body and keeps it: the answer's JSON, or what was wrong
/// (for a 400).
pub(crate) fn notify(log: &NotificationLog, body: &[u8]) -> Result<Value, String> {
    let object = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(object)) => object,
        Ok(_) => return Err("The request body must be a JSON object".to_owned()),
        Err(e) => {
            return Err(format!("The request body is not valid JSON: {e}"));
        }
    };
    let interests = check_interests(&object)?;
    check_platforms(&object)?;
    check_webhook(&object)?;
    let publish_id = log.record(interests, Value::Object(object));
    Ok(json!({ "publishId": publish_id }))
}

/// `interests`: 1 to 10 strings, each an interest name.
fn check_interests(object: &Map<String, Value>) -> Result<Vec<String>, String> {
    let list = match object.get("interests") {
        Some(Value::Array(list)) => list,
        Some(_) => {
            return Err("\"interests\" must be an array of strings".to_owned());
        }
        None => {
            return Err("Missing \"interests\": the interests to notify".to_owned());
        }
    };
    if list.is_empty() || list.len() > MAX_INTERESTS {
        return Err(format!(
            "A notification names 1 to {MAX_INTERESTS} interests, {} given",
            list.len()
        ));
    }
    list.iter()
        .enumerate()
        .map(|(i, interest)| match interest {
            Value::String(name) if is_interest(name) => Ok(name.clone()),
            Value::String(name) => Err(format!(
                "interests[{i}]: {name:?} is not a valid interest: it {INTEREST_RULE}"
            )),
            _ => Err(format!("interests[{i}] must be a string")),
        })
        .collect()
}

/// At least one of `apns`, `gcm` and `fcm`, each a JSON object.
fn check_platforms(object: &Map<String, Value>) -> Result<(), String> {
    let mut given = 0;
    for platform in PLATFORMS {
        match object.get(platform) {
            None => {}
            Some(Value::Object(_)) => given += 1,
            Some(_) => {
                return Err(format!(
                    "{platform:?} must be a JSON object: the {platform} payload"
                ));
            }
        }
    }
    if given == 0 {
        return Err(
            "No payload: a notification needs at least one of \"apns\", \"gcm\" and \"fcm\"".to_owned(),
        );
    }
    Ok(())
}

/// `webhook_url` a string, `webhook_level` `"INFO"` or `"DEBUG"`, when given.
fn check_webhook(object: &Map<String, Value>) -> Result<(), String> {
    match object.get("webhook_url") {
        None | Some(Value::String(_)) => {}
        Some(_) => return Err("\"webhook_url\" must be a string".to_owned()),
    }
    match object.get("webhook_level") {
        None => Ok(()),
        Some(Value::String(level)) if level == "INFO" || level == "DEBUG" => Ok(()),
        Some(other) => Err(format!(
            "\"webhook_level\" must be \"INFO\" or \"DEBUG\", got {other}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(value: Value) -> Vec<u8> {
        value.to_string().into_bytes()
    }

    fn refusal(log: &NotificationLog, value: Value) -> String {
        match notify(log, &body(value)) {
            Ok(answer) => panic!("accepted, answered {answer}"),
            Err(message) => message,
        }
    }

    #[test]
    fn an_accepted_notification_is_kept_and_numbered() {
        let log = NotificationLog::new(2);
        let fcm = json!({"notification": {"title": "Hi"}});
        for n in 1..=3 {
            let answer = notify(&log, &body(json!({"interests": ["a", "b"], "fcm": fcm}))).unwrap();
            assert_eq!(answer, json!({"publishId": format!("pubid-{n}")}));
        }
        let kept = log.snapshot();
        let ids: Vec<&str> = kept.iter().map(|n| n.publish_id.as_str()).collect();
        assert_eq!(ids, ["pubid-2", "pubid-3"], "the oldest is dropped");
        assert_eq!(kept[1].interests, ["a", "b"]);
        assert_eq!(kept[1].platform("fcm"), Some(&fcm));
        assert_eq!(kept[1].platform("apns"), None);
        log.clear();
        assert!(log.snapshot().is_empty());
        let answer = notify(&log, &body(json!({"interests": ["a"], "apns": {}}))).unwrap();
        assert_eq!(answer, json!({"publishId": "pubid-4"}));
    }

    #[test]
    fn interests_are_checked() {
        let log = NotificationLog::new(10);
        let at = |n: usize| "i".repeat(n);
        let many: Vec<String> = (0..=MAX_INTERESTS).map(|i| i.to_string()).collect();
        for (interests, says) in [
            (json!([]), "1 to 10 interests, 0 given"),
            (json!(many), "1 to 10 interests, 11 given"),
            (json!([""]), "interests[0]: \"\" is not a valid interest"),
            (
                json!(["ok", "no spaces"]),
                "interests[1]: \"no spaces\" is not a valid interest",
            ),
            (json!([at(165)]), "is not a valid interest: it must be 1 to 164"),
            (json!([7]), "interests[0] must be a string"),
            (json!("donuts"), "\"interests\" must be an array of strings"),
        ] {
            let message = refusal(&log, json!({"interests": interests, "gcm": {}}));
            assert!(message.contains(says), "{interests}: {message}");
        }
        let message = refusal(&log, json!({"gcm": {}}));
        assert!(message.starts_with("Missing \"interests\""), "{message}");
        let longest = json!({"interests": [at(164)], "gcm": {}});
        assert!(notify(&log, &body(longest)).is_ok());
        let ten: Vec<String> = (0..MAX_INTERESTS).map(|i| format!("i-{i}")).collect();
        assert!(notify(&log, &body(json!({"interests": ten, "gcm": {}}))).is_ok());
        assert_eq!(log.snapshot().len(), 2, "refusals are not kept");
    }

    #[test]
    fn a_payload_is_required_and_each_is_an_object() {
        let log = NotificationLog::new(10);
        for payload in [
            json!({}),
            json!({"web": {"notification": {}}}),
            json!({"apns": null}),
        ] {
            let mut object = payload.as_object().cloned().unwrap();
            object.insert("interests".to_owned(), json!(["a"]));
            let message = refusal(&log, Value::Object(object));
            assert!(
                message.starts_with("No payload") || message.contains("must be a JSON object"),
                "{payload}: {message}"
            );
        }
        let message = refusal(&log, json!({"interests": ["a"], "fcm": "title"}));
        assert_eq!(message, "\"fcm\" must be a JSON object: the fcm payload");
        let message = refusal(&log, json!({"interests": ["a"]}));
        assert!(message.starts_with("No payload"), "{message}");
        assert!(log.snapshot().is_empty());
    }

    #[test]
    fn the_body_and_the_webhook_settings_are_checked() {
        let log = NotificationLog::new(10);
        assert!(matches!(notify(&log, b"[1]"), Err(m) if m == "The request body must be a JSON object"));
        assert!(matches!(notify(&log, b"{"), Err(m) if m.starts_with("The request body is not valid JSON")));
        let base = |extra: Value| {
            let mut object = json!({"interests": ["a"], "apns": {}});
            if let (Some(object), Some(extra)) = (object.as_object_mut(), extra.as_object()) {
                object.extend(extra.clone());
            }
            object
        };
        let message = refusal(&log, base(json!({"webhook_level": "TRACE"})));
        assert_eq!(
            message,
            "\"webhook_level\" must be \"INFO\" or \"DEBUG\", got \"TRACE\""
        );
        let message = refusal(&log, base(json!({"webhook_url": 1})));
        assert_eq!(message, "\"webhook_url\" must be a string");
        let full = base(json!({"webhook_url": "https://example.com/hook", "webhook_level": "DEBUG"}));
        notify(&log, &body(full.clone())).unwrap();
        assert_eq!(log.snapshot()[0].payload, full);
    }
}
