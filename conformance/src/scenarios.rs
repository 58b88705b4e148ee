//! The scenarios. Each one subscribes real WebSocket clients, acts through one client mode, and
//! checks what the subscribers (and the webhook listener) see.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use pusher_core::api::{
    BatchEvent, ChannelAttribute, ChannelInfo, EventData, GetChannel, GetPresenceUsers, ListChannels,
    Notification, Operation, TerminateUserConnections, Trigger, TriggerBatch, TriggerResponse,
};
use pusher_core::auth::{self, PresenceMember, UserData};
use pusher_core::webhook::{WebhookEvent, WebhookVerifier};
use pusher_core::{ChannelName, Config, Error, ResponseErrorKind, UserId, WebhookError, encryption};
use pusher_emulator::Subscriber;
use serde_json::{Value, json};

use crate::clients::Client;
use crate::target::Target;

/// What a scenario returns: `Err` says what went wrong.
pub(crate) type Outcome = Result<(), String>;

/// How long an expected message may take.
const ARRIVAL: Duration = Duration::from_secs(5);
/// How long webhooks may take (servers may batch or delay them).
const WEBHOOK_ARRIVAL: Duration = Duration::from_secs(15);

/// A scenario: a name and the check.
pub(crate) struct Scenario {
    pub(crate) name: &'static str,
    /// Whether it needs an async client, as the publisher does: blocking modes do not run it.
    pub(crate) async_only: bool,
    pub(crate) run: for<'a> fn(&'a Ctx<'a>) -> Pin<Box<dyn Future<Output = Outcome> + 'a>>,
}

/// Everything a scenario works with.
pub(crate) struct Ctx<'a> {
    pub(crate) target: &'a Target,
    pub(crate) client: &'a Client,
}

static UNIQUE: AtomicU64 = AtomicU64::new(0);

impl Ctx<'_> {
    fn config(&self) -> &Config {
        &self.target.config
    }

    /// A channel name no other scenario uses.
    fn channel(&self, prefix: &str) -> String {
        let n = UNIQUE.fetch_add(1, Ordering::Relaxed);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        format!("{prefix}{}-{n}-{nanos}", self.client.mode())
    }

    async fn subscriber(&self) -> Result<Subscriber, String> {
        Subscriber::connect(&self.target.ws_url)
            .await
            .map_err(|e| format!("connect to {}: {e}", self.target.ws_url))
    }

    /// A subscriber on a public channel.
    async fn on_public(&self, channel: &str) -> Result<Subscriber, String> {
        let mut s = self.subscriber().await?;
        s.subscribe(channel)
            .await
            .map_err(|e| format!("subscribe {channel}: {e}"))?;
        Ok(s)
    }

    /// A subscriber on a private (or encrypted) channel, authorized by `config`.
    async fn on_private(
        &self,
        channel: &str,
        config: &Config,
    ) -> Result<(Subscriber, Option<String>), String> {
        let mut s = self.subscriber().await?;
        let auth =
            auth::authorize_channel(config, &socket(&s)?, &name(channel)?).map_err(|e| e.to_string())?;
        s.subscribe_with_auth(channel, &auth.auth, None)
            .await
            .map_err(|e| format!("subscribe {channel}: {e}"))?;
        Ok((s, auth.shared_secret))
    }

    /// A subscriber on a presence channel as `user_id`, authorized by `config`.
    async fn on_presence(&self, channel: &str, user_id: &str, config: &Config) -> Result<Subscriber, String> {
        let mut s = self.subscriber().await?;
        let member = PresenceMember::new(user_id.parse().map_err(|e| format!("{e}"))?)
            .user_info(&json!({"name": format!("user {user_id}")}))
            .map_err(|e| e.to_string())?;
        let auth = auth::authorize_presence_channel(config, &socket(&s)?, &name(channel)?, &member)
            .map_err(|e| e.to_string())?;
        let subscription = s
            .subscribe_with_auth(channel, &auth.auth, auth.channel_data.as_deref())
            .await
            .map_err(|e| format!("subscribe {channel}: {e}"))?;
        let ids = subscription.presence.map(|p| p.ids).unwrap_or_default();
        ensure(
            ids.iter().any(|id| id == user_id),
            format!("{user_id} not among the members {ids:?}"),
        )?;
        Ok(s)
    }

    async fn send<O>(&self, operation: O) -> Result<O::Output, String>
    where
        O: Operation + Send + 'static,
        O::Output: Send + 'static,
    {
        self.client
            .send(operation)
            .await
            .map_err(|e| format!("{e} ({e:?})"))
    }
}

