/// 分 as 元 with two decimals (89250 → 892.50), and shares as percentages.
public enum Money {
    public static func yuan(_ fen: Int64) -> String {
        let sign = fen < 0 ? "-" : ""
        let magnitude = fen.magnitude
        let cents = magnitude % 100
        return "\(sign)\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    /// 0.8753 → 87.5%（one decimal, rounded half up).
    public static func percent(_ share: Double) -> String {
        let tenths = Int64((share * 1000).rounded(.toNearestOrAwayFromZero))
        return "\(tenths / 10).\(abs(tenths % 10))%"
    }

    /// `part` of `whole` as a percentage; empty when `whole` is 0.
    public static func percent(_ part: Int, of whole: Int) -> String {
        whole == 0 ? "" : percent(Double(part) / Double(whole))
    }
}
