/// Identifies one loaded source file inside a ``SourceManager``.
public struct FileID: Hashable, Comparable, Sendable {
    public let index: Int
    public init(_ index: Int) { self.index = index }
    public static func < (a: FileID, b: FileID) -> Bool { a.index < b.index }
}

/// A half-open byte range `[start, end)` in one source file.
public struct Span: Hashable, Sendable {
    public let file: FileID
    public let start: Int
    public let end: Int

    public init(file: FileID, start: Int, end: Int) {
        self.file = file
        self.start = start
        self.end = max(start, end)
    }

    /// The smallest span covering both spans (same file assumed; otherwise `self`).
    public func merged(with other: Span) -> Span {
        guard other.file == file else { return self }
        return Span(file: file, start: min(start, other.start), end: max(end, other.end))
    }
}

/// A 1-based line and column; the column counts Unicode scalars.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public init(line: Int, column: Int) { self.line = line; self.column = column }
    public var description: String { "\(line):\(column)" }
}

/// One source file: its path as given by the user and its raw bytes.
public final class SourceFile: Sendable {
    public let id: FileID
    public let path: String
    public let bytes: [UInt8]
    /// Byte offset of the first byte of every line.
    public let lineStarts: [Int]

    public init(id: FileID, path: String, bytes: [UInt8]) {
        self.id = id
        self.path = path
        self.bytes = bytes
        var starts = [0]
        starts.reserveCapacity(bytes.count / 24 + 1)
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
        self.lineStarts = starts
    }

    /// The 0-based line index containing `offset`.
    public func lineIndex(of offset: Int) -> Int {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// Line and column (1-based, column in Unicode scalars) of a byte offset.
    public func location(of offset: Int) -> SourceLocation {
        let offset = min(max(0, offset), bytes.count)
        let line = lineIndex(of: offset)
        return SourceLocation(line: line + 1, column: scalarCount(from: lineStarts[line], to: offset) + 1)
    }

    /// Number of Unicode scalars encoded in `bytes[from..<to]` (invalid bytes count as one each).
    public func scalarCount(from: Int, to: Int) -> Int {
        var n = 0
        var i = from
        while i < to {
            // A well-formed sequence is one scalar; a byte that starts none (a stray continuation
            // byte, a truncated or overlong sequence) is one column of its own.
            i += max(1, min(to - i, SourceFile.sequenceLength(bytes, at: i)))
            n += 1
        }
        return n
    }

    /// The length of the well-formed UTF-8 sequence starting at `i`, or 0 when none starts there.
    static func sequenceLength(_ bytes: [UInt8], at i: Int) -> Int {
        let lead = bytes[i]
        if lead < 0x80 { return 1 }
        let (length, low, high): (Int, UInt8, UInt8) = switch lead {
        case 0xC2...0xDF: (2, 0x80, 0xBF)
        case 0xE0: (3, 0xA0, 0xBF)
        case 0xED: (3, 0x80, 0x9F)
        case 0xE1...0xEF: (3, 0x80, 0xBF)
        case 0xF0: (4, 0x90, 0xBF)
        case 0xF1...0xF3: (4, 0x80, 0xBF)
        case 0xF4: (4, 0x80, 0x8F)
        default: (0, 0, 0)
        }
        guard length > 0, i + length <= bytes.count, (low...high).contains(bytes[i + 1]) else { return 0 }
        for k in 2..<length where bytes[i + k] & 0xC0 != 0x80 { return 0 }
        return length
    }

    /// The byte range of line `index` (0-based), without its line terminator.
    public func lineRange(_ index: Int) -> Range<Int> {
        let start = lineStarts[index]
        var end = index + 1 < lineStarts.count ? lineStarts[index + 1] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return start..<max(start, end)
    }

    /// The text of line `index` (0-based), decoded leniently.
    public func lineText(_ index: Int) -> String {
        String(decoding: bytes[lineRange(index)], as: UTF8.self)
    }

    /// The text covered by a span, decoded leniently.
    public func text(_ span: Span) -> String {
        String(decoding: bytes[max(0, span.start)..<min(bytes.count, span.end)], as: UTF8.self)
    }
}

/// Owns every source file of one compilation and maps spans to positions.
public final class SourceManager: @unchecked Sendable {
    public private(set) var files: [SourceFile] = []

    public init() {}

    /// Registers a file's contents and returns it.
    @discardableResult
    public func add(path: String, bytes: [UInt8]) -> SourceFile {
        let file = SourceFile(id: FileID(files.count), path: path, bytes: bytes)
        files.append(file)
        return file
    }

    /// Registers a file given as text.
    @discardableResult
    public func add(path: String, text: String) -> SourceFile {
        add(path: path, bytes: Array(text.utf8))
    }

    public subscript(id: FileID) -> SourceFile { files[id.index] }

    /// Start position of a span.
    public func location(_ span: Span) -> SourceLocation { self[span.file].location(of: span.start) }

    /// End position of a span (the column just after its last character).
    public func endLocation(_ span: Span) -> SourceLocation { self[span.file].location(of: span.end) }

    /// The path of the file a span lies in.
    public func path(_ span: Span) -> String { self[span.file].path }
}
