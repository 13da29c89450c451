import Foundation
import StrataDiagnostics

/// An sRGB colour.
public struct RGB: Hashable, Sendable, CustomStringConvertible {
    public let r: UInt8, g: UInt8, b: UInt8

    public init(_ hex: UInt32) {
        r = UInt8((hex >> 16) & 0xFF)
        g = UInt8((hex >> 8) & 0xFF)
        b = UInt8(hex & 0xFF)
    }

    public init(r: UInt8, g: UInt8, b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// `#RRGGBB`.
    public var description: String {
        let digits = Array("0123456789ABCDEF")
        return "#" + String([digits[Int(r >> 4)], digits[Int(r & 15)], digits[Int(g >> 4)], digits[Int(g & 15)], digits[Int(b >> 4)], digits[Int(b & 15)]])
    }

    /// This colour laid over `background` with opacity `alpha` (a tint), rounded to 8 bits.
    public func over(_ background: RGB, alpha: Double) -> RGB {
        func mix(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) * alpha + Double(b) * (1 - alpha)).rounded()) }
        return RGB(r: mix(r, background.r), g: mix(g, background.g), b: mix(b, background.b))
    }

    /// WCAG relative luminance.
    public var luminance: Double {
        func channel(_ c: UInt8) -> Double {
            let v = Double(c) / 255
            return v <= 0.04045 ? v / 12.92 : Foundation.pow((v + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    }

    /// WCAG contrast ratio between two colours (1...21).
    public static func contrast(_ a: RGB, _ b: RGB) -> Double {
        let (la, lb) = (a.luminance, b.luminance)
        return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
    }
}

/// The Okabe–Ito palette: eight colours distinguishable with every common colour-vision deficiency.
public enum OkabeIto {
    public static let black = RGB(0x000000)
    public static let orange = RGB(0xE69F00)
    public static let skyBlue = RGB(0x56B4E9)
    public static let bluishGreen = RGB(0x009E73)
    public static let yellow = RGB(0xF0E442)
    public static let blue = RGB(0x0072B2)
    public static let vermillion = RGB(0xD55E00)
    public static let reddishPurple = RGB(0xCC79A7)

    public static let all: [RGB] = [black, orange, skyBlue, bluishGreen, yellow, blue, vermillion, reddishPurple]
}

/// Light or dark colours.
public enum ColorScheme: String, CaseIterable, Sendable {
    case light, dark
}

/// Which colour schemes an SVG carries: both (the viewer's `prefers-color-scheme` picks), or one.
public enum DiagramTheme: String, CaseIterable, Sendable {
    case auto, light, dark
}

/// Every colour of one scheme. Hues are Okabe–Ito; fills are those hues tinted over the canvas;
/// neutrals are greys. Text colours are chosen for ≥ 4.5:1 against what they sit on.
public struct SchemeColors: Sendable {
    public let scheme: ColorScheme
    public let canvas: RGB
    public let text: RGB
    public let mutedText: RGB
    public let containerStroke: RGB
    public let tabFill: RGB
    public let setStroke: RGB
    public let setFill: RGB
    public let setTabFill: RGB
    public let panelFill: RGB
    public let panelStroke: RGB
    public let tagFill: RGB

    /// Accent hue of a node kind (its border).
    public func hue(_ kind: NodeKind) -> RGB {
        switch kind {
        case .clients: scheme == .light ? OkabeIto.black : RGB(0xE6E6E6)
        case .cdn: OkabeIto.yellow
        case .gateway: OkabeIto.orange
        case .service, .endpoint: OkabeIto.skyBlue
        case .statefulService: scheme == .light ? OkabeIto.blue : OkabeIto.skyBlue
        case .registry: OkabeIto.reddishPurple
        case .store: OkabeIto.bluishGreen
        }
    }

    /// Fill of a node kind: its hue tinted over the canvas.
    public func fill(_ kind: NodeKind) -> RGB {
        if kind == .clients { return scheme == .light ? RGB(0xF2F2F2) : RGB(0x30343B) }
        return hue(kind).over(canvas, alpha: scheme == .light ? 0.16 : 0.28)
    }

    /// Stroke of an edge style.
    public func stroke(_ style: EdgeStyle) -> RGB {
        switch style {
        case .call, .optional, .async: scheme == .light ? OkabeIto.blue : OkabeIto.skyBlue
        case .replication: OkabeIto.bluishGreen
        case .discovery: OkabeIto.reddishPurple
        }
    }

    /// Fill of a finding badge (its number is drawn in `badgeText`).
    public func badgeFill(_ severity: Severity) -> RGB {
        switch severity {
        case .error: OkabeIto.vermillion
        case .warning: OkabeIto.orange
        case .note: OkabeIto.skyBlue
        }
    }

    public var badgeText: RGB { OkabeIto.black }

    public static let light = SchemeColors(
        scheme: .light, canvas: RGB(0xFFFFFF), text: RGB(0x1A1A1A), mutedText: RGB(0x4D4D4D), containerStroke: RGB(0x8C8C8C),
        tabFill: RGB(0xE9E9E9), setStroke: OkabeIto.blue, setFill: OkabeIto.skyBlue.over(RGB(0xFFFFFF), alpha: 0.07),
        setTabFill: OkabeIto.skyBlue.over(RGB(0xFFFFFF), alpha: 0.30), panelFill: RGB(0xFAFAFA), panelStroke: RGB(0xBDBDBD),
        tagFill: RGB(0xFFFFFF))

    public static let dark = SchemeColors(
        scheme: .dark, canvas: RGB(0x16181C), text: RGB(0xF2F2F2), mutedText: RGB(0xC4C7CC), containerStroke: RGB(0x7D828A),
        tabFill: RGB(0x2C3037), setStroke: OkabeIto.skyBlue, setFill: OkabeIto.skyBlue.over(RGB(0x16181C), alpha: 0.07),
        setTabFill: OkabeIto.skyBlue.over(RGB(0x16181C), alpha: 0.22), panelFill: RGB(0x1D2025), panelStroke: RGB(0x4A4F57),
        tagFill: RGB(0x16181C))

    /// The colours of a scheme.
    public static func of(_ scheme: ColorScheme) -> SchemeColors { scheme == .light ? light : dark }

    /// Every (text colour, background) pair the renderer draws text with, named for test messages.
    public var textPairs: [(name: String, text: RGB, background: RGB)] {
        var pairs: [(String, RGB, RGB)] = [
            ("title on canvas", text, canvas), ("subtitle on canvas", mutedText, canvas),
            ("container label on tab", text, tabFill), ("set label on tab", text, setTabFill),
            ("legend on panel", text, panelFill), ("findings on panel", text, panelFill),
            ("cost tag", text, tagFill),
        ]
        for k in NodeKind.allCases {
            pairs.append(("\(k.rawValue) name", text, fill(k)))
            pairs.append(("\(k.rawValue) detail", text, fill(k)))
        }
        for s in [Severity.error, .warning, .note] { pairs.append(("\(s.rawValue) badge number", badgeText, badgeFill(s))) }
        return pairs
    }
}
