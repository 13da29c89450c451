import Foundation
import Testing
import StrataDiagnostics
import StrataDiagram
import StrataModel
import StrataTestSupport

/// Badges go on the element a finding's subject names, not on whatever declaration holds its span.
@Suite struct FindingPlacementTests {
    static let shopPath = repositoryRoot.appendingPathComponent("specs/shop.strata").path

    /// A warning blaming `subject`, pointing at the `orders-db` store's declaration.
    static func finding(_ subject: Subject?, in a: Architecture) -> Diagnostic {
        Diagnostic(id: "probe", severity: .warning, message: "probe", primary: Label(a.store("orders-db")!.span), subject: subject)
    }

    static func probeBadge(_ d: Diagram) -> (owner: String, subject: String)? {
        guard let f = d.findings.first(where: { $0.rule == "probe" }), let badge = d.badges.first(where: { $0.number == f.number }) else { return nil }
        return (badge.owner, f.subject)
    }

    @Test func theSubjectDecidesNotTheSpan() throws {
        let shop = try #require(check(path: FindingPlacementTests.shopPath)).architecture
        let d = try DiagramBuilder.build(shop, findings: [FindingPlacementTests.finding(.gateway("edge"), in: shop)])
        let badge = try #require(FindingPlacementTests.probeBadge(d))
        #expect(badge.owner.hasPrefix("n.gateway.edge."))
        #expect(badge.subject == "gateway edge")
    }

    @Test func anEndpointsBadgeSitsOnItsServiceInTheTopologyAndOnItselfInTheCallsView() throws {
        let shop = try #require(check(path: FindingPlacementTests.shopPath)).architecture
        let finding = FindingPlacementTests.finding(.endpoint(service: "orders", endpoint: "create"), in: shop)
        let topology = try #require(FindingPlacementTests.probeBadge(try DiagramBuilder.build(shop, findings: [finding])))
        #expect(topology.owner.hasPrefix("n.service.orders."))
        let calls = try #require(FindingPlacementTests.probeBadge(try DiagramBuilder.build(shop, findings: [finding], options: DiagramOptions(view: .calls))))
        #expect(calls.owner == "n.endpoint.orders.create")
        #expect(calls.subject == "endpoint orders.create")
    }

    /// The checker's E0404 (an `allow` naming no rule) blames the block that holds the `allow`.
    @Test func anAllowNamingNoRuleBlamesItsBlock() throws {
        let text = try String(contentsOfFile: FindingPlacementTests.shopPath, encoding: .utf8)
            .replacingOccurrences(of: "  store users-db {\n", with: "  store users-db {\n    allow no-such-rule \"probe\"\n")
        let checked = try #require(check(text: text, path: FindingPlacementTests.shopPath))
        let unknown = try #require(checked.findings.first { $0.message.contains("no-such-rule") })
        #expect(unknown.subject == .store("users-db"))
        let d = try DiagramBuilder.build(checked.architecture, findings: checked.findings)
        let f = try #require(d.findings.first { $0.rule == unknown.id })
        #expect(f.subject == "store users-db")
        #expect(d.badges.first { $0.number == f.number }?.owner.hasPrefix("n.store.users-db.") == true)
    }
}
