//! Every call of the facade, through the clients its features select, over real HTTP against the
//! emulator. Each scenario runs once per alias that exists: `pusher::Pusher` (async, over reqwest
//! or isahc) and `pusher::blocking::Pusher` (over ureq, reqwest's blocking client or isahc); so
//! `cargo test -p pusher` under each feature set that `cargo xtask ci`'s `features` step uses
//! runs them through that set's HTTP stack.
//!
//! | call | what crosses which server | scenario |
//! |---|---|---|
//! | `trigger` (one channel, several) | HTTP API of the emulator; the events reach WebSocket subscribers | `trigger` |
//! | `trigger_with`: `socket_id`, `info` | HTTP API; the excluded connection gets nothing, `info` comes back | `trigger_with_options` |
//! | `trigger_batch`, with `info` | HTTP API; WebSocket subscribers | `trigger_batch` |
//! | `send_to_user` | HTTP API; a signed-in WebSocket connection | `users` |
//! | `terminate_user_connections` | HTTP API; the connection is closed with 4009 | `users` |
//! | `channel`, `channels` (prefix, `info`), `presence_users` | HTTP API | `queries` |
//! | `notify` | the emulator's push notification call, as the notify host | `notify` |
//! | a refusal (wrong secret, a query the server refuses) | HTTP API: a typed `Error::Response` | `trigger`, `queries` |
//! | `authorize_channel` (private, encrypted), `authorize_presence_channel` | no request: the emulator's WebSocket accepts the auth when a subscriber subscribes | `authorizations`, `trigger_with_options` |
//! | `authenticate_user` | no request: the emulator's WebSocket accepts the sign-in | `users` |
//! | `channel_auth_endpoint`, `user_auth_endpoint`, `authorize`, `authenticate` | no request: their answers, as pusher-js would post them on, are accepted by the emulator's WebSocket | `auth_endpoints` |
//! | `verify_webhook`, `verify_webhook_request`, `verify_webhook_parts` | the webhooks the emulator sends over HTTP to a `WebhookInbox` | `webhooks` |

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failure

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pusher::api::{BatchEvent, ChannelInfo, EventData, Notification};
use pusher::webhook::WebhookEvent;
use pusher::{
    ChannelAttribute, ChannelAuthRequest, Error, MasterKey, PusherBuilder, ResponseErrorKind, Scheme,
    TriggerOptions, UserAuthRequest, UserData, WebhookError,
};
use pusher_emulator::client::subscriber::Subscription;
use pusher_emulator::{Emulator, ReceivedEvent, ReceivedWebhook, Subscriber, SubscriberError, WebhookInbox};
use serde_json::{Value, json};

/// A generous wait for what should happen at once.
const WAIT: Duration = Duration::from_secs(5);

/// How long webhooks may take.
const WEBHOOK_WAIT: Duration = Duration::from_secs(10);

/// The encryption master key every client here is given (32 bytes, base64).
const MASTER_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

/// The emulator, sending its webhooks to the inbox.
struct Server {
    emulator: Emulator,
    inbox: std::sync::Arc<WebhookInbox>,
}

/// Starts the inbox on the current runtime and an emulator that sends it webhooks.
async fn start() -> Server {
    let inbox = WebhookInbox::bind("127.0.0.1:0").await.unwrap();
    let emulator = Emulator::builder()
        .webhook_url(inbox.url())
        .start()
        .await
        .unwrap();
    Server { emulator, inbox }
}

/// The settings every client here gets on top of the emulator's URL: push notifications to the
/// emulator, and the master key.
fn settings<C>(builder: PusherBuilder<C>, emulator: &Emulator) -> PusherBuilder<C> {
    builder
        .notify_host("127.0.0.1")
        .notify_scheme(Scheme::Http)
        .notify_port(emulator.port())
        .encryption_master_key_base64(MASTER_KEY)
}

/// The emulator's URL with another secret: what a forger has.
fn forged_url(emulator: &Emulator) -> String {
    format!(
        "http://{}:not-the-secret@{}/apps/{}",
        emulator.key(),
        emulator.addr(),
        emulator.app_id()
    )
}