fn socket(s: &Subscriber) -> Result<pusher_core::SocketId, String> {
    s.socket_id().parse().map_err(|e| format!("{e}"))
}

fn name(channel: &str) -> Result<ChannelName, String> {
    channel.parse().map_err(|e| format!("{e}"))
}

fn ensure(condition: bool, message: impl Into<String>) -> Outcome {
    if condition { Ok(()) } else { Err(message.into()) }
}

fn json_data(value: &Value) -> Result<EventData, String> {
    EventData::json(value).map_err(|e| e.to_string())
}

/// Waits for `event` on `channel` and checks its data is exactly `data`.
async fn expect_data(s: &mut Subscriber, channel: &str, event: &str, data: &str) -> Outcome {
    let message = s
        .expect_event(channel, event, ARRIVAL)
        .await
        .map_err(|e| format!("subscriber {}: {e}", s.socket_id()))?;
    ensure(
        message.data.as_deref() == Some(data),
        format!("{event} on {channel}: data {:?}, expected {data:?}", message.data),
    )
}

/// The next message on `channel` (skipping other channels) is `event`: nothing came before it.
async fn next_on_channel_is(s: &mut Subscriber, channel: &str, event: &str) -> Outcome {
    s.expect_event(channel, event, ARRIVAL)
        .await
        .map_err(|e| format!("subscriber {}: {e}", s.socket_id()))?;
    while let Some(m) = s.next_event(Duration::from_millis(100)).await {
        ensure(
            m.channel.as_deref() != Some(channel) || m.event.starts_with("pusher"),
            format!("{} on {channel} arrived, but should not have", m.event),
        )?;
    }
    Ok(())
}

/// 1. A trigger on one channel and on several: every subscriber gets the exact data.
async fn trigger(ctx: &Ctx<'_>) -> Outcome {
    let (a, b) = (ctx.channel("conf-a-"), ctx.channel("conf-b-"));
    let mut a1 = ctx.on_public(&a).await?;
    let mut a2 = ctx.on_public(&a).await?;
    let mut b1 = ctx.on_public(&b).await?;
    let value =
        json!({"text": "héllo \"world\" \\ ünïcode ✓", "n": [1, 2.5, null, true], "nested": {"k": "v"}});
    let data = json_data(&value)?;
    ctx.send(Trigger::new(
        [name(&a)?],
        "one".parse().map_err(|e| format!("{e}"))?,
        data.clone(),
    ))
    .await?;
    for s in [&mut a1, &mut a2] {
        expect_data(s, &a, "one", data.as_str()).await?;
    }
    let pre_encoded = EventData::encoded("plain text, sent as is");
    ctx.send(Trigger::new(
        [name(&a)?, name(&b)?],
        "many".parse().map_err(|e| format!("{e}"))?,
        pre_encoded,
    ))
    .await?;
    for s in [&mut a1, &mut a2] {
        expect_data(s, &a, "many", "plain text, sent as is").await?;
    }
    expect_data(&mut b1, &b, "many", "plain text, sent as is").await
}

/// 2. `socket_id` excludes that connection only.
async fn exclusion(ctx: &Ctx<'_>) -> Outcome {
    let a = ctx.channel("conf-x-");
    let mut excluded = ctx.on_public(&a).await?;
    let mut other = ctx.on_public(&a).await?;
    let data = json_data(&json!({"excluded": true}))?;
    let trigger = Trigger::new(
        [name(&a)?],
        "first".parse().map_err(|e| format!("{e}"))?,
        data.clone(),
    )
    .socket_id(socket(&excluded)?);
    ctx.send(trigger).await?;
    expect_data(&mut other, &a, "first", data.as_str()).await?;
    ctx.send(Trigger::new(
        [name(&a)?],
        "second".parse().map_err(|e| format!("{e}"))?,
        data,
    ))
    .await?;
    // "first" reaching the excluded connection would show up around "second".
    next_on_channel_is(&mut excluded, &a, "second").await?;
    next_on_channel_is(&mut other, &a, "second").await
}

