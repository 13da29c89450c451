/// Edge planning: which side of its nodes each edge leaves and enters, which lane bands it
/// runs along and which gaps it turns through.
extension LayoutWork {
    mutating func plan() {
        let replicationGutters = scene.replicationGutters.sorted()
        for e in ends {
            let s = cells[e.source], t = cells[e.target]
            if e.style == .replication, let rg = replicationGutters.first(where: { $0 > max(s.line, t.line) }) {
                plans.append(replicationPlan(from: s, to: t, channel: rg))
            } else if t.line > s.line {
                plans.append(downwardPlan(from: s, to: t))
            } else if t.line < s.line {
                plans.append(upwardPlan(from: s, to: t))
            } else {
                plans.append(GridLayout.Plan(sourceSide: .bottom, targetSide: .bottom, bands: [Band(gutter: s.line + 1, kind: 0)], gaps: []))
            }
        }
    }

    /// Replication leaves the leader's bottom into the replication channel under the store row
    /// (`gutter`) and enters the replica's bottom.
    private mutating func replicationPlan(from s: (slot: Int, line: Int), to t: (slot: Int, line: Int), channel gutter: Int) -> GridLayout.Plan {
        let r = Band(gutter: gutter, kind: 1)
        let b0 = s.line + 1 == gutter ? r : Band(gutter: s.line + 1, kind: 0)
        let bn = t.line + 1 == gutter ? r : Band(gutter: t.line + 1, kind: 0)
        var bands = [b0]
        if bands.last != r { bands.append(r) }
        if bands.last != bn { bands.append(bn) }
        var p = GridLayout.Plan(sourceSide: .bottom, targetSide: .bottom, bands: bands, gaps: [])
        if bands.count == 3 {
            p.gaps = s.slot < t.slot ? [s.slot + 1, t.slot] : s.slot > t.slot ? [s.slot, t.slot + 1] : [s.slot + 1, s.slot + 1]
        } else if bands.count == 2 {
            p.gaps = [b0 == r ? near(target: t.slot, from: s.slot) : near(source: s.slot, to: t.slot)]
        }
        return p
    }

    /// Down to a lower line: straight into the line below when no label tab opens over the
    /// target, else along the band under the source, through a gap, into the band over the target.
    private mutating func downwardPlan(from s: (slot: Int, line: Int), to t: (slot: Int, line: Int)) -> GridLayout.Plan {
        let b0 = Band(gutter: s.line + 1, kind: 0), bn = Band(gutter: t.line, kind: 2)
        if s.line + 1 == t.line && !(tabSlots[t.line]?.contains(t.slot) ?? false) {
            return GridLayout.Plan(sourceSide: .bottom, targetSide: .top, bands: [b0], gaps: [], straight: s.slot == t.slot)
        }
        return GridLayout.Plan(sourceSide: .bottom, targetSide: .top, bands: [b0, bn], gaps: [near(target: t.slot, from: s.slot)])
    }

    /// Up to a higher line, the mirror image of ``downwardPlan(from:to:)``.
    private mutating func upwardPlan(from s: (slot: Int, line: Int), to t: (slot: Int, line: Int)) -> GridLayout.Plan {
        let b0 = Band(gutter: s.line, kind: 2), bn = Band(gutter: t.line + 1, kind: 0)
        if t.line + 1 == s.line && !(tabSlots[s.line]?.contains(t.slot) ?? false) {
            return GridLayout.Plan(sourceSide: .top, targetSide: .bottom, bands: [b0], gaps: [], straight: s.slot == t.slot)
        }
        return GridLayout.Plan(sourceSide: .top, targetSide: .bottom, bands: [b0, bn], gaps: [near(target: t.slot, from: s.slot)])
    }

    /// The gap beside the target on the source's side; when they share a slot, the side with fewer
    /// container borders to cross (the right on a tie).
    private mutating func near(target t: Int, from s: Int) -> Int { s < t ? t : (s > t ? t + 1 : quieterSide(of: t)) }
    /// The gap beside the source on the target's side.
    private mutating func near(source s: Int, to t: Int) -> Int { s < t ? s + 1 : (s > t ? s : quieterSide(of: s)) }

    private mutating func quieterSide(of slot: Int) -> Int {
        (bordersInGap[slot] ?? 0) < (bordersInGap[slot + 1] ?? 0) ? slot : slot + 1
    }
}
