import StrataDiagnostics
import StrataModel

/// `failover-capacity`: after the worst single loss at `survive`, a service's survivors cannot carry its load.
enum FailoverCapacityRule {
    static let rule = Rule(
        name: "failover-capacity", severity: .warning,
        title: "after the worst single failure, a service's surviving instances cannot carry its load",
        doc: """
        Fires when a service declares both `capacity` (what one instance serves) and `load` (the peak over all \
        sets), and losing one domain of the `survive` level leaves fewer instances than the load needs: every \
        domain of that level is tried and the worst loss is reported. A service placed `per set` counts its live \
        instances in every set, because `failover nearest` moves a lost set's traffic to the surviving ones; with \
        `failover none` each set must carry its own share (the load split evenly over the sets) with what is left \
        in it. Autoscaled services count the instances `scale` places, its minimum. A service without both \
        `capacity` and `load` cannot be checked and is reported as skipped. Surviving a failure is pointless if \
        the survivors then fall over under the moved traffic: the overload cascades into the outage the placement \
        was meant to prevent. Add instances, spread them over more domains so that one loss takes fewer of them, \
        or correct `capacity` if one instance really serves more.
        """,
        run: { context in
            let architecture = context.architecture
            var findings: [Finding] = []
            var skipped: [String] = []
            var undeclared: [String] = []
            var checked = 0
            for service in architecture.services {
                switch (service.capacityPerSecond, service.loadPerSecond) {
                case let (capacity?, load?):
                    checked += 1
                    if let f = check(service, capacity: capacity, load: load, in: architecture) { findings.append(f) }
                case (_?, nil):
                    skipped.append("service \(service.name) declares `capacity` but no `load`")
                case (nil, _?):
                    skipped.append("service \(service.name) declares `load` but no `capacity`")
                case (nil, nil):
                    undeclared.append(service.name)
                }
            }
            if !undeclared.isEmpty {
                let which = undeclared.count == 1 ? "service \(undeclared[0]) declares" : "services \(PlacementSupport.list(undeclared)) declare"
                skipped.append("\(which) neither `capacity` nor `load`")
            }
            if checked == 0 { skipped.insert("no service declares both `capacity` and `load`", at: 0) }
            return RuleOutcome(findings: findings, skipped: skipped)
        })

    private static func check(_ service: Service, capacity: Located<Double>, load: Located<Double>,
                              in architecture: Architecture) -> Finding? {
        let topology = architecture.topology
        let level = architecture.survive
        let instances = architecture.instances[ComponentID(.service, service.name)] ?? []
        guard !instances.isEmpty else { return nil }
        let perSetShare = service.placement.isStriped && architecture.striping.failover == .none
        let secondary = [Label(capacity.span, "\(PlacementSupport.rate(capacity.value)) per instance"),
                         Label(service.placement.span, "instances placed here")]
        var notes: [String] = []
        if let scale = service.autoscale {
            notes.append("`scale \(scale.min)..\(scale.max)` places its minimum; the autoscaler adds instances only after the failure")
        }

        guard perSetShare else {
            let counts = PlacementSupport.DomainCounts(instances, at: level, in: topology)
            guard let worst = counts.largest else { return nil }
            let surviving = instances.count - worst.count
            let served = Double(surviving) * capacity.value
            guard served < load.value else { return nil }
            let needed = Int((load.value / capacity.value).rounded(.up))
            notes.insert("instances per \(level): \(counts.listing(topology))", at: 0)
            notes.insert("\(PlacementSupport.rate(load.value)) needs \(PlacementSupport.count(needed, "live instance")) "
                         + "of \(PlacementSupport.rate(capacity.value)); losing \(topology[worst.domain].name), the \(level) "
                         + "with the most of them, leaves \(surviving)", at: 1)
            if service.placement.isStriped, architecture.sets.count > 1 {
                notes.append("with `failover nearest`, the live instances of every set share the load")
            }
            return Finding(
                "losing \(level) \(topology[worst.domain].name) leaves \(PlacementSupport.count(surviving, "instance")) of "
                    + "\(service.name) serving \(PlacementSupport.rate(served)), below its load of \(PlacementSupport.rate(load.value))",
                at: load.span, label: "peak load", secondary: secondary, notes: notes,
                help: "add at least \(PlacementSupport.count(needed - surviving, "more instance", "more instances")), "
                    + "or spread them over more \(level.plural) so that one loss takes fewer",
                subject: .service(service.name))
        }

        // `failover none`: each set keeps its own traffic and must carry its share with what survives in it.
        let sets = architecture.sets
        let share = load.value / Double(sets.count)
        var bySet = Array(repeating: [Instance](), count: sets.count)
        for i in instances { if let s = i.set, s < bySet.count { bySet[s].append(i) } }
        var violations: [(set: Int, domain: DomainID, surviving: Int, counts: PlacementSupport.DomainCounts)] = []
        for (s, members) in bySet.enumerated() where !members.isEmpty {
            let counts = PlacementSupport.DomainCounts(members, at: level, in: topology)
            guard let worst = counts.largest, !PlacementSupport.losesWholeSet(worst.domain, sets[s], in: topology) else { continue }
            let surviving = members.count - worst.count
            if Double(surviving) * capacity.value < share { violations.append((s, worst.domain, surviving, counts)) }
        }
        guard let v = violations.first else { return nil }
        let needed = Int((share / capacity.value).rounded(.up))
        let setName = sets[v.set].name
        notes.insert("instances of set \(setName) per \(level): \(v.counts.listing(topology))", at: 0)
        notes.insert("with `failover none` each set carries its own traffic: \(PlacementSupport.rate(load.value)) over "
                     + "\(PlacementSupport.count(sets.count, "set")) is \(PlacementSupport.rate(share)) each, which needs "
                     + "\(PlacementSupport.count(needed, "live instance")) of \(PlacementSupport.rate(capacity.value))", at: 1)
        if violations.count > 1 {
            let others = violations.dropFirst().map { sets[$0.set].name }
            notes.append("the same holds in \(PlacementSupport.count(others.count, "other set")): \(PlacementSupport.list(others))")
        }
        return Finding(
            "losing \(level) \(topology[v.domain].name) leaves \(PlacementSupport.count(v.surviving, "instance")) of \(service.name) "
                + "in set \(setName) serving \(PlacementSupport.rate(Double(v.surviving) * capacity.value)), below its share of the load, "
                + PlacementSupport.rate(share),
            at: load.span, label: "peak load over all sets", secondary: secondary, notes: notes,
            help: "add at least \(PlacementSupport.count(needed - v.surviving, "instance")) per set, "
                + "or spread each set's instances over more \(level.plural) so that one loss takes fewer",
            subject: .service(service.name))
    }
}