/// Writes one scenario for each client alias the features select. In `$body`, `call!(e)` is a call
/// of the client (`e.await` for the async one, `e` for the blocking one) and `wait!(f)` waits for
/// a future of the test tools (`f.await`, or `runtime.block_on(f)` on the blocking client's
/// thread, which is outside any runtime as blocking code is).
macro_rules! scenario {
    ($(#[doc = $doc:literal])* fn $name:ident($pusher:ident, $server:ident) $body:block) => {
        $(#[doc = $doc])*
        mod $name {
            use super::*;

            #[cfg(any(feature = "reqwest", feature = "isahc"))]
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn async_client() {
                let $server = start().await;
                let builder = pusher::Pusher::builder_from_url(&$server.emulator.pusher_url());
                let $pusher = settings(builder, &$server.emulator).build().unwrap();
                #[allow(unused_macros)]
                macro_rules! call {
                    ($e:expr) => {
                        $e.await
                    };
                }
                #[allow(unused_macros)]
                macro_rules! wait {
                    ($e:expr) => {
                        $e.await
                    };
                }
                #[allow(unused_macros)]
                macro_rules! forged {
                    () => {
                        pusher::Pusher::from_url(&forged_url(&$server.emulator)).unwrap()
                    };
                }
                $body
            }

            #[cfg(any(feature = "ureq", all(feature = "reqwest", feature = "blocking"), feature = "isahc"))]
            #[test]
            fn blocking_client() {
                let runtime = tokio::runtime::Runtime::new().unwrap();
                let $server = runtime.block_on(start());
                let builder = pusher::blocking::Pusher::builder_from_url(&$server.emulator.pusher_url());
                let $pusher = settings(builder, &$server.emulator).build().unwrap();
                #[allow(unused_macros)]
                macro_rules! call {
                    ($e:expr) => {
                        $e
                    };
                }
                #[allow(unused_macros)]
                macro_rules! wait {
                    ($e:expr) => {
                        runtime.block_on($e)
                    };
                }
                #[allow(unused_macros)]
                macro_rules! forged {
                    () => {
                        pusher::blocking::Pusher::from_url(&forged_url(&$server.emulator)).unwrap()
                    };
                }
                $body
            }
        }
    };
}

async fn connect(server: &Server) -> Subscriber {
    Subscriber::connect(&server.emulator.ws_url()).await.unwrap()
}

/// A connection subscribed to the public `channel`.
async fn on_public(server: &Server, channel: &str) -> Subscriber {
    let mut s = connect(server).await;
    s.subscribe(channel).await.unwrap();
    s
}

/// Subscribes `s` to `channel` with an authorization.
async fn subscribe(
    s: &mut Subscriber,
    channel: &str,
    auth: &pusher::auth::ChannelAuthorization,
) -> Result<Subscription, SubscriberError> {
    s.subscribe_with_auth(channel, &auth.auth, auth.channel_data.as_deref())
        .await
}

/// Waits for `event` on `channel` and checks its data is exactly `data`.
async fn expect_data(s: &mut Subscriber, channel: &str, event: &str, data: &str) {
    let message = s.expect_event(channel, event, WAIT).await.unwrap();
    assert_eq!(message.data.as_deref(), Some(data), "{event} on {channel}");
}

/// Waits for `event` on `channel`, and checks that nothing else came on `channel` before it.
async fn next_on_channel_is(s: &mut Subscriber, channel: &str, event: &str) {
    let message = loop {
        let message = s.next_event(WAIT).await.expect("an event");
        if message.channel.as_deref() == Some(channel) && !message.event.starts_with("pusher") {
            break message;
        }
    };
    assert_eq!(message.event, event, "the first event on {channel}");
}

/// The events the emulator received, as (channel, name, data, excluded socket, batch).
fn received(events: &[ReceivedEvent]) -> Vec<(&str, &str, &str, Option<&str>, bool)> {
    events
        .iter()
        .map(|e| {
            (
                e.channel.as_str(),
                e.name.as_str(),
                e.data.as_str(),
                e.socket_id.as_deref(),
                e.batch,
            )
        })
        .collect()
}

/// `(user_count, subscription_count)`.
type Counts = (Option<u64>, Option<u64>);

/// A channel's [`Counts`].
fn counts(info: &ChannelInfo) -> Counts {
    (info.user_count, info.subscription_count)
}

fn the_master_key() -> MasterKey {
    MasterKey::from_base64(MASTER_KEY).unwrap()
}

scenario! {
    /// `trigger` on one channel and on several: every subscriber gets the exact data, and the
    /// answer is empty. A trigger signed with a wrong secret is refused: 401, `Unauthorized`.
    fn trigger(pusher, server) {
        let mut a1 = wait!(on_public(&server, "calls-a"));
        let mut a2 = wait!(on_public(&server, "calls-a"));
        let mut b = wait!(on_public(&server, "calls-b"));

        let data = json!({"text": "héllo \"world\"", "n": [1, 2.5, null]});
        let answer = call!(pusher.trigger("calls-a", "one", &data)).unwrap();
        assert_eq!(answer, pusher::api::TriggerResponse::default());
        for s in [&mut a1, &mut a2] {
            wait!(expect_data(s, "calls-a", "one", r#"{"n":[1,2.5,null],"text":"héllo \"world\""}"#));
        }
        call!(pusher.trigger(["calls-a", "calls-b"], "many", "plain")).unwrap();
        wait!(expect_data(&mut a1, "calls-a", "many", r#""plain""#));
        wait!(expect_data(&mut b, "calls-b", "many", r#""plain""#));
        let encoded = EventData::encoded("sent as is");
        call!(pusher.trigger("calls-b", "encoded", &encoded)).unwrap();
        wait!(expect_data(&mut b, "calls-b", "encoded", "sent as is"));
        assert_eq!(
            received(&server.emulator.events()),
            [
                ("calls-a", "one", r#"{"n":[1,2.5,null],"text":"héllo \"world\""}"#, None, false),
                ("calls-a", "many", r#""plain""#, None, false),
                ("calls-b", "many", r#""plain""#, None, false),
                ("calls-b", "encoded", "sent as is", None, false),
            ]
        );

        let forged = forged!();
        let e = call!(forged.trigger("calls-a", "forged", &1)).unwrap_err();
        let Error::Response(refusal) = &e else { panic!("{e:?}") };
        let refused = (refusal.kind(), refusal.status().as_u16());
        assert_eq!(refused, (ResponseErrorKind::Unauthorized, 401), "{e}");
        assert_eq!(server.emulator.events().len(), 4, "the forged event was not taken");
    }
}

scenario! {
    /// `trigger_with`: the connection named by `socket_id` does not get the event, the others do;
    /// `info` answers with the channel's attributes. The presence subscriptions are authorized
    /// with `authorize_presence_channel`.
    fn trigger_with_options(pusher, server) {
        let channel = "presence-calls-room";
        let mut alice = wait!(connect(&server));
        let mut bob = wait!(connect(&server));
        for (s, user) in [(&mut alice, "alice"), (&mut bob, "bob")] {
            let auth = pusher
                .authorize_presence_channel(s.socket_id(), channel, user, &json!({"name": user}))
                .unwrap();
            let subscription = wait!(subscribe(s, channel, &auth)).unwrap();
            assert!(subscription.presence.unwrap().ids.contains(&user.to_owned()));
        }
        let alice_socket = alice.socket_id().to_owned();

        let options = TriggerOptions::new()
            .socket_id(alice_socket.clone())
            .info([ChannelAttribute::UserCount, ChannelAttribute::SubscriptionCount]);
        let answer = call!(pusher.trigger_with(channel, "moved", &json!({"x": 3}), options)).unwrap();
        let channels: Vec<(&str, Counts)> =
            answer.channels.iter().map(|(name, info)| (name.as_str(), counts(info))).collect();
        assert_eq!(channels, [(channel, (Some(2), Some(2)))]);
        wait!(expect_data(&mut bob, channel, "moved", r#"{"x":3}"#));

        // Only with `socket_id`, and asking for the subscription count alone.
        let options = TriggerOptions::new().info([ChannelAttribute::SubscriptionCount]);
        let answer = call!(pusher.trigger_with(channel, "after", &4, options)).unwrap();
        assert_eq!(counts(&answer.channels[channel]), (None, Some(2)));
        // "moved" reaching alice would show up before "after".
        wait!(next_on_channel_is(&mut alice, channel, "after"));
        wait!(next_on_channel_is(&mut bob, channel, "after"));
        let events = server.emulator.events();
        assert_eq!(
            received(&events),
            [
                (channel, "moved", r#"{"x":3}"#, Some(alice_socket.as_str()), false),
                (channel, "after", "4", None, false),
            ]
        );
    }
}

scenario! {
    /// `trigger_batch`: each event on its own channel, `info` answered per event in order; the
    /// plain form of `(channel, event, &data)` tuples answers nothing.
    fn trigger_batch(pusher, server) {
        let presence = "presence-calls-batch";
        let mut member = wait!(connect(&server));
        let auth = pusher.authorize_presence_channel(member.socket_id(), presence, "carol", &()).unwrap();
        wait!(subscribe(&mut member, presence, &auth)).unwrap();
        let mut public = wait!(on_public(&server, "calls-batch"));

        let event = |channel: &str, name: &str, data| {
            BatchEvent::new(channel.parse().unwrap(), name.parse().unwrap(), data)
        };
        let events = [
            event(presence, "b-0", EventData::json(&[0]).unwrap()).info([ChannelAttribute::UserCount]),
            event("calls-batch", "b-1", EventData::json(&[1]).unwrap())
                .info([ChannelAttribute::SubscriptionCount]),
            event("calls-batch", "b-2", EventData::encoded("two")),
        ];
        let answer = call!(pusher.trigger_batch(events)).unwrap();
        let answered: Vec<_> = answer.batch.iter().map(counts).collect();
        assert_eq!(answered, [(Some(1), None), (None, Some(1)), (None, None)]);
        wait!(expect_data(&mut member, presence, "b-0", "[0]"));
        wait!(expect_data(&mut public, "calls-batch", "b-1", "[1]"));
        wait!(expect_data(&mut public, "calls-batch", "b-2", "two"));

        let answer = call!(pusher.trigger_batch([
            ("calls-batch", "t-0", &json!({"k": "v"})),
            ("calls-other", "t-1", &json!(null)),
        ]))
        .unwrap();
        assert_eq!(answer, pusher::api::BatchResponse::default());
        wait!(expect_data(&mut public, "calls-batch", "t-0", r#"{"k":"v"}"#));
        let events = server.emulator.events();
        assert_eq!(
            received(&events),
            [
                (presence, "b-0", "[0]", None, true),
                ("calls-batch", "b-1", "[1]", None, true),
                ("calls-batch", "b-2", "two", None, true),
                ("calls-batch", "t-0", r#"{"k":"v"}"#, None, true),
                ("calls-other", "t-1", "null", None, true),
            ]
        );
    }
}

scenario! {
    /// `authenticate_user` signs a connection in; `send_to_user` reaches it on its
    /// `#server-to-user-` channel; `terminate_user_connections` closes it with 4009.
    fn users(pusher, server) {
        let mut ada = wait!(connect(&server));
        let signin = pusher
            .authenticate_user(ada.socket_id(), &json!({"id": "ada", "user_info": {"name": "Ada"}}))
            .unwrap();
        assert_eq!(signin.user_data, r#"{"id":"ada","user_info":{"name":"Ada"}}"#);
        wait!(ada.signin(&signin.auth, &signin.user_data)).unwrap();
        let mut other = wait!(connect(&server));

        let answer = call!(pusher.send_to_user("ada", "shipped", &json!({"order": 7}))).unwrap();
        assert_eq!(answer, pusher::api::TriggerResponse::default());
        wait!(expect_data(&mut ada, "#server-to-user-ada", "shipped", r#"{"order":7}"#));
        assert_eq!(
            received(&server.emulator.events()),
            [("#server-to-user-ada", "shipped", r#"{"order":7}"#, None, false)]
        );

        let answer = call!(pusher.terminate_user_connections("ada")).unwrap();
        assert_eq!(answer, pusher::api::TerminateUserConnectionsResponse::default());
        assert!(wait!(ada.wait_closed(WAIT)), "ada's connection is still open");
        assert_eq!(ada.close_info().map(|c| c.code), Some(4009));
        assert!(!wait!(other.wait_closed(Duration::from_millis(300))), "another connection was closed");
    }
}

scenario! {
    /// `channel`, `channels` (with a prefix and `info`, and without) and `presence_users` report
    /// what the subscriptions made; what the server refuses is a typed `BadRequest`.
    fn queries(pusher, server) {
        let presence = "presence-calls-lobby";
        let mut members = Vec::new();
        for user in ["bob", "alice", "bob"] {
            let mut s = wait!(connect(&server));
            let auth = pusher.authorize_presence_channel(s.socket_id(), presence, user, &()).unwrap();
            wait!(subscribe(&mut s, presence, &auth)).unwrap();
            members.push(s);
        }
        let _public = wait!(on_public(&server, "calls-lobby"));

        use ChannelAttribute::{SubscriptionCount, UserCount};
        let state = call!(pusher.channel(presence, &[UserCount, SubscriptionCount])).unwrap();
        assert_eq!((state.occupied, state.user_count, state.subscription_count), (true, Some(2), Some(3)));
        let state = call!(pusher.channel("calls-lobby", &[])).unwrap();
        assert_eq!((state.occupied, state.user_count, state.subscription_count), (true, None, None));
        let state = call!(pusher.channel("calls-empty", &[SubscriptionCount])).unwrap();
        assert_eq!((state.occupied, state.subscription_count), (false, Some(0)));

        let list = call!(pusher.channels(Some("presence-"), &[UserCount])).unwrap();
        let listed: Vec<_> = list.channels.iter().map(|(name, info)| (name.as_str(), counts(info))).collect();
        assert_eq!(listed, [(presence, (Some(2), None))]);
        let list = call!(pusher.channels(None, &[])).unwrap();
        let listed: Vec<&str> = list.channels.keys().map(String::as_str).collect();
        assert_eq!(listed, ["calls-lobby", presence]);
        let list = call!(pusher.channels(Some("calls-"), &[SubscriptionCount])).unwrap();
        let listed: Vec<_> = list.channels.iter().map(|(name, info)| (name.as_str(), counts(info))).collect();
        assert_eq!(listed, [("calls-lobby", (None, Some(1)))]);

        let users = call!(pusher.presence_users(presence)).unwrap();
        let ids: Vec<&str> = users.users.iter().map(|u| u.id.as_str()).collect();
        assert_eq!(ids, ["alice", "bob"]);

        // Refused by the server, not by the client: typed, with the server's reason.
        let e = call!(pusher.presence_users("calls-lobby")).unwrap_err();
        let Error::Response(refusal) = &e else { panic!("{e:?}") };
        assert_eq!(refusal.kind(), ResponseErrorKind::BadRequest, "{e}");
        assert_eq!(
            refusal.body_text(),
            "Users are only listed for presence channels, and calls-lobby is not one\n"
        );
        let e = call!(pusher.channel("calls-lobby", &[UserCount])).unwrap_err();
        let Error::Response(refusal) = &e else { panic!("{e:?}") };
        assert_eq!(refusal.kind(), ResponseErrorKind::BadRequest, "{e}");
        assert!(refusal.body_text().starts_with("info=user_count is only for presence channels"), "{e}");
    }
}

scenario! {
    /// `notify` reaches the emulator's push notification call as the notify host, which answers
    /// 202 with a publish id and keeps what it got.
    fn notify(pusher, server) {
        let apns = json!({"aps": {"alert": {"title": "Donuts", "body": "are ready"}}});
        let fcm = json!({"notification": {"title": "Donuts"}});
        let notification = Notification::new(["donuts", "kitchen-1"])
            .unwrap()
            .apns(apns.clone())
            .fcm(fcm.clone());
        let answer = call!(pusher.notify(notification)).unwrap();
        assert_eq!(Value::Object(answer.fields), json!({"publishId": "pubid-1"}));
        let late = Notification::new(["late"]).unwrap().gcm(json!({"data": {}}));
        let answer = call!(pusher.notify(late)).unwrap();
        assert_eq!(Value::Object(answer.fields), json!({"publishId": "pubid-2"}));

        let received = server.emulator.notifications();
        assert_eq!(received.len(), 2);
        assert_eq!(received[0].publish_id, "pubid-1");
        assert_eq!(received[0].interests, ["donuts", "kitchen-1"]);
        let sent = json!({"interests": ["donuts", "kitchen-1"], "apns": apns, "fcm": fcm});
        assert_eq!(received[0].payload, sent);
        assert_eq!(received[1].interests, ["late"]);
        assert_eq!(received[1].payload["gcm"], json!({"data": {}}));
        assert!(server.emulator.events().is_empty(), "a notification is not an event");
    }
}

scenario! {
    /// `authorize_channel` for a private and an encrypted channel: the emulator accepts both, and
    /// an encrypted trigger arrives sealed with the key the authorization's `shared_secret` gives;
    /// one signed by a forger is rejected; a public channel needs no authorization.
    fn authorizations(pusher, server) {
        let mut s = wait!(connect(&server));
        let auth = pusher.authorize_channel(s.socket_id(), "private-calls").unwrap();
        assert_eq!((auth.channel_data.as_deref(), auth.shared_secret.as_deref()), (None, None));
        wait!(subscribe(&mut s, "private-calls", &auth)).unwrap();

        let channel = "private-encrypted-calls";
        let auth = pusher.authorize_channel(s.socket_id(), channel).unwrap();
        let expected_secret = pusher::encryption::shared_secret_base64(channel, &the_master_key());
        assert_eq!(auth.shared_secret.as_deref(), Some(expected_secret.as_str()));
        wait!(subscribe(&mut s, channel, &auth)).unwrap();
        call!(pusher.trigger(channel, "sealed", &json!({"secret": "for subscribers"}))).unwrap();
        let message = wait!(s.expect_event(channel, "sealed", WAIT)).unwrap();
        let envelope = message.data.unwrap();
        assert!(!envelope.contains("for subscribers"), "sent in the clear: {envelope}");
        let opened = pusher::encryption::decrypt(channel, &the_master_key(), &envelope).unwrap();
        assert_eq!(opened, r#"{"secret":"for subscribers"}"#);
        assert_eq!(server.emulator.events()[0].data, envelope, "the server saw the envelope only");

        let forged = forged!();
        let auth = forged.authorize_channel(s.socket_id(), "private-forged").unwrap();
        let refused = wait!(subscribe(&mut s, "private-forged", &auth)).unwrap_err();
        assert!(
            matches!(&refused, SubscriberError::SubscriptionRejected { channel, .. }
                if channel == "private-forged"),
            "{refused:?}"
        );
        let e = pusher.authorize_channel(s.socket_id(), "calls-public").unwrap_err();
        assert!(matches!(&e, pusher::AuthError::NotAuthorizable(c) if c == "calls-public"), "{e:?}");
    }
}

scenario! {
    /// The whole auth endpoints, given the form body pusher-js posts: their answers are what the
    /// emulator accepts; a refusal is 403 and a malformed request 400, each saying why. The typed
    /// steps underneath (`authorize`, `authenticate`) answer the same way.
    fn auth_endpoints(pusher, server) {
        let ada = UserData::new("ada".parse().unwrap()).user_info(&json!({"name": "Ada"})).unwrap();
        let mut s = wait!(connect(&server));
        let form = |channel: &str, socket: &str| format!("socket_id={socket}&channel_name={channel}");

        let body = form("presence-calls-auth", s.socket_id());
        let response = pusher.channel_auth_endpoint(body.as_bytes(), &ada, |_| true);
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "application/json");
        let auth: pusher::auth::ChannelAuthorization = serde_json::from_slice(response.body()).unwrap();
        assert_eq!(auth.channel_data.as_deref(), Some(r#"{"user_id":"ada","user_info":{"name":"Ada"}}"#));
        let subscription = wait!(subscribe(&mut s, "presence-calls-auth", &auth)).unwrap();
        assert_eq!(subscription.presence.unwrap().ids, ["ada"]);

        let response = pusher.channel_auth_endpoint(
            form("private-admin", s.socket_id()).as_bytes(),
            &ada,
            |channel| channel.as_str() != "private-admin",
        );
        assert_eq!(response.status(), 403);
        assert_eq!(response.body(), b"user ada may not subscribe to private-admin");
        let response = pusher.channel_auth_endpoint(b"channel_name=private-x", &ada, |_| true);
        assert_eq!(response.status(), 400);
        assert!(String::from_utf8_lossy(response.body()).contains("socket_id"), "{response:?}");

        let body = form("private-calls-typed", s.socket_id());
        let request = ChannelAuthRequest::from_form(body.as_bytes()).unwrap();
        let auth = pusher.authorize(&request, &ada).unwrap();
        wait!(subscribe(&mut s, "private-calls-typed", &auth)).unwrap();

        let response = pusher.user_auth_endpoint(format!("socket_id={}", s.socket_id()).as_bytes(), &ada);
        assert_eq!(response.status(), 200);
        let signin: pusher::auth::UserAuthentication = serde_json::from_slice(response.body()).unwrap();
        assert_eq!(signin.user_data, r#"{"id":"ada","user_info":{"name":"Ada"}}"#);
        wait!(s.signin(&signin.auth, &signin.user_data)).unwrap();
        let response = pusher.user_auth_endpoint(b"socket_id=not-a-socket", &ada);
        assert_eq!(response.status(), 400);

        let mut grace = wait!(connect(&server));
        let body = format!("socket_id={}", grace.socket_id());
        let request = UserAuthRequest::from_form(body.as_bytes()).unwrap();
        let signin = pusher.authenticate(&request, &UserData::new("grace".parse().unwrap())).unwrap();
        wait!(grace.signin(&signin.auth, &signin.user_data)).unwrap();
        call!(pusher.send_to_user("grace", "hello", "grace")).unwrap();
        wait!(expect_data(&mut grace, "#server-to-user-grace", "hello", r#""grace""#));
    }
}

/// The first webhook holding `channel_occupied` for `channel`.
async fn occupied_webhook(inbox: &WebhookInbox, channel: &str) -> ReceivedWebhook {
    let holds = |w: &ReceivedWebhook| {
        let body: Value = serde_json::from_slice(&w.body).ok()?;
        body["events"]
            .as_array()?
            .iter()
            .any(|e| e["name"] == "channel_occupied" && e["channel"] == channel)
            .then(|| w.clone())
    };
    inbox
        .wait_for(WEBHOOK_WAIT, holds)
        .await
        .expect("a channel_occupied webhook")
}

scenario! {
    /// The webhooks the emulator sends over HTTP verify with `verify_webhook`,
    /// `verify_webhook_request` and `verify_webhook_parts`, and parse; a tampered body does not.
    fn webhooks(pusher, server) {
        let _s = wait!(on_public(&server, "calls-hooked"));
        let hook = wait!(occupied_webhook(&server.inbox, "calls-hooked"));
        let (key, signature) = (hook.key.clone().unwrap(), hook.signature.clone().unwrap());
        let occupied = WebhookEvent::ChannelOccupied { channel: "calls-hooked".to_owned() };

        let mut headers = pusher::http::HeaderMap::new();
        headers.insert("x-pusher-key", key.parse().unwrap());
        headers.insert("x-pusher-signature", signature.parse().unwrap());
        let webhook = pusher.verify_webhook(&headers, &hook.body).unwrap();
        assert!(webhook.events.contains(&occupied), "{webhook:?}");

        let mut request = pusher::http::Request::new(hook.body.clone());
        *request.headers_mut() = headers.clone();
        let webhook = pusher.verify_webhook_request(&request).unwrap();
        assert!(webhook.events.contains(&occupied), "{webhook:?}");

        let webhook = pusher.verify_webhook_parts(&key, &signature, &hook.body).unwrap();
        assert!(webhook.events.contains(&occupied), "{webhook:?}");
        let now_ms = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis();
        assert!(now_ms.abs_diff(u128::from(webhook.time_ms)) < 60_000, "time_ms {}", webhook.time_ms);

        let mut tampered = hook.body.clone();
        let at = tampered.len() / 2;
        tampered[at] ^= 1;
        let e = pusher.verify_webhook_parts(&key, &signature, &tampered).unwrap_err();
        assert!(matches!(e, WebhookError::SignatureMismatch), "{e:?}");
    }
}
