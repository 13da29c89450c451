/// How text looks on a terminal: which cells each character takes and how
/// characters that would corrupt the display are shown instead.
enum TerminalText {
    /// Columns between tab stops when a source line is displayed.
    static let tabWidth = 4

    /// One source line prepared for display: its text and, for each character,
    /// the byte where it starts and the first display cell it occupies.
    struct Line {
        /// Text with tabs expanded and control characters made visible.
        var text = ""
        /// Byte offset (in the file) of each character, in order.
        var byteStarts: [Int] = []
        /// First display cell (0-based) of each character.
        var cellStarts: [Int] = []
        /// Display cells of the whole line.
        var width = 0

        /// Display cell where a span starting at byte `offset` begins.
        func startCell(at offset: Int) -> Int {
            // The character containing `offset` (the last one starting at or before it).
            var lo = 0, hi = byteStarts.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if byteStarts[mid] <= offset { lo = mid + 1 } else { hi = mid }
            }
            if lo == 0 { return 0 }
            // `offset` at or past the line end lies just after the last character.
            return offset >= endByte ? width : cellStarts[lo - 1]
        }

        /// Display cell just after a span ending (exclusive) at byte `offset`.
        func endCell(at offset: Int) -> Int {
            // The first character starting at or after `offset`.
            var lo = 0, hi = byteStarts.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if byteStarts[mid] < offset { lo = mid + 1 } else { hi = mid }
            }
            return lo < cellStarts.count ? cellStarts[lo] : width
        }

        fileprivate var endByte = 0
    }

    /// Lays out `bytes[range]` (one line, without its terminator) of a file.
    static func layout(_ bytes: [UInt8], _ range: Range<Int>) -> Line {
        var line = Line()
        line.endByte = range.upperBound
        var offset = range.lowerBound
        while offset < range.upperBound {
            let (scalar, length) = decodeScalar(bytes, at: offset, end: range.upperBound)
            line.byteStarts.append(offset)
            line.cellStarts.append(line.width)
            if scalar == "\t" {
                let spaces = tabWidth - line.width % tabWidth
                line.text += String(repeating: " ", count: spaces)
                line.width += spaces
            } else {
                let shown = visible(scalar)
                line.text += shown.text
                line.width += shown.width
            }
            offset += length
        }
        return line
    }

    /// Makes an inline string (message, label, path) safe for a terminal: tabs become
    /// spaces, and control characters, line breaks, bidirectional controls and invisible
    /// characters are shown escaped (see ``VisibleText``).
    static func sanitize(_ text: String) -> String {
        var spaced = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { spaced.append(scalar == "\t" ? " " : scalar) }
        return VisibleText.escaped(String(spaced))
    }

    /// How one scalar is displayed and how many cells it takes.
    static func visible(_ scalar: Unicode.Scalar) -> (text: String, width: Int) {
        if VisibleText.needsEscape(scalar) {
            let code = VisibleText.escape(scalar)
            return (code, code.count)
        }
        return (String(scalar), width(of: scalar))
    }

    /// Terminal cells taken by a printable scalar: 0 for combining marks and
    /// invisible format characters, 2 for East Asian wide characters and emoji, else 1.
    static func width(of scalar: Unicode.Scalar) -> Int {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format:
            return 0
        default:
            break
        }
        let value = scalar.value
        if (0x1160...0x11FF).contains(value) { return 0 }  // Hangul medial vowels and finals join the previous syllable.
        for range in wideRanges where range.contains(value) { return 2 }
        if scalar.properties.isEmojiPresentation { return 2 }
        return 1
    }

    /// East Asian Wide and Fullwidth blocks (an approximation of UAX #11 that covers the common scripts).
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
        0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
        0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    /// Decodes the UTF-8 scalar at `offset`; an invalid or truncated sequence
    /// decodes as one U+FFFD for its first byte, so display never loses bytes.
    static func decodeScalar(_ bytes: [UInt8], at offset: Int, end: Int) -> (Unicode.Scalar, Int) {
        let lead = bytes[offset]
        let invalid: (Unicode.Scalar, Int) = ("\u{FFFD}", 1)
        let length: Int
        var value: UInt32
        var lowest: UInt8 = 0x80, highest: UInt8 = 0xBF
        switch lead {
        case 0x00...0x7F: return (Unicode.Scalar(lead), 1)
        case 0xC2...0xDF: length = 2; value = UInt32(lead & 0x1F)
        case 0xE0...0xEF:
            length = 3; value = UInt32(lead & 0x0F)
            if lead == 0xE0 { lowest = 0xA0 }  // overlong
            if lead == 0xED { highest = 0x9F }  // surrogates
        case 0xF0...0xF4:
            length = 4; value = UInt32(lead & 0x07)
            if lead == 0xF0 { lowest = 0x90 }  // overlong
            if lead == 0xF4 { highest = 0x8F }  // beyond U+10FFFF
        default: return invalid
        }
        guard offset + length <= end else { return invalid }
        for index in 1..<length {
            let byte = bytes[offset + index]
            let (low, high) = index == 1 ? (lowest, highest) : (UInt8(0x80), UInt8(0xBF))
            guard byte >= low, byte <= high else { return invalid }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        guard let scalar = Unicode.Scalar(value) else { return invalid }
        return (scalar, length)
    }
}
