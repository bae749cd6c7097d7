internal import Datasets

/// The names a division field may be tested against with 属于, each standing for the division
/// codes that start with its prefix: 郑州市 (4101), a county of 郑州 such as 二七区 (410103), or a
/// street or town of 二七区 such as 淮河路街道 (410103001), as listed in Rules/schemas/divisions.yaml.
/// The checker accepts exactly these names and the lowering turns them into these prefixes.
enum DivisionNames {
    static let city = "郑州市"

    /// The code prefix a name stands for, or nil when it names no division.
    static func prefix(of name: String, in catalog: DivisionCatalog) -> String? {
        if name == city { return DivisionCatalog.cityPrefix }
        if let code = catalog.erqiTownships.filter({ $0.value == name }).keys.min() { return code }
        return catalog.zhengzhouCounties.filter { $0.value == name }.keys.min()
    }

    /// Every name, for “did you mean”.
    static func all(in catalog: DivisionCatalog) -> [String] {
        [city] + catalog.zhengzhouCounties.values.sorted() + catalog.erqiTownships.values.sorted()
    }
}