/// 3. A batch: every event arrives on its own channel.
async fn batch(ctx: &Ctx<'_>) -> Outcome {
    let channels: Vec<String> = (0..3).map(|i| ctx.channel(&format!("conf-batch{i}-"))).collect();
    let mut subscribers = Vec::new();
    for channel in &channels {
        subscribers.push(ctx.on_public(channel).await?);
    }
    let mut events = Vec::new();
    for (i, channel) in channels.iter().enumerate() {
        let data = json_data(&json!({"index": i}))?;
        events.push(BatchEvent::new(
            name(channel)?,
            format!("batch-{i}").parse().map_err(|e| format!("{e}"))?,
            data,
        ));
    }
    ctx.send(TriggerBatch::new(events)).await?;
    for (i, (s, channel)) in subscribers.iter_mut().zip(&channels).enumerate() {
        expect_data(s, channel, &format!("batch-{i}"), &format!("{{\"index\":{i}}}")).await?;
    }
    Ok(())
}

/// `(user_count, subscription_count)`.
type Counts = (Option<u64>, Option<u64>);

fn counts(info: &ChannelInfo) -> Counts {
    (info.user_count, info.subscription_count)
}

/// A presence channel with `alice` and `bob` on it, and a public channel with one subscriber.
async fn occupied_pair(ctx: &Ctx<'_>) -> Result<(String, String, Vec<Subscriber>), String> {
    let presence = ctx.channel("presence-conf-info-");
    let public = ctx.channel("conf-info-");
    let alice = ctx.on_presence(&presence, "alice", ctx.config()).await?;
    let bob = ctx.on_presence(&presence, "bob", ctx.config()).await?;
    let watcher = ctx.on_public(&public).await?;
    Ok((presence, public, vec![alice, bob, watcher]))
}

/// 3a. A trigger with `info` answers each channel's attributes, and is delivered.
///
/// The attributes a trigger's answer gives, per channel.
fn channel_counts(answer: &TriggerResponse) -> Vec<(String, Counts)> {
    answer
        .channels
        .iter()
        .map(|(channel, info)| (channel.clone(), counts(info)))
        .collect()
}

/// A server that ignores `info` answers no attributes; the events arrive all the same.
async fn trigger_info(ctx: &Ctx<'_>) -> Outcome {
    let (presence, public, mut subscribers) = occupied_pair(ctx).await?;
    let data = json_data(&json!({"with": "info"}))?;
    let answer = ctx
        .send(
            Trigger::new(
                [name(&presence)?],
                "with-info".parse().map_err(|e| format!("{e}"))?,
                data.clone(),
            )
            .info([ChannelAttribute::UserCount, ChannelAttribute::SubscriptionCount]),
        )
        .await?;
    let answered = channel_counts(&answer);
    let expected = if ctx.target.quirks.trigger_ignores_info {
        Vec::new()
    } else {
        vec![(presence.clone(), (Some(2), Some(2)))]
    };
    ensure(
        answered == expected,
        format!("answered {answered:?}, expected {expected:?}"),
    )?;
    for s in subscribers.iter_mut().take(2) {
        expect_data(s, &presence, "with-info", data.as_str()).await?;
    }

    let answer = ctx
        .send(
            Trigger::new(
                [name(&presence)?, name(&public)?],
                "both".parse().map_err(|e| format!("{e}"))?,
                data.clone(),
            )
            .info([ChannelAttribute::SubscriptionCount]),
        )
        .await?;
    let answered = channel_counts(&answer);
    let mut expected = if ctx.target.quirks.trigger_ignores_info {
        Vec::new()
    } else {
        vec![
            (presence.clone(), (None, Some(2))),
            (public.clone(), (None, Some(1))),
        ]
    };
    expected.sort();
    ensure(
        answered == expected,
        format!("answered {answered:?}, expected {expected:?}"),
    )?;
    for s in subscribers.iter_mut().take(2) {
        expect_data(s, &presence, "both", data.as_str()).await?;
    }
    expect_data(&mut subscribers[2], &public, "both", data.as_str()).await
}

