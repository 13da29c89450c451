// Yours: created once by strata from specs/shop.strata and never overwritten.
// The hooks of service `users`; every hook you delete falls back to its generated default.

import StrataRuntime

/// What service `users` does beyond the declared steps.
public struct UsersHandlers: UsersHooks {
    public init() {}

    /// `read users-db` (redis), in `get`.
    /// Placeholder (STRATA-PLACEHOLDER): use your store client here, then return `.completed(data)`.
    public func readUsersDb(_ request: InboundRequest, endpoint: String) async throws -> StoreOutcome {
        .placeholder
    }

    /// `users.get` (`GET /api/users/{id}`): runs after the declared steps. Add fields with `answer.fields["key"] = .string("value")`.
    public func handleGet(_ request: InboundRequest, answer: inout EndpointAnswer) async throws {}
}
