internal import Datasets

/// Swaps a share of 二七区 street codes for structurally valid ones the catalogue does not list
/// (410103 + an unlisted 街道 number 001–099), as a real extract does when divisions.yaml is
/// stale. It draws from its own random stream and only when the rate is above zero, so the
/// default output is unchanged and, at any rate, every other value of the file is the same.
struct UnlistedStreets {
    private let codes: [[UInt8]]
    private let rate: Double
    private var random: Xoshiro256
    private static let district = Array(DivisionCatalog.districtCode.utf8)

    init(catalogue: DivisionCatalog, rate: Double, seed: UInt64, stream: UInt64) {
        codes = (1...99).map { DivisionCatalog.districtCode + String(1000 + $0).dropFirst() }
            .filter { catalogue.erqiTownships[$0] == nil }
            .map { Array($0.utf8) }
        self.rate = rate
        random = Xoshiro256(seed: seed, stream: stream)
    }

    /// `division`, or (with the given chance, for a 二七区 code) an unlisted street of 二七区.
    mutating func apply(to division: [UInt8]) -> [UInt8] {
        guard rate > 0, !codes.isEmpty, division.starts(with: Self.district), random.chance(rate) else { return division }
        return random.pick(codes)
    }
}
