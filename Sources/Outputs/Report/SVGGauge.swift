internal import Foundation
internal import Plot

/// A budget gauge: a half circle filled to the share of the yearly budget used, red once the
/// budget is spent (someone is over budget). Inline SVG by our code.
struct SVGGauge {
    var label: String
    /// The share used (0…1; more is drawn full).
    var share: Double
    var spent: Bool
    /// Under the percentage: 已用 … / 预算 ….
    var detail: String

    static let width = 220.0, height = 150.0, radius = 80.0, stroke = 18.0

    func node() -> Node<HTML.BodyContext> {
        let cx = Self.width / 2, cy = 100.0, r = Self.radius
        var nodes = SVG.frame(width: Self.width, height: Self.height, caption: "\(label)：预算使用率 \(Money.percent(share))")
        nodes.append(SVG.path(Self.arc(cx: cx, cy: cy, r: r, share: 1), stroke: "#e2e8f0", width: Self.stroke))
        let filled = min(max(share, 0), 1)
        if filled > 0 {
            let color = spent ? "#c53030" : filled >= 0.9 ? "#d69e2e" : "#2b6cb0"
            nodes.append(SVG.path(Self.arc(cx: cx, cy: cy, r: r, share: filled), stroke: color, width: Self.stroke))
        }
        nodes.append(SVG.text(Money.percent(share), x: cx, y: cy - 8, anchor: "middle", size: 22))
        nodes.append(SVG.text(SVG.shortened(label, to: 16), x: cx, y: cy + 24, anchor: "middle", tooltip: label))
        nodes.append(SVG.text(detail, x: cx, y: cy + 42, anchor: "middle", size: 11))
        return .element(named: "svg", nodes: nodes)
    }

    /// The upper half circle from the left end, clockwise, over `share` of it.
    static func arc(cx: Double, cy: Double, r: Double, share: Double) -> String {
        let angle = Double.pi * share
        let x = cx - r * cos(angle), y = cy - r * sin(angle)
        return "M \(SVG.number(cx - r)) \(SVG.number(cy)) A \(SVG.number(r)) \(SVG.number(r)) 0 0 1 \(SVG.number(x)) \(SVG.number(y))"
    }
}
