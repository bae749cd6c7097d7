/// Text values as small integer codes: every distinct string met while loading columns gets
/// the next code, so that `=` and `属于` on text become integer comparisons. One dictionary is
/// shared by all the text columns of a load (two fields holding the same text have the same code).
public struct TextDictionary: Sendable {
    public private(set) var strings: [String] = []
    private var codes: [String: Int64] = [:]

    public init() {}

    /// The code of `text`, adding it if new.
    public mutating func code(_ text: String) -> Int64 {
        if let code = codes[text] { return code }
        let code = Int64(strings.count)
        strings.append(text)
        codes[text] = code
        return code
    }

    /// The code of `text` if it was seen, else nil.
    public func existingCode(_ text: String) -> Int64? { codes[text] }

    public var count: Int { strings.count }
}