/// 3b. A batch with `info` answers, per event and in order, the attributes asked for; every
/// event is delivered.
///
/// A server that ignores `info` answers no attributes; the events arrive all the same.
async fn batch_info(ctx: &Ctx<'_>) -> Outcome {
    let (presence, public, mut subscribers) = occupied_pair(ctx).await?;
    let event = |name: &str| name.parse().map_err(|e| format!("{e}"));
    let events = vec![
        BatchEvent::new(name(&presence)?, event("b-0")?, EventData::encoded("zero"))
            .info([ChannelAttribute::UserCount]),
        BatchEvent::new(name(&public)?, event("b-1")?, EventData::encoded("one"))
            .info([ChannelAttribute::SubscriptionCount]),
        BatchEvent::new(name(&public)?, event("b-2")?, EventData::encoded("two")),
    ];
    let answer = ctx.send(TriggerBatch::new(events)).await?;
    let answered: Vec<Counts> = answer.batch.iter().map(counts).collect();
    let expected = if ctx.target.quirks.trigger_ignores_info {
        Vec::new()
    } else {
        vec![(Some(2), None), (None, Some(1)), (None, None)]
    };
    ensure(
        answered == expected,
        format!("answered {answered:?}, expected {expected:?}"),
    )?;
    for s in subscribers.iter_mut().take(2) {
        expect_data(s, &presence, "b-0", "zero").await?;
    }
    expect_data(&mut subscribers[2], &public, "b-1", "one").await?;
    expect_data(&mut subscribers[2], &public, "b-2", "two").await
}

/// 4. Our channel authorizations are accepted; one signed with a wrong secret is refused.
async fn channel_auth(ctx: &Ctx<'_>) -> Outcome {
    let private = ctx.channel("private-conf-");
    let presence = ctx.channel("presence-conf-");
    ctx.on_private(&private, ctx.config()).await?;
    ctx.on_presence(&presence, "alice", ctx.config()).await?;
    let wrong = ctx.target.wrong_secret_config();
    let refused = ctx.on_private(&ctx.channel("private-conf-"), wrong).await;
    ensure(
        refused.as_ref().err().is_some_and(|e| auth_rejected(e)),
        format!("a private subscription signed with a wrong secret was not refused as such: {refused:?}"),
    )?;
    let refused = ctx
        .on_presence(&ctx.channel("presence-conf-"), "mallory", wrong)
        .await;
    ensure(
        refused.as_ref().err().is_some_and(|e| auth_rejected(e)),
        format!("a presence subscription signed with a wrong secret was not refused as such: {refused:?}"),
    )
}

