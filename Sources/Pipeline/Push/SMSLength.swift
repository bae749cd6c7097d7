/// SMS length as carriers count it for Chinese text (UCS-2): up to 70 characters is one
/// segment; a longer message is split into segments of 67 (the rest carries the joining header).
public enum SMSLength {
    public static let single = 70
    public static let perSegment = 67

    /// Characters as carriers count them (UTF-16 code units: a character outside the BMP counts 2).
    public static func characters(_ text: String) -> Int { text.utf16.count }

    public static func segments(_ text: String) -> Int {
        let count = characters(text)
        if count == 0 { return 0 }
        return count <= single ? 1 : (count + perSegment - 1) / perSegment
    }
}
