/// Text widths for layout, from the bundled font metrics.
enum TextMeasure {
    /// Width of `text` in px at `size` px.
    static func width(_ text: String, size: Double, bold: Bool = false) -> Double {
        FontMetrics.width(text, size: size, bold: bold)
    }

    /// Breaks `text` into lines no wider than `maxWidth`, at spaces where possible
    /// and inside a word only when the word alone is too wide.
    static func wrap(_ text: String, size: Double, bold: Bool = false, maxWidth: Double) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            let candidate = current.isEmpty ? word : current + " " + word
            if width(candidate, size: size, bold: bold) <= maxWidth {
                current = candidate
                continue
            }
            if !current.isEmpty { lines.append(current) }
            current = ""
            // The word alone: split it by characters when it is wider than a line.
            var piece = ""
            for ch in word {
                let next = piece + String(ch)
                if width(next, size: size, bold: bold) > maxWidth, !piece.isEmpty {
                    lines.append(piece)
                    piece = String(ch)
                } else {
                    piece = next
                }
            }
            current = piece
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }

    /// `text` shortened with an ellipsis to fit `maxWidth` (whole when it fits).
    static func truncate(_ text: String, size: Double, bold: Bool = false, maxWidth: Double) -> String {
        if width(text, size: size, bold: bold) <= maxWidth { return text }
        var result = ""
        for ch in text {
            if width(result + String(ch) + "…", size: size, bold: bold) > maxWidth { break }
            result.append(ch)
        }
        return result + "…"
    }
}