/// Whether a subscription failed as one refused for its authorization does: the server answered
/// `pusher:subscription_error` with status 401 (not a timeout, a closed connection, or another
/// refusal).
fn auth_rejected(error: &str) -> bool {
    error.contains("rejected: ") && error.contains(r#""status":401"#)
}

/// 5. Presence: users, channel state and the channel list reflect the members.
async fn presence(ctx: &Ctx<'_>) -> Outcome {
    let channel = ctx.channel("presence-conf-");
    let _alice = ctx.on_presence(&channel, "alice", ctx.config()).await?;
    let _bob = ctx.on_presence(&channel, "bob", ctx.config()).await?;
    let users = ctx.send(GetPresenceUsers::new(name(&channel)?)).await?;
    let mut ids: Vec<String> = users.users.into_iter().map(|u| u.id).collect();
    ids.sort();
    ensure(
        ids == ["alice", "bob"],
        format!("users {ids:?}, expected alice and bob"),
    )?;
    let state = ctx
        .send(
            GetChannel::new(name(&channel)?)
                .info([ChannelAttribute::UserCount, ChannelAttribute::SubscriptionCount]),
        )
        .await?;
    ensure(state.occupied, "the presence channel is not occupied")?;
    ensure(
        (state.user_count, state.subscription_count) == (Some(2), Some(2)),
        format!(
            "user_count {:?} and subscription_count {:?}, expected 2 and 2",
            state.user_count, state.subscription_count
        ),
    )?;
    let list = ctx
        .send(
            ListChannels::new()
                .prefix("presence-")
                .info([ChannelAttribute::UserCount]),
        )
        .await?;
    let listed = list
        .channels
        .get(&channel)
        .ok_or_else(|| format!("{channel} not in the channel list {:?}", list.channels.keys()))?;
    if ctx.target.quirks.list_ignores_info {
        ensure(
            listed.subscription_count == Some(2),
            format!(
                "listed subscription_count {:?}, expected 2",
                listed.subscription_count
            ),
        )?;
    } else {
        ensure(
            listed.user_count == Some(2),
            format!("listed user_count {:?}, expected 2", listed.user_count),
        )?;
    }
    ensure(
        list.channels.keys().all(|c| c.starts_with("presence-")),
        "the prefix filter let other channels through",
    )
}

/// 6. User sign-in is accepted; a message to the user arrives; terminating closes the connection.
async fn user(ctx: &Ctx<'_>) -> Outcome {
    let user_id = ctx.channel("user-");
    let mut s = ctx.subscriber().await?;
    let user_data = UserData::new(user_id.parse().map_err(|e| format!("{e}"))?)
        .user_info(&json!({"name": "Signed In"}))
        .map_err(|e| e.to_string())?;
    let signin =
        auth::authenticate_user(ctx.config(), &socket(&s)?, &user_data).map_err(|e| e.to_string())?;
    s.signin(&signin.auth, &signin.user_data)
        .await
        .map_err(|e| format!("sign-in refused: {e}"))?;
    let data = json_data(&json!({"for": user_id}))?;
    ctx.send(Trigger::send_to_user(
        &user_id.parse().map_err(|e| format!("{e}"))?,
        "to-user".parse().map_err(|e| format!("{e}"))?,
        data.clone(),
    ))
    .await?;
    expect_data(
        &mut s,
        &format!("#server-to-user-{user_id}"),
        "to-user",
        data.as_str(),
    )
    .await?;
    ctx.send(TerminateUserConnections::new(
        user_id.parse().map_err(|e| format!("{e}"))?,
    ))
    .await?;
    ensure(
        s.wait_closed(ARRIVAL).await,
        "terminate_user_connections did not close the connection",
    )
}

/// 7. An encrypted channel's event arrives sealed and opens with the authorization's shared secret.
async fn encrypted(ctx: &Ctx<'_>) -> Outcome {
    let channel = ctx.channel("private-encrypted-conf-");
    let (mut s, shared_secret) = ctx.on_private(&channel, ctx.config()).await?;
    let shared_secret = shared_secret.ok_or("no shared_secret in the authorization")?;
    let key: [u8; 32] = BASE64
        .decode(&shared_secret)
        .map_err(|e| e.to_string())?
        .try_into()
        .map_err(|_| "shared_secret is not 32 bytes")?;
    let value = json!({"secret": "only for subscribers", "n": 7});
    let data = json_data(&value)?;
    ctx.send(Trigger::new(
        [name(&channel)?],
        "sealed".parse().map_err(|e| format!("{e}"))?,
        data.clone(),
    ))
    .await?;
    let message = s
        .expect_event(&channel, "sealed", ARRIVAL)
        .await
        .map_err(|e| e.to_string())?;
    let envelope = message.data_json().ok_or("the data is not the JSON envelope")?;
    let field = |f: &str| -> Result<Vec<u8>, String> {
        let text = envelope[f].as_str().ok_or(format!("no {f} in {envelope}"))?;
        BASE64.decode(text).map_err(|e| format!("{f}: {e}"))
    };
    let nonce: [u8; 24] = field("nonce")?.try_into().map_err(|_| "nonce is not 24 bytes")?;
    ensure(
        !String::from_utf8_lossy(&field("ciphertext")?).contains("only for"),
        "data sent in the clear",
    )?;
    let plaintext = encryption::open(&key, &nonce, &field("ciphertext")?).map_err(|e| e.to_string())?;
    ensure(
        plaintext == data.as_str().as_bytes(),
        format!("decrypted {:?}", String::from_utf8_lossy(&plaintext)),
    )
}

/// 7a. A push notification (PROTOCOL §10) sent to the server as its notify host is accepted with a
/// publish id, and kept by the emulator as sent.
///
/// A server without the push notification call answers 404: `NotFound`.
async fn notify(ctx: &Ctx<'_>) -> Outcome {
    let interest = ctx.channel("conf-interest-");
    let fcm = json!({"notification": {"title": interest}});
    let notification = Notification::new([interest.clone()])
        .map_err(|e| e.to_string())?
        .fcm(fcm.clone());
    let result = ctx.client.send(notification).await;
    if ctx.target.quirks.no_push_notifications {
        return match &result {
            Err(Error::Response(e)) if e.kind() == ResponseErrorKind::NotFound => Ok(()),
            _ => Err(format!(
                "notify gave {result:?}, expected a NotFound response error"
            )),
        };
    }
    let answer = result.map_err(|e| format!("{e} ({e:?})"))?;
    let publish_id = answer
        .fields
        .get("publishId")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("no string publishId in {:?}", answer.fields))?;
    let Some(emulator) = ctx.target.emulator() else {
        return Ok(());
    };
    let kept = emulator
        .notifications()
        .into_iter()
        .find(|n| n.publish_id == publish_id)
        .ok_or_else(|| format!("the emulator kept no notification {publish_id}"))?;
    ensure(
        kept.interests == [interest.clone()] && kept.payload == json!({"interests": [interest], "fcm": fcm}),
        format!("the emulator kept {kept:?}"),
    )
}

