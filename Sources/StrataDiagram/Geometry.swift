/// A point in diagram pixels (y grows downwards, as in SVG).
public struct Point: Hashable, Sendable, CustomStringConvertible {
    public var x: Double
    public var y: Double
    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
    public var description: String { "(\(x), \(y))" }
}

/// An axis-aligned rectangle in diagram pixels.
public struct Rect: Hashable, Sendable, CustomStringConvertible {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var minX: Double { x }
    public var minY: Double { y }
    public var maxX: Double { x + width }
    public var maxY: Double { y + height }
    public var midX: Double { x + width / 2 }
    public var midY: Double { y + height / 2 }

    /// The rectangle grown by `d` on every side (shrunk when negative).
    public func insetBy(_ d: Double) -> Rect {
        Rect(x: x + d, y: y + d, width: width - 2 * d, height: height - 2 * d)
    }

    /// True when the interiors overlap (touching edges do not count).
    public func intersects(_ other: Rect) -> Bool {
        x < other.maxX && other.x < maxX && y < other.maxY && other.y < maxY
    }

    /// True when `other` lies inside this rectangle (edges may touch).
    public func contains(_ other: Rect) -> Bool {
        other.x >= x - 1e-6 && other.y >= y - 1e-6 && other.maxX <= maxX + 1e-6 && other.maxY <= maxY + 1e-6
    }

    /// True when the point lies strictly inside.
    public func containsStrictly(_ p: Point) -> Bool {
        p.x > x && p.x < maxX && p.y > y && p.y < maxY
    }

    /// The smallest rectangle covering both.
    public func union(_ other: Rect) -> Rect {
        let x0 = min(x, other.x), y0 = min(y, other.y)
        return Rect(x: x0, y: y0, width: max(maxX, other.maxX) - x0, height: max(maxY, other.maxY) - y0)
    }

    public var description: String { "[\(x), \(y) \(width)×\(height)]" }
}

/// A straight piece of an edge, horizontal or vertical.
public struct Segment: Hashable, Sendable {
    public var from: Point
    public var to: Point
    public init(_ from: Point, _ to: Point) {
        self.from = from
        self.to = to
    }

    public var isHorizontal: Bool { from.y == to.y }
    public var isVertical: Bool { from.x == to.x }
    public var length: Double { abs(to.x - from.x) + abs(to.y - from.y) }

    /// True when the segment passes through the interior of `rect`.
    public func crosses(_ rect: Rect) -> Bool {
        if isHorizontal {
            let (a, b) = (min(from.x, to.x), max(from.x, to.x))
            return from.y > rect.minY && from.y < rect.maxY && a < rect.maxX && b > rect.minX
        }
        let (a, b) = (min(from.y, to.y), max(from.y, to.y))
        return from.x > rect.minX && from.x < rect.maxX && a < rect.maxY && b > rect.minY
    }

    /// Length of the stretch both segments cover on one line (0 unless collinear and overlapping).
    public func sharedStretch(with other: Segment) -> Double {
        if isHorizontal && other.isHorizontal && from.y == other.from.y && length > 0 && other.length > 0 {
            let lo = max(min(from.x, to.x), min(other.from.x, other.to.x))
            let hi = min(max(from.x, to.x), max(other.from.x, other.to.x))
            return max(0, hi - lo)
        }
        if isVertical && other.isVertical && from.x == other.from.x && length > 0 && other.length > 0 {
            let lo = max(min(from.y, to.y), min(other.from.y, other.to.y))
            let hi = min(max(from.y, to.y), max(other.from.y, other.to.y))
            return max(0, hi - lo)
        }
        return 0
    }
}
