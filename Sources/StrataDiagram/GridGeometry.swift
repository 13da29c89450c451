/// The grid measured in px: the width of every slot and gap, the height of every line and
/// gutter, where each lane band and gap's lanes start, the offsets of nested container borders,
/// and the title block above the grid.
struct GridGeometry {
    typealias Band = GridLayout.Band

    /// Border offsets of every container (by index) from the cells it encloses: its label tab
    /// and header above, its padding below, left and right.
    private(set) var topOffset: [Int: Double] = [:]
    private(set) var bottomOffset: [Int: Double] = [:]
    private(set) var leftOffset: [Int: Double] = [:]
    private(set) var rightOffset: [Int: Double] = [:]

    // Horizontal.
    private(set) var slotWidth: [Double] = []
    private(set) var slotLeft: [Double] = []
    private(set) var gapLaneStart: [Double] = []
    private(set) var gridRight = 0.0

    // The title block.
    let titleTop = Metrics.margin
    /// The title's width with its badges.
    private(set) var titleWidth = 0.0
    /// The subtitles wrapped to the grid's width.
    private(set) var subtitleLines: [String] = []
    private(set) var titleHeight = 0.0
    private(set) var gridTop = 0.0

    // Vertical, per gutter: where its closing borders, band A, band R and band B start.
    private(set) var closeStart: [Double] = []
    private(set) var aStart: [Double] = []
    private(set) var rStart: [Double] = []
    private(set) var bStart: [Double] = []
    private(set) var lineTop: [Double] = []
    private(set) var gridBottom = 0.0

    init(_ work: LayoutWork) {
        let scene = work.scene
        slotWidth = Array(repeating: Metrics.minNodeWidth, count: scene.slotCount)
        for (i, n) in scene.nodes.enumerated() { slotWidth[n.slot] = max(slotWidth[n.slot], work.nodeWidth[i]) }
        for c in scene.containers { slotWidth[c.slots.lowerBound] = max(slotWidth[c.slots.lowerBound], work.tabWidth(c)) }
        topOffset = work.offsets(at: { $0.lines.lowerBound }, unit: Metrics.headerHeight + Metrics.headerGap)
        bottomOffset = work.offsets(at: { $0.lines.upperBound + 1 }, unit: Metrics.pad)
        leftOffset = work.offsets(at: { $0.slots.lowerBound }, unit: Metrics.pad)
        rightOffset = work.offsets(at: { $0.slots.upperBound + 1 }, unit: Metrics.pad)
        placeSlots(work)
        measureTitle(work)
        placeLines(work)
    }

    /// Height (or width) of a band holding `lanes` lanes.
    static func bandHeight(_ lanes: Int) -> Double { lanes > 0 ? 2 * Metrics.laneMargin + Double(lanes - 1) * Metrics.laneGap : 0 }

    /// The y of a lane of a band.
    func laneY(_ band: Band, _ lane: Int) -> Double {
        let start = band.kind == 0 ? aStart[band.gutter] : band.kind == 1 ? rStart[band.gutter] : bStart[band.gutter]
        return start + Metrics.laneMargin + Double(lane) * Metrics.laneGap
    }

    /// The x of a lane of a gap.
    func laneX(_ gap: Int, _ lane: Int) -> Double { gapLaneStart[gap] + Metrics.laneMargin + Double(lane) * Metrics.laneGap }

    /// The deepest border offset at each grid index (`count + 1` gutters or gaps).
    private static func zone(_ offsets: [Int: Double], _ at: (SceneContainer) -> Int, _ count: Int, _ scene: Scene) -> [Double] {
        var z = Array(repeating: 0.0, count: count + 1)
        for (i, c) in scene.containers.enumerated() { z[at(c)] = max(z[at(c)], offsets[i]!) }
        return z
    }