/// Waits for a verified webhook holding an event `matches` accepts.
async fn webhook_with(
    ctx: &Ctx<'_>,
    what: &str,
    matches: impl Fn(&WebhookEvent) -> bool,
) -> Result<pusher_emulator::ReceivedWebhook, String> {
    let verifier = WebhookVerifier::new(ctx.config());
    ctx.target
        .inbox
        .wait_for(WEBHOOK_ARRIVAL, |received| {
            let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?;
            let webhook = verifier
                .verify(
                    received.key.as_deref(),
                    received.signature.as_deref(),
                    &received.body,
                    now,
                )
                .ok()?;
            webhook.events.iter().any(&matches).then(|| received.clone())
        })
        .await
        .ok_or_else(|| format!("no verified webhook with {what} within {WEBHOOK_ARRIVAL:?}"))
}

/// 8. The server's webhooks verify and parse; a tampered body or a wrong key is refused.
async fn webhooks(ctx: &Ctx<'_>) -> Outcome {
    let public = ctx.channel("conf-hook-");
    let mut s = ctx.on_public(&public).await?;
    let occupied = webhook_with(
        ctx,
        "channel_occupied",
        |e| matches!(e, WebhookEvent::ChannelOccupied { channel } if *channel == public),
    )
    .await?;
    s.unsubscribe(&public).await.map_err(|e| e.to_string())?;
    webhook_with(
        ctx,
        "channel_vacated",
        |e| matches!(e, WebhookEvent::ChannelVacated { channel } if *channel == public),
    )
    .await?;

    let presence = ctx.channel("presence-conf-hook-");
    let mut member = ctx.on_presence(&presence, "carol", ctx.config()).await?;
    webhook_with(ctx, "member_added", |e| {
        matches!(e, WebhookEvent::MemberAdded { channel, user_id } if *channel == presence && user_id == "carol")
    })
    .await?;
    member.unsubscribe(&presence).await.map_err(|e| e.to_string())?;
    webhook_with(ctx, "member_removed", |e| {
        matches!(e, WebhookEvent::MemberRemoved { channel, user_id } if *channel == presence && user_id == "carol")
    })
    .await?;

    let private = ctx.channel("private-conf-hook-");
    let (mut sender, _) = ctx.on_private(&private, ctx.config()).await?;
    sender
        .send_client_event(&private, "client-hello", &json!({"from": "client"}))
        .await
        .map_err(|e| e.to_string())?;
    webhook_with(ctx, "client_event", |e| {
        matches!(e, WebhookEvent::ClientEvent { channel, event, data, .. }
            if *channel == private && event == "client-hello" && data == r#"{"from":"client"}"#)
    })
    .await?;

    // The same webhook, tampered with or checked against another key, is refused.
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|e| e.to_string())?;
    let verifier = WebhookVerifier::new(ctx.config());
    let mut tampered = occupied.body.clone();
    let at = tampered.len() / 2;
    tampered[at] ^= 0x01;
    let result = verifier.verify(
        occupied.key.as_deref(),
        occupied.signature.as_deref(),
        &tampered,
        now,
    );
    ensure(
        matches!(result, Err(WebhookError::SignatureMismatch)),
        format!("a tampered body gave {result:?}"),
    )?;
    let other =
        Config::new(ctx.config().app_id(), "another-key", "another-secret").map_err(|e| e.to_string())?;
    let result = WebhookVerifier::new(&other).verify(
        occupied.key.as_deref(),
        occupied.signature.as_deref(),
        &occupied.body,
        now,
    );
    ensure(
        matches!(result, Err(WebhookError::UnknownKey(_))),
        format!("a webhook for another key gave {result:?}"),
    )
}

