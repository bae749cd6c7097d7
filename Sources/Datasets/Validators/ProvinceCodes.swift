/// The two-digit province codes (00–99) that begin a valid ID number or division code, as a
/// bit set. The import asks once or twice a row (身份证号, 户籍地): `Set<Int>.contains` hashed
/// each time (SipHash) and retained the set's storage, which both validating threads share.
public struct ProvinceCodes: Sendable, Equatable {
    private var low: UInt64 = 0
    private var high: UInt64 = 0

    public init(_ codes: some Sequence<Int>) {
        for code in codes where (0..<100).contains(code) {
            if code < 64 { low |= 1 << UInt64(code) } else { high |= 1 << UInt64(code - 64) }
        }
    }

    @inline(__always)
    public func contains(_ code: Int) -> Bool {
        guard code >= 0, code < 100 else { return false }
        return code < 64 ? low & (1 << UInt64(code)) != 0 : high & (1 << UInt64(code - 64)) != 0
    }
}
