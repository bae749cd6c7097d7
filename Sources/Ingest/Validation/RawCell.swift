/// A cell as a reader found it, before validation.
public enum RawCell: Sendable, Hashable {
    /// The file has no column for this field: the value is unknown.
    case absent
    case text(String)
    /// Bytes that could not be decoded; carries a lossy rendering for the message.
    case undecodable(String)
}