/// Every call kind, made as `config` would make it: the trigger and the batch on `channel`.
async fn every_call_as(
    ctx: &Ctx<'_>,
    config: &Config,
    channel: &str,
) -> Result<Vec<(&'static str, Result<(), Error>)>, String> {
    let client = ctx.client;
    let event = |name: &str| name.parse().map_err(|e| format!("{e}"));
    let user: UserId = ctx.channel("conf-user-").parse().map_err(|e| format!("{e}"))?;
    Ok(vec![
        (
            "trigger",
            client
                .send_as(
                    config,
                    Trigger::new([name(channel)?], event("by-trigger")?, EventData::encoded("t")),
                )
                .await
                .map(drop),
        ),
        (
            "batch",
            client
                .send_as(
                    config,
                    TriggerBatch::new([BatchEvent::new(
                        name(channel)?,
                        event("by-batch")?,
                        EventData::encoded("b"),
                    )]),
                )
                .await
                .map(drop),
        ),
        (
            "list channels",
            client.send_as(config, ListChannels::new()).await.map(drop),
        ),
        (
            "one channel",
            client
                .send_as(config, GetChannel::new(name(channel)?))
                .await
                .map(drop),
        ),
        (
            "presence users",
            client
                .send_as(
                    config,
                    GetPresenceUsers::new(name(&ctx.channel("presence-conf-"))?),
                )
                .await
                .map(drop),
        ),
        (
            "terminate user connections",
            client
                .send_as(config, TerminateUserConnections::new(user))
                .await
                .map(drop),
        ),
    ])
}

/// Every call kind made as `config` is refused with a response error of `kind`, and what it
/// triggered reaches no subscriber.
async fn refused_as(ctx: &Ctx<'_>, config: &Config, kind: ResponseErrorKind) -> Outcome {
    let channel = ctx.channel("conf-refused-");
    let mut s = ctx.on_public(&channel).await?;
    for (call, result) in every_call_as(ctx, config, &channel).await? {
        match &result {
            Err(Error::Response(e)) if e.kind() == kind => {}
            _ => {
                return Err(format!(
                    "{call} gave {result:?}, expected a {kind:?} response error"
                ));
            }
        }
    }
    ctx.send(Trigger::new(
        [name(&channel)?],
        "genuine".parse().map_err(|e| format!("{e}"))?,
        EventData::encoded("genuine"),
    ))
    .await?;
    let first = s
        .next_event(ARRIVAL)
        .await
        .ok_or("nothing arrived after the genuine trigger")?;
    ensure(first.event == "genuine", format!("{} arrived first", first.event))
}

/// 9. Every call signed with a wrong secret is refused: authentication failed.
async fn wrong_secret(ctx: &Ctx<'_>) -> Outcome {
    refused_as(
        ctx,
        ctx.target.wrong_secret_config(),
        ResponseErrorKind::Unauthorized,
    )
    .await
}

