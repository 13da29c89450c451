/// Advance widths of DejaVu Sans, the first family the diagrams ask for, so
/// that boxes are sized to their labels without a font engine.
///
/// Widths are in font units (2048 per em) for U+0020…U+007E, read from the
/// `hmtx` tables of DejaVuSans.ttf and DejaVuSans-Bold.ttf (Version 2.37). Other
/// families in the stack (Segoe UI, Helvetica, Arial) are narrower, so text
/// measured here fits wherever it is drawn. Characters outside the table are
/// measured conservatively: East Asian wide characters and emoji as 1 em,
/// a few symbols the diagrams use from their own entries below, anything else
/// as 1.1 em (wider than every Latin letter of the font).
enum FontMetrics {
    static let unitsPerEm = 2048.0

    static let regular: [UInt16] = [
        651, 821, 942, 1716, 1303, 1946, 1597, 563, 799, 799, 1024, 1716, 651, 739, 651, 690,
        1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 690, 690, 1716, 1716, 1716, 1087,
        2048, 1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 604, 604, 1343, 1141, 1767, 1532, 1612,
        1235, 1612, 1423, 1300, 1251, 1499, 1401, 2025, 1403, 1251, 1403, 799, 690, 799, 1716, 1024,
        1024, 1255, 1300, 1126, 1300, 1260, 721, 1300, 1298, 569, 569, 1186, 569, 1995, 1298, 1253,
        1300, 1300, 842, 1067, 803, 1298, 1212, 1675, 1212, 1212, 1075, 1303, 690, 1303, 1716,
    ]

    static let bold: [UInt16] = [
        713, 934, 1067, 1716, 1425, 2052, 1786, 627, 936, 936, 1071, 1716, 778, 850, 778, 748,
        1425, 1425, 1425, 1425, 1425, 1425, 1425, 1425, 1425, 1425, 819, 819, 1716, 1716, 1716, 1188,
        2048, 1585, 1561, 1503, 1700, 1399, 1399, 1681, 1714, 762, 762, 1587, 1305, 2038, 1714, 1741,
        1501, 1741, 1577, 1475, 1397, 1663, 1585, 2259, 1579, 1483, 1485, 936, 748, 936, 1716, 1024,
        1024, 1382, 1466, 1214, 1466, 1389, 891, 1466, 1458, 702, 702, 1362, 702, 2134, 1458, 1407,
        1466, 1466, 1010, 1219, 979, 1458, 1335, 1892, 1321, 1335, 1192, 1458, 748, 1458, 1716,
    ]

    /// Symbols outside ASCII that diagrams draw (× · – — … → ≤ ≥ µ), in font units; the same in both weights but `·`.
    static let symbols: [UInt32: (regular: Double, bold: Double)] = [
        0xD7: (1716, 1716), 0xB7: (651, 778), 0x2013: (1024, 1024), 0x2014: (2048, 2048), 0x2026: (2048, 2048),
        0x2192: (1716, 1716), 0x2264: (1716, 1716), 0x2265: (1716, 1716), 0xB5: (1303, 1507),
    ]

    /// Width of a character missing from the table, as a fraction of an em.
    static func fallback(_ scalar: Unicode.Scalar) -> Double {
        isWide(scalar) ? 1.0 : 1.1
    }

    /// East Asian wide and fullwidth characters, and emoji.
    static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F,
             0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1FAFF, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// Advance width of `text` in pixels at `size` px.
    static func width(_ text: String, size: Double, bold isBold: Bool) -> Double {
        var units = 0.0
        for scalar in text.unicodeScalars { units += self.units(scalar, bold: isBold) }
        return pixels(units, size: size)
    }

    /// Advance width of one scalar in font units (0 for combining marks and zero-width joiners):
    /// a text's width is the sum over its scalars, so callers can measure incrementally.
    static func units(_ scalar: Unicode.Scalar, bold isBold: Bool) -> Double {
        let v = scalar.value
        if v >= 32 && v < 127 {
            return Double((isBold ? bold : regular)[Int(v) - 32])
        } else if let symbol = symbols[v] {
            return isBold ? symbol.bold : symbol.regular
        } else if scalar.properties.generalCategory == .nonspacingMark || scalar.properties.generalCategory == .enclosingMark
                    || v == 0x200B || v == 0x200D || v == 0xFE0F {
            return 0
        }
        return fallback(scalar) * unitsPerEm
    }

    /// Font units as pixels at `size` px.
    static func pixels(_ units: Double, size: Double) -> Double {
        units / unitsPerEm * size
    }
}
