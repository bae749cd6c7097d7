/// The printable page's CSS: A4 with margins, black on white, borders that print.
enum ApplicationStyle {
    static let css = """
        @page { size: A4; margin: 15mm 15mm 18mm; }
        body { margin: 0; color: #000; background: #fff; font-size: 10pt; line-height: 1.4;
          font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif; }
        .sheet { width: 180mm; margin: 0 auto; padding: 8mm 0; }
        h1 { text-align: center; font-size: 17pt; margin: 0 0 2mm; letter-spacing: 0.1em; }
        h2 { font-size: 11pt; margin: 3.5mm 0 1.2mm; }
        .meta { text-align: center; margin: 0 0 4mm; }
        table { width: 100%; border-collapse: collapse; }
        th, td { border: 0.3mm solid #000; padding: 0.9mm 2mm; text-align: left; vertical-align: top; }
        th { font-weight: normal; background: #f0f0f0; }
        table.kv th { width: 32%; }
        table.materials td:nth-child(3), table.materials td:nth-child(4) { white-space: nowrap; }
        td.unknown { color: #555; font-style: italic; }
        .amount { font-size: 13pt; font-weight: bold; margin: 1mm 0; }
        ul.conditions { list-style: none; padding-left: 2mm; }
        .flag { color: #b00000; font-weight: bold; }
        section { page-break-inside: avoid; break-inside: avoid; }
        .seal { display: flex; gap: 10mm; margin-top: 3mm; }
        .seal > div { flex: 1; border: 0.3mm solid #000; min-height: 26mm; padding: 2mm 3mm; }
        footer { margin-top: 6mm; font-size: 8.5pt; color: #333; }
        @media print { .sheet { width: auto; padding: 0; } }
        """
}