/// 10. Every call with a wrong key, signed with the app's secret, is refused: authentication failed.
///
/// A server that ignores the key accepts each call instead, and the events arrive.
async fn wrong_key(ctx: &Ctx<'_>) -> Outcome {
    let config = ctx.target.wrong_key_config();
    if !ctx.target.quirks.ignores_auth_key {
        return refused_as(ctx, config, ResponseErrorKind::Unauthorized).await;
    }
    let channel = ctx.channel("conf-any-key-");
    let mut s = ctx.on_public(&channel).await?;
    for (call, result) in every_call_as(ctx, config, &channel).await? {
        ensure(result.is_ok(), format!("{call} gave {result:?}"))?;
    }
    expect_data(&mut s, &channel, "by-trigger", "t").await?;
    expect_data(&mut s, &channel, "by-batch", "b").await
}

/// 11. Every call for an app id the server does not know is refused: not found.
async fn unknown_app(ctx: &Ctx<'_>) -> Outcome {
    refused_as(ctx, ctx.target.unknown_app_config(), ResponseErrorKind::NotFound).await
}

/// 12. The publisher (async clients): events from several tasks on several channels, batched.
///
/// Every receipt resolves, and each subscriber gets its channel's events once each, in the order
/// published.
async fn publisher(ctx: &Ctx<'_>) -> Outcome {
    const CHANNELS: usize = 3;
    const PER_CHANNEL: usize = 25;
    let channels: Vec<String> = (0..CHANNELS)
        .map(|i| ctx.channel(&format!("conf-pub{i}-")))
        .collect();
    let mut subscribers = Vec::new();
    for channel in &channels {
        subscribers.push(ctx.on_public(channel).await?);
    }
    let publisher = match ctx.client.publisher() {
        Some(built) => built.map_err(|e| e.to_string())?,
        None => return Err("the publisher needs an async client".to_owned()),
    };
    let tasks: Vec<_> = channels
        .iter()
        .map(|channel| {
            let (publisher, channel) = (publisher.clone(), channel.clone());
            tokio::spawn(async move {
                let mut receipts = Vec::new();
                for n in 0..PER_CHANNEL {
                    let receipt = publisher
                        .publish(channel.as_str(), "published", &json!({"n": n}))
                        .await
                        .map_err(|e| format!("publish {n} on {channel}: {e}"))?;
                    receipts.push(receipt);
                }
                for (n, receipt) in receipts.into_iter().enumerate() {
                    receipt
                        .await
                        .map_err(|e| format!("event {n} on {channel}: {e}"))?;
                }
                Ok::<(), String>(())
            })
        })
        .collect();
    for task in tasks {
        task.await.map_err(|e| format!("a publishing task: {e}"))??;
    }
    publisher.close().await;
    for (s, channel) in subscribers.iter_mut().zip(&channels) {
        for n in 0..PER_CHANNEL {
            expect_data(s, channel, "published", &format!("{{\"n\":{n}}}")).await?;
        }
        while let Some(m) = s.next_event(Duration::from_millis(100)).await {
            ensure(
                m.channel.as_deref() != Some(channel.as_str()) || m.event.starts_with("pusher"),
                format!(
                    "{} on {channel} arrived again, or more than was published",
                    m.event
                ),
            )?;
        }
    }
    Ok(())
}

macro_rules! scenarios {
    ($($name:ident),* ; async only: $($async_name:ident),* $(,)?) => {
        /// Every scenario, in order.
        pub(crate) const ALL: &[Scenario] = &[
            $(Scenario { name: stringify!($name), async_only: false, run: |ctx| Box::pin($name(ctx)) },)*
            $(Scenario { name: stringify!($async_name), async_only: true, run: |ctx| Box::pin($async_name(ctx)) },)*
        ];
    };
}

scenarios!(
    trigger,
    exclusion,
    batch,
    trigger_info,
    batch_info,
    channel_auth,
    presence,
    user,
    encrypted,
    notify,
    webhooks,
    wrong_secret,
    wrong_key,
    unknown_app;
    async only: publisher
);
