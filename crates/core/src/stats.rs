//! Statistics use cases: the handling funnel in both counting units, for officials (within their
//! scope) and for the public (national, with small counts suppressed).

use netra_domain::policy::{self, Action, Actor};
use netra_store::people;
use netra_store::stats::{self, Funnel};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{CoreError, Netra};

/// Counts below this are withheld from the public so that nobody can be identified.
pub const SUPPRESS_BELOW: i64 = 5;

/// The funnel of one election, labelled by counting unit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FunnelView {
    pub election: String,
    /// Bawaslu's unit: one case per intake (may cover several ASN).
    pub cases: Funnel,
    /// The authority's unit: one subject track per civil servant.
    pub asn: Funnel,
}

/// A public count: the number, or `null` with `suppressed: true` when it is 1–4.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PublicCount {
    pub value: Option<i64>,
    pub suppressed: bool,
}

impl PublicCount {
    fn of(v: i64) -> Self {
        if v > 0 && v < SUPPRESS_BELOW {
            PublicCount { value: None, suppressed: true }
        } else {
            PublicCount { value: Some(v), suppressed: false }
        }
    }
}

/// The public funnel: every count passed through [`PublicCount`].
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicFunnelView {
    pub election: String,
    pub suppress_below: i64,
    pub cases: std::collections::BTreeMap<String, PublicCount>,
    pub asn: std::collections::BTreeMap<String, PublicCount>,
}

fn public(f: &Funnel) -> std::collections::BTreeMap<String, PublicCount> {
    let v = serde_json::to_value(f).expect("serialisable");
    v.as_object().expect("struct").iter().map(|(k, n)| (k.clone(), PublicCount::of(n.as_i64().unwrap_or(0)))).collect()
}

impl Netra {
    /// The funnel of `election` within the actor's scope.
    pub async fn funnel(&self, actor: &Actor, election: &str) -> Result<FunnelView, CoreError> {
        policy::can(actor, Action::ListCases, None)?;
        let e = people::election(&self.db, election).await?;
        let (cases, asn) = stats::funnel(&self.db, actor, &e.id).await?;
        Ok(FunnelView { election: e.code, cases, asn })
    }

    /// The national funnel for everyone, with small counts suppressed.
    pub async fn public_funnel(&self, election: &str) -> Result<PublicFunnelView, CoreError> {
        let e = people::election(&self.db, election).await?;
        let (cases, asn) = stats::funnel(&self.db, &Actor::system("public-stats"), &e.id).await?;
        Ok(PublicFunnelView {
            election: e.code,
            suppress_below: SUPPRESS_BELOW,
            cases: public(&cases),
            asn: public(&asn),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_counts_are_suppressed_but_zero_and_five_are_not() {
        assert_eq!(PublicCount::of(0), PublicCount { value: Some(0), suppressed: false });
        assert_eq!(PublicCount::of(1), PublicCount { value: None, suppressed: true });
        assert_eq!(PublicCount::of(4), PublicCount { value: None, suppressed: true });
        assert_eq!(PublicCount::of(5), PublicCount { value: Some(5), suppressed: false });
    }
}
