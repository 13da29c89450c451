// Yours: created once by strata from specs/shop.strata and never overwritten.
// The hooks of service `orders`; every hook you delete falls back to its generated default.

import StrataRuntime

/// What service `orders` does beyond the declared steps.
public struct OrdersHandlers: OrdersHooks {
    public init() {}

    /// `write orders-db` (postgres), in `create`.
    /// Placeholder (STRATA-PLACEHOLDER): use your store client here, then return `.completed(data)`.
    public func writeOrdersDb(_ request: InboundRequest, endpoint: String) async throws -> StoreOutcome {
        .placeholder
    }

    /// `read orders-db` (postgres), in `get`.
    /// Placeholder (STRATA-PLACEHOLDER): use your store client here, then return `.completed(data)`.
    public func readOrdersDb(_ request: InboundRequest, endpoint: String) async throws -> StoreOutcome {
        .placeholder
    }

    /// `orders.create` (`POST /api/orders`): runs after the declared steps. Add fields with `answer.fields["key"] = .string("value")`.
    public func handleCreate(_ request: InboundRequest, answer: inout EndpointAnswer) async throws {}

    /// `orders.get` (`GET /api/orders/{id}`): runs after the declared steps. Add fields with `answer.fields["key"] = .string("value")`.
    public func handleGet(_ request: InboundRequest, answer: inout EndpointAnswer) async throws {}
}
