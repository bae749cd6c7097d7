/// "The next night" of a generated resident extract: night 0 is the extract itself; night K
/// is the same extract K nights later, deterministic from the seed. Relative to night K − 1,
/// about 1 % of the rows change (a new 个人年收入), 0.2 % are new (appended at the end) and
/// 0.2 % are gone (迁出/死亡: left out of a full extract).
///
/// A row gone on night K stays gone on every later night; a row's income is the one of the
/// latest night that changed it, so consecutive nights differ in exactly that night's picks.
struct NightChanges: Sendable {
    static let changedShare = 0.01
    static let newShare = 0.002
    static let goneShare = 0.002

    let night: Int
    /// The rows of night 0.
    let baseCount: Int
    private let key: UInt64

    init(seed: UInt64, night: Int, baseCount: Int) {
        self.night = night
        self.baseCount = baseCount
        key = SplitMix64.mix(seed ^ 0x4E16_4854)
    }

    /// Rows generated on this night: night 0's plus the new ones of every night so far.
    var generatedCount: Int { baseCount + Int((Double(baseCount) * Self.newShare * Double(night)).rounded()) }

    /// Whether the row `index` of night 0 has left by this night.
    func isGone(_ index: Int) -> Bool {
        guard night > 0, index < baseCount else { return false }
        var random = SplitMix64(seed: key &+ UInt64(index) &* 0x9FB2_1C65_1E98_DF25)
        return random.unit() < Self.goneShare * Double(night)
    }

    /// The income (in cents) the row has by this night, when a night changed it. Its last
    /// three digits are 100 + the night (mod 900), which no generated income has, so the
    /// value differs from the original and from every other night's.
    func changedIncome(_ index: Int) -> Int? {
        var j = night
        while j > 0 {
            var random = SplitMix64(seed: key ^ SplitMix64.mix(UInt64(j) << 40 | UInt64(index)))
            if random.unit() < Self.changedShare {
                return (random.int(1...6000)) * 1_000 + 100 + j % 900
            }
            j -= 1
        }
        return nil
    }
}
