/// Text widths for layout, from the bundled font metrics.
enum TextMeasure {
    /// Width of `text` in px at `size` px.
    static func width(_ text: String, size: Double, bold: Bool = false) -> Double {
        FontMetrics.width(text, size: size, bold: bold)
    }

    /// Breaks `text` into lines no wider than `maxWidth`, at spaces where possible
    /// and inside a word only when the word alone is too wide.
    ///
    /// Linear in the length of `text`: each line's width is accumulated scalar by scalar
    /// (``FontMetrics/units(_:bold:)``) in the order ``width(_:size:bold:)`` sums them, so the
    /// breaks are those of measuring every candidate line whole.
    static func wrap(_ text: String, size: Double, bold: Bool = false, maxWidth: Double) -> [String] {
        func fits(_ units: Double) -> Bool { FontMetrics.pixels(units, size: size) <= maxWidth }
        let spaceUnits = FontMetrics.units(" ", bold: bold)
        var lines: [String] = []
        var current = ""
        var currentUnits = 0.0
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            var candidateUnits = current.isEmpty ? 0 : currentUnits + spaceUnits
            for scalar in word.unicodeScalars { candidateUnits += FontMetrics.units(scalar, bold: bold) }
            if fits(candidateUnits) {
                if !current.isEmpty { current.append(" ") }
                current += word
                currentUnits = candidateUnits
                continue
            }
            if !current.isEmpty { lines.append(current) }
            // The word alone: split it by characters when it is wider than a line.
            var piece = ""
            var pieceUnits = 0.0
            for ch in word {
                var next = pieceUnits
                for scalar in ch.unicodeScalars { next += FontMetrics.units(scalar, bold: bold) }
                if !fits(next), !piece.isEmpty {
                    lines.append(piece)
                    piece = String(ch)
                    pieceUnits = 0
                    for scalar in ch.unicodeScalars { pieceUnits += FontMetrics.units(scalar, bold: bold) }
                } else {
                    piece.append(ch)
                    pieceUnits = next
                }
            }
            current = piece
            currentUnits = pieceUnits
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }
}
