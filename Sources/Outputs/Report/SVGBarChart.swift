internal import Plot

/// A horizontal stacked bar chart drawn as inline SVG by our code (no script, no external file).
/// Data reaches the drawing only as text nodes (labels, `<title>` tooltips), which Plot escapes;
/// attributes carry numbers and constants only.
struct SVGBarChart {
    struct Series {
        var label: String
        var color: String
    }

    struct Bar {
        var label: String
        /// One value per series.
        var values: [Int]
        /// Written after the bar (e.g. the total).
        var note: String
    }

    var caption: String
    var series: [Series]
    var bars: [Bar]

    static let width = 760.0, labelWidth = 250.0, noteWidth = 90.0, rowHeight = 24.0, barHeight = 16.0, legendHeight = 28.0

    func node() -> Node<HTML.BodyContext> {
        let height = Self.legendHeight + Double(bars.count) * Self.rowHeight + 8
        let largest = max(1, bars.map { $0.values.reduce(0, +) }.max() ?? 1)
        let scale = (Self.width - Self.labelWidth - Self.noteWidth) / Double(largest)
        var nodes: [Node<HTML.BodyContext>] = SVG.frame(width: Self.width, height: height, caption: caption)
        for (index, item) in series.enumerated() {
            let x = Self.labelWidth + Double(index) * 110
            nodes.append(SVG.rect(x: x, y: 6, width: 12, height: 12, color: item.color, tooltip: nil))
            nodes.append(SVG.text(item.label, x: x + 16, y: 16, anchor: "start"))
        }
        for (row, bar) in bars.enumerated() {
            let y = Self.legendHeight + Double(row) * Self.rowHeight
            nodes.append(SVG.text(SVG.shortened(bar.label, to: 18), x: Self.labelWidth - 8, y: y + 13, anchor: "end", tooltip: bar.label))
            var x = Self.labelWidth
            for (value, item) in zip(bar.values, series) where value > 0 {
                let width = max(1, Double(value) * scale)
                nodes.append(SVG.rect(x: x, y: y, width: width, height: Self.barHeight, color: item.color, tooltip: "\(bar.label)：\(item.label) \(value)"))
                x += width
            }
            nodes.append(SVG.text(bar.note, x: x + 6, y: y + 13, anchor: "start"))
        }
        return .element(named: "svg", nodes: nodes)
    }
}
