internal import Plot

/// The few SVG shapes the charts use.
enum SVG {
    /// The `<svg>` element's attributes and its accessible caption.
    static func frame(width: Double, height: Double, caption: String) -> [Node<HTML.BodyContext>] {
        [
            .attribute(named: "xmlns", value: "http://www.w3.org/2000/svg"),
            .attribute(named: "viewBox", value: "0 0 \(number(width)) \(number(height))"),
            .attribute(named: "width", value: number(width)),
            .attribute(named: "height", value: number(height)),
            .attribute(named: "role", value: "img"),
            .element(named: "title", text: caption),
        ]
    }

    static func rect(x: Double, y: Double, width: Double, height: Double, color: String, tooltip: String?) -> Node<HTML.BodyContext> {
        .element(named: "rect", nodes: [
            .attribute(named: "x", value: number(x)), .attribute(named: "y", value: number(y)),
            .attribute(named: "width", value: number(width)), .attribute(named: "height", value: number(height)),
            .attribute(named: "fill", value: color),
            tooltip.map { .element(named: "title", text: $0) } ?? .empty,
        ])
    }

    static func text(_ text: String, x: Double, y: Double, anchor: String, size: Int = 12, tooltip: String? = nil) -> Node<HTML.BodyContext> {
        .element(named: "text", nodes: [
            .attribute(named: "x", value: number(x)), .attribute(named: "y", value: number(y)),
            .attribute(named: "text-anchor", value: anchor), .attribute(named: "font-size", value: String(size)),
            tooltip.map { .element(named: "title", text: $0) } ?? .empty,
            .text(text),
        ])
    }

    static func path(_ d: String, stroke: String, width: Double) -> Node<HTML.BodyContext> {
        .selfClosedElement(named: "path", attributes: [
            Attribute(name: "d", value: d), Attribute(name: "fill", value: "none"), Attribute(name: "stroke", value: stroke),
            Attribute(name: "stroke-width", value: number(width)),
        ])
    }

    /// A coordinate with at most two decimals, without trailing zeros.
    static func number(_ value: Double) -> String {
        let hundredths = Int64((value * 100).rounded())
        let whole = "\(hundredths / 100)"
        let rest = abs(hundredths % 100)
        guard rest != 0 else { return hundredths < 0 && hundredths / 100 == 0 ? "-0" : whole }
        let sign = hundredths < 0 && hundredths / 100 == 0 ? "-" : ""
        let digits = rest < 10 ? "0\(rest)" : rest % 10 == 0 ? "\(rest / 10)" : "\(rest)"
        return "\(sign)\(whole).\(digits)"
    }

    /// At most `limit` characters, with … when cut.
    static func shortened(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}