    /// Slots left to right; each gap holds the borders closing, its lanes, the borders opening.
    private mutating func placeSlots(_ work: LayoutWork) {
        let slotCount = work.scene.slotCount
        let openZone = GridGeometry.zone(leftOffset, { $0.slots.lowerBound }, slotCount, work.scene)
        let rightZone = GridGeometry.zone(rightOffset, { $0.slots.upperBound + 1 }, slotCount, work.scene)
        gapLaneStart = Array(repeating: 0.0, count: slotCount + 1)
        slotLeft = Array(repeating: 0.0, count: slotCount)
        var x = Metrics.margin - Metrics.minGap / 2
        for k in 0...slotCount {
            let lanes = work.gapLanes[k] ?? 0
            let laneWidth = GridGeometry.bandHeight(lanes)
            // Borders closing and borders opening in one gap stay apart even without lanes between them.
            let apart = rightZone[k] > 0 && openZone[k] > 0 && laneWidth == 0 ? Metrics.pad : 0
            var used = rightZone[k] + laneWidth + apart + openZone[k]
            let extra = max(0, Metrics.minGap - used)
            used += extra
            gapLaneStart[k] = x + rightZone[k] + (extra + apart) / 2
            x += used
            if k < slotCount {
                slotLeft[k] = x
                x += slotWidth[k]
            }
        }
        gridRight = x
    }

    /// The title with its badges, the subtitles wrapped to the grid's width (at least a readable measure).
    private mutating func measureTitle(_ work: LayoutWork) {
        let scene = work.scene
        let titleBadgeWidth = work.showFindings && !scene.titleBadges.isEmpty
            ? 8 + Double(scene.titleBadges.count) * (Metrics.badgeSize + Metrics.badgeGap) : 0
        titleWidth = TextMeasure.width(scene.title, size: Metrics.titleSize, bold: true) + titleBadgeWidth
        let textMeasure = max(gridRight - Metrics.margin, 560)
        for s in scene.subtitles { subtitleLines += TextMeasure.wrap(s, size: Metrics.subtitleSize, maxWidth: textMeasure) }
        titleHeight = Metrics.titleSize * 1.2 + Double(subtitleLines.count) * (Metrics.subtitleSize + 6) + 4
        gridTop = titleTop + titleHeight + 8
    }

    /// Lines top to bottom; each gutter holds the tags under the line above, the borders closing,
    /// band A, band R, the label tabs opening, band B and the tags over the line below.
    private mutating func placeLines(_ work: LayoutWork) {
        let scene = work.scene
        let lineCount = scene.lineCount
        let headZone = GridGeometry.zone(topOffset, { $0.lines.lowerBound }, lineCount, scene)
        let closeZone = GridGeometry.zone(bottomOffset, { $0.lines.upperBound + 1 }, lineCount, scene)
        var tagBelow = Array(repeating: 0.0, count: lineCount + 1)
        var tagAbove = Array(repeating: 0.0, count: lineCount + 1)
        for (i, e) in scene.edges.enumerated() where e.tag != nil {
            let s = work.cells[e.source]
            if work.plans[i].sourceSide == .bottom { tagBelow[s.line + 1] = Metrics.tagHeight + 4 } else { tagAbove[s.line] = Metrics.tagHeight + 4 }
        }
        aStart = Array(repeating: 0.0, count: lineCount + 1)
        rStart = Array(repeating: 0.0, count: lineCount + 1)
        bStart = Array(repeating: 0.0, count: lineCount + 1)
        closeStart = Array(repeating: 0.0, count: lineCount + 1)
        lineTop = Array(repeating: 0.0, count: lineCount)
        var y = gridTop
        for g in 0...lineCount {
            let a = GridGeometry.bandHeight(work.bandLanes[Band(gutter: g, kind: 0)] ?? 0)
            let r = GridGeometry.bandHeight(work.bandLanes[Band(gutter: g, kind: 1)] ?? 0)
            let b = GridGeometry.bandHeight(work.bandLanes[Band(gutter: g, kind: 2)] ?? 0)
            let apart = closeZone[g] > 0 && headZone[g] > 0 && a + r == 0 ? Metrics.pad : 0
            var used = tagBelow[g] + closeZone[g] + a + r + headZone[g] + b + tagAbove[g]
            let extra = (g == 0 || g == lineCount ? 0 : max(0, Metrics.minGutter - used)) + apart
            used += extra
            closeStart[g] = y + tagBelow[g]
            aStart[g] = closeStart[g] + closeZone[g] + extra
            rStart[g] = aStart[g] + a
            bStart[g] = rStart[g] + r + headZone[g]
            y += used
            if g < lineCount {
                lineTop[g] = y
                y += scene.nodeHeight
            }
        }
        gridBottom = y
    }
}
