/// The report's inline style sheet and chart colours: readable on screen, A4 landscape in print.
enum ReportStyle {
    static let eligible = "#2b6cb0"
    static let excluded = "#90cdf4"
    static let overBudget = "#c53030"
    static let unknown = "#d69e2e"

    static let css = """
        body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
          color: #1a202c; background: #ffffff; margin: 24px auto; max-width: 1100px; padding: 0 16px; line-height: 1.5; }
        h1 { font-size: 24px; border-bottom: 3px solid #2b6cb0; padding-bottom: 8px; }
        h2 { font-size: 18px; margin-top: 32px; border-left: 4px solid #2b6cb0; padding-left: 8px; }
        p.meta { color: #4a5568; font-size: 13px; }
        p.note { color: #4a5568; font-size: 13px; margin: 4px 0 8px; }
        table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 8px 0 16px; }
        th, td { border: 1px solid #cbd5e0; padding: 4px 6px; text-align: left; vertical-align: top; }
        th { background: #edf2f7; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        td.empty { color: #718096; text-align: center; }
        tbody tr:nth-child(even) { background: #f7fafc; }
        svg { display: block; max-width: 100%; height: auto; margin: 8px 0; }
        svg text { fill: #1a202c; font-family: inherit; }
        .gauges { display: flex; flex-wrap: wrap; gap: 12px; }
        .gauges svg { display: inline-block; border: 1px solid #e2e8f0; border-radius: 6px; }
        footer { margin-top: 32px; color: #718096; font-size: 12px; border-top: 1px solid #e2e8f0; }
        @page { size: A4 landscape; margin: 12mm; }
        @media print {
          body { margin: 0; max-width: none; }
          section { break-inside: avoid-page; }
          table { font-size: 10pt; }
          thead { display: table-header-group; }
          tr { break-inside: avoid; }
        }
        """
}
