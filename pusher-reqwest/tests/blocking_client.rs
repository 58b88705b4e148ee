//! The blocking `ReqwestClient` against the adapter contract.

#![cfg(feature = "blocking")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use pusher_reqwest::blocking::ReqwestClient;
use pusher_test_support::adapter_contract::USER_AGENT;

fn user_client() -> ReqwestClient {
    let user = reqwest::blocking::Client::builder().user_agent(USER_AGENT);
    ReqwestClient::from(user.redirect(reqwest::redirect::Policy::none()).build().unwrap())
}

pusher_test_support::adapter_contract!(blocking ReqwestClient, user_client);
